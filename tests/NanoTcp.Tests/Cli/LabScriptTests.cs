using NanoTcp.Cli.Lab;
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;

namespace NanoTcp.Tests.Cli;

/// <summary>The lab's scenario format: teachers' own files run like the built-in ones; bad files get the line and what is wrong.</summary>
public class LabScriptTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-script-{Guid.NewGuid():N}");

    public LabScriptTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File_(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A teacher's own lab: the board closes first and its first FIN is lost.</summary>
    private const string LostFin = """
        # The board closes first; its FIN is lost and retransmitted.
        title A lost FIN
        > The board's FIN is lost: it retransmits it after its RTO.
        axis time
        transit 30 ms
        msl 2 s                  # TIME-WAIT lasts 4 s here
        board listens on 80
        pc connects to 80 from 41000
        wait until both are ESTABLISHED
        pc sends "GET /"
        wait 100 ms
        drop the board's first FIN
        board closes
        wait until pc is CLOSE-WAIT
        pc closes
        wait until board is TIME-WAIT
        wait until board is CLOSED within 10 s
        outcome the board left TIME-WAIT at {board CLOSED} ms; the PC read {pc received} bytes
        quiz Who retransmits the FIN?
        - the board, when its RTO expires
        - the PC, to ask for it
        """;

    [Fact]
    public void ATeachersScenarioRunsWithEverythingTheBuiltInOnesHave()
    {
        string path = File_("lost-fin.lab", LostFin);
        string svg = Path.Combine(_dir, "s.svg"), png = Path.Combine(_dir, "s.png"), html = Path.Combine(_dir, "s.html");
        var (code, text, err) = LabTests.Lab("run", path, "--pcap", Path.Combine(_dir, "s.pcap"), "--svg", svg, "--png", png, "--html", html, "--exercise", "--out", _dir);
        Assert.True(code == 0, err);
        Assert.Contains("A lost FIN  [lost-fin]", text);
        Assert.Contains("lost on the wire: [F.]", text);
        Assert.Matches(@"outcome: the board left TIME-WAIT at \d+ ms; the PC read 0 bytes", text);
        var script = LabScriptParser.ParseFile(path);
        var d = LabLadder.Build(LabCommand.Execute(script), false);
        Assert.Contains(d.Arrows, a => a.Lost && a.Has(0x01) && a.Side == LadderSide.Right);
        Assert.Contains(d.Timers, t => t.Kind == "retransmit" && t.Side == LadderSide.Right);
        Assert.Contains(d.Timers, t => t.Kind == "2msl" && t.Side == LadderSide.Right && t.Text.EndsWith("4 s"));
        Assert.Equal((1920, 1080), LabBrowserTests.PngSize(File.ReadAllBytes(png)));
        Assert.Contains("<html", File.ReadAllText(html));
        // The worksheet of a file names the file, and lab check finds it again.
        string key = Path.Combine(_dir, "nanotcp-lab-lost-fin-seed-0-key.md");
        Assert.Contains("scenario: " + path, File.ReadAllText(key));
        (code, text, _) = LabTests.Lab("check", key);
        Assert.Equal(0, code);
    }

    [Theory]
    [InlineData("pc connects to 7 from 40000\nfly away\n", 2, "unknown statement 'fly'")]
    [InlineData("pc connects to 7 from 40000\ntv sends \"x\"\n", 2, "unknown statement 'tv'")]
    [InlineData("board listens on 7\npc connects to 7 from 99999\n", 2, "port: '99999' is not a whole number from 1 to 65535")]
    [InlineData("pc connects to 7 from 40000\nwait 300\n", 2, "'300' needs a unit, ms or s")]
    [InlineData("pc connects to 7 from 40000\nwait until pc is HAPPY\n", 2, "'HAPPY' is not a TCP state")]
    [InlineData("pc connects to 7 from 40000\n\ndrop the pc's first banana\n", 3, "'banana' is not a kind of segment")]
    [InlineData("pc connects to 7 from 40000\ndrop the pc's umpteenth SYN\n", 2, "'umpteenth' is not an ordinal")]
    [InlineData("pc connects to 7 from 40000\ndelay the pc's first SYN\n", 2, "delay the pc's first data segment by 300 ms")]
    [InlineData("quiz Why?\n- only one\npc connects to 7 from 40000\n", 1, "at least two '- option' lines")]
    [InlineData("- stray option\n", 1, "belongs after a 'quiz' line")]
    [InlineData("pc connects to 7 from 40000\noutcome done at {pc sometime}\n", 2, "unknown placeholder {pc sometime}")]
    [InlineData("pc sends \"unclosed\npc connects to 7 from 40000\n", 1, "quoted text is not closed")]
    [InlineData("axis sideways\npc connects to 7 from 40000\n", 1, "axis is 'time'")]
    [InlineData("board listens on 7\n", 0, "a scenario needs at least one 'connects to' step")]
    public void BadFilesGetTheLineAndWhatIsWrong(string text, int line, string message)
    {
        var e = Assert.Throws<LabScriptException>(() => LabScriptParser.Parse(text, "my.lab", "my"));
        Assert.Equal(line, e.Line);
        Assert.Contains(message, e.Message);
        Assert.StartsWith(line > 0 ? $"my.lab:{line}: " : "my.lab: ", e.Message);
        // From the command line: one line, exit code 1.
        string path = File_("bad.lab", text);
        var (code, _, err) = LabTests.Lab("run", path, "--pcap", Path.Combine(_dir, "b.pcap"), "--svg", Path.Combine(_dir, "b.svg"));
        Assert.Equal(1, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"nanotcp lab: {path}", err);
    }

    [Fact]
    public void AScenarioThatCannotHappenSaysWhereItGotStuck()
    {
        string path = File_("stuck.lab", "board listens on 7\npc connects to 7 from 40000\nwait until pc is TIME-WAIT within 500 ms\n");
        var e = Assert.Throws<LabScriptException>(() => LabCommand.Execute(LabScriptParser.ParseFile(path)));
        Assert.Equal(3, e.Line);
        Assert.Contains("the PC never reached TIME-WAIT (it is ESTABLISHED) within 500 ms", e.Message);
        (int code, _, string err) = LabTests.Lab("run", Path.Combine(_dir, "nowhere.lab"));
        Assert.Equal(1, code);
        Assert.Contains("no such file", err);
    }

    [Fact]
    public void TheBuiltInScenariosAreWrittenInTheFormat()
    {
        foreach (var s in LabScenarios.All)
        {
            var again = LabScriptParser.Parse(LabScenarios.Text(s.Name)!, "copy", "copy");
            Assert.Equal(s.Name, again.Name);
            Assert.Equal(s.Title, again.Title);
            Assert.Equal(s.Steps.Count, again.Steps.Count);
            Assert.NotEmpty(s.LookFor);
            Assert.NotEmpty(s.Quizzes);
            Assert.DoesNotContain("{", s.Outcome.Replace("{pc", "").Replace("{board", ""));
        }
        // `lab show` prints a file that `lab run` takes back.
        var (_, shown, _) = LabTests.Lab("show", "three-way-close");
        string path = File_("mine.lab", shown.Replace("lab three-way-close", "lab my-close"));
        var (code, text, _) = LabTests.Lab("run", path, "--pcap", Path.Combine(_dir, "m.pcap"), "--svg", Path.Combine(_dir, "m.svg"));
        Assert.Equal(0, code);
        Assert.Contains("[my-close]", text);
        Assert.Contains("outcome: three segments", text);
    }

    [Fact]
    public void CompareModePutsTwoScenariosOnOneSlide()
    {
        string svg = Path.Combine(_dir, "pair.svg"), png = Path.Combine(_dir, "pair.png");
        var (code, text, err) = LabTests.Lab("time-wait", "--compare", "normal-close", "--svg", svg, "--png", png, "--pcap", Path.Combine(_dir, "p.pcap"), "--view", "textbook");
        Assert.True(code == 0, err);
        Assert.Contains("beside normal-close", text);
        var doc = System.Xml.Linq.XDocument.Load(svg);
        Assert.Equal("1920", doc.Root!.Attribute("width")!.Value);
        Assert.Equal("1080", doc.Root.Attribute("height")!.Value);
        string s = doc.ToString();
        Assert.Contains("Why TIME-WAIT lasts 2MSL", s);
        Assert.Contains("A normal close", s);
        Assert.Equal((1920, 1080), LabBrowserTests.PngSize(File.ReadAllBytes(png)));
        // Without a name, the scenario's own pair.
        (code, text, err) = LabTests.Lab("four-way-close", "--compare", "--svg", svg, "--pcap", Path.Combine(_dir, "p.pcap"));
        Assert.True(code == 0, err);
        Assert.Contains("beside three-way-close", text);
        (code, _, err) = LabTests.Lab("reset", "--compare", "--svg", svg, "--pcap", Path.Combine(_dir, "p.pcap"));
        Assert.Equal(2, code);
        Assert.Contains("names no scenario to compare with", err);
        (code, _, err) = LabTests.Lab("time-wait", "--compare", "no-such-lab", "--svg", svg, "--pcap", Path.Combine(_dir, "p.pcap"));
        Assert.Equal(2, code);
        Assert.Contains("no scenario 'no-such-lab'", err);
    }

    [Theory]
    [MemberData(nameof(LabTests.Names), MemberType = typeof(LabTests))]
    public void EveryTextbookSlideFitsOne16By9Slide(string name)
    {
        var s = LabScenarios.Find(name)!;
        var lesson = LabLadder.Lesson(LabLadder.Build(LabCommand.Execute(s), textbook: true), s);
        string svg = LadderSvgRenderer.Render(lesson, new LabView(s, true, s.TimeAxis).Svg());
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal("1920", doc.Root!.Attribute("width")!.Value);
        Assert.Equal("1080", doc.Root.Attribute("height")!.Value);
        // Readable at 1920x1080: the title at 28 px or more, no segment label below 15 px.
        double Size(System.Xml.Linq.XElement e) => double.Parse(e.Attribute("font-size")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text" && e.Attribute("font-size") != null).ToList();
        Assert.True(Size(texts[0]) >= 28, $"{name}: title at {Size(texts[0])} px");
        var labels = texts.Where(e => e.Elements().Any(c => c.Name.LocalName == "tspan")).ToList();
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.True(Size(l) >= 15, $"{name}: a segment label at {Size(l)} px"));
    }

    [Fact]
    public void OnATimeAxisDistancesAreProportionalToTime()
    {
        var d = LabLadder.Build(LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!), false);
        var layout = LadderLayout.Create(d, timeAxis: true, 0, 800, 58, 30, 40);
        Assert.True(layout.Scale > 0);
        // The SYN at 0 and its retransmission at 1000: a whole RTO apart, to scale.
        var syns = d.Arrows.Where(a => a.Flags == 0x02).ToList();
        double dy = layout.RowOf[syns[1]].Y - layout.RowOf[syns[0]].Y;
        Assert.InRange(dy, layout.Scale * 1000 * 0.9, layout.Scale * 1000 + 4 * 30);
        // On an events axis the same RTO takes a few rows only.
        var events = LadderLayout.Create(d, timeAxis: false, 0, 800, 58, 30, 40);
        Assert.True(events.RowOf[syns[1]].Y - events.RowOf[syns[0]].Y < dy / 2);
    }

    [Fact]
    public void TimersAreBarsAlongTheLifelines()
    {
        var d = LabLadder.Build(LabCommand.Execute(LabScenarios.Find("time-wait")!), false);
        var tw = d.Timers.Where(t => t.Kind == "2msl").ToList();
        Assert.Equal(2, tw.Count); // started, then restarted by the retransmitted FIN
        Assert.All(tw, t => Assert.Equal(LadderSide.Left, t.Side));
        Assert.Equal(tw[0].EndMs, tw[1].TimeMs);
        Assert.Equal(60_000, tw[1].EndMs - tw[1].TimeMs);
        var rto = Assert.Single(d.Timers, t => t.Kind == "retransmit");
        Assert.Equal((LadderSide.Right, "RTO 1 s"), (rto.Side, rto.Text));
        var zw = LabLadder.Build(LabCommand.Execute(LabScenarios.Find("zero-window")!), false);
        // The first bar runs from the board's win=0 ACK; the PC's application refills its ring (and
        // so arms the persist timer) at the next step, 1 ms later.
        Assert.Equal(new[] { "persist 1001 ms", "persist 2 s", "persist 4 s" }, zw.Timers.Where(t => t.Kind == "persist").Select(t => t.Text));
    }
}
