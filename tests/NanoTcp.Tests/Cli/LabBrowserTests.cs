using NanoTcp.Cli.Lab;
using NanoTcp.Cli.Lab.Html;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Cli;

/// <summary>One Chromium for the whole class: each scenario's page opens in a tab of its own.</summary>
public sealed class BrowserFixture : IDisposable
{
    private LabBrowser _browser;
    public LabBrowser Browser => _browser ??= LabBrowser.Start();
    public void Dispose() => _browser?.Dispose();
}

/// <summary>
/// The step-through page of every scenario in a real browser (Debian's Chromium, headless, over
/// its DevTools protocol): it loads from a file with no console error, stepping lights both
/// sides' states on the state diagram as the exchange says, and changes the segment's detail pane.
/// </summary>
public class LabBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;
    private readonly ITestOutputHelper _out;

    public LabBrowserTests(BrowserFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _out = output;
    }

    public static IEnumerable<object[]> Names() => LabScenarios.All.Select(s => new object[] { s.Name });

    /// <summary>Where the screenshots go (kept after the run, to be looked at); NANOTCP_LAB_SHOTS overrides.</summary>
    private static string ShotDir => Environment.GetEnvironmentVariable("NANOTCP_LAB_SHOTS") ?? Path.Combine(Path.GetTempPath(), "nanotcp-lab-pages");

    [ChromiumTheory]
    [MemberData(nameof(Names))]
    public void ThePageLoadsAndSteppingLightsTheStatesAndTheSegment(string name)
    {
        var scenario = LabScenarios.Find(name)!;
        var run = LabCommand.Execute(scenario);
        var ladder = LabLadder.Build(run, textbook: false);
        var steps = StepPage.Steps(run, ladder);
        string page = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-{name}-{Guid.NewGuid():N}.html");
        File.WriteAllText(page, StepPage.Render(run, ladder, new LabView(scenario, false, scenario.TimeAxis)));
        try
        {
            var b = _fixture.Browser;
            b.Errors.Clear();
            b.Open(new Uri(page).AbsoluteUri);
            Assert.Empty(b.Errors);
            Assert.Equal(steps.Count, b.Eval("window.labStep.count")!.GetValue<int>());
            Assert.Equal($"1 / {steps.Count}", b.EvalString("document.getElementById('counter').textContent"));
            Assert.True(b.Eval("document.getElementById('back').disabled")!.GetValue<bool>());

            // The buttons step: Next moves one step on, Back one step back.
            b.Eval("document.getElementById('next').click(), 0");
            Assert.Equal($"2 / {steps.Count}", b.EvalString("document.getElementById('counter').textContent"));
            b.Eval("document.getElementById('back').click(), 0");
            Assert.Equal($"1 / {steps.Count}", b.EvalString("document.getElementById('counter').textContent"));

            var lit = new HashSet<string>();
            var details = new HashSet<string>();
            for (int i = 0; i < steps.Count; i++)
            {
                b.Eval($"window.labStep.show({i}), 0");
                string pc = b.EvalString("(document.querySelector('.node.pc') || {dataset:{}}).dataset.state || ''");
                string board = b.EvalString("(document.querySelector('.node.board') || {dataset:{}}).dataset.state || ''");
                Assert.Equal((steps[i].PcState, steps[i].BoardState), (pc, board));
                lit.Add(pc + "/" + board);
                string title = b.EvalString("document.getElementById('title').textContent");
                Assert.Equal(steps[i].Title, title);
                string detail = b.EvalString("document.getElementById('detail').textContent");
                if (steps[i].Detail != null)
                {
                    Assert.Contains("Sequence Number (raw):", detail);
                    details.Add(detail);
                }
                // The items of this step are lit in the ladder, later ones are faded.
                foreach (int item in steps[i].Items)
                    Assert.True(b.Eval($"document.getElementById('item-{item}').classList.contains('now')")!.GetValue<bool>(), $"{name} step {i + 1}: item {item} not lit");
            }
            Assert.True(lit.Count > 1, $"{name}: the lit states never change");
            Assert.True(details.Count > 1, $"{name}: the detail pane never changes");
            Assert.Equal(0, b.Eval("document.querySelectorAll('#ladder g.item.future').length")!.GetValue<int>()); // all shown at the last step
            Assert.Empty(b.Errors);

            if (name is "time-wait" or "simultaneous-open")
            {
                Directory.CreateDirectory(ShotDir);
                // time-wait: the retransmitted FIN reaching the PC in TIME-WAIT; simultaneous-open: the crossing SYNs.
                int at = name == "time-wait" ? steps.ToList().FindIndex(s => s.TimeMs > 1000 && s.Title.StartsWith("FIN, ACK arrives")) : 3;
                b.Eval($"window.labStep.show({Math.Max(at, 0)}), 0");
                string shot = Path.Combine(ShotDir, $"lab-{name}-page.png");
                b.Screenshot(shot);
                var png = File.ReadAllBytes(shot);
                Assert.Equal((1920, 1080), PngSize(png));
                _out.WriteLine($"screenshot: {shot}");
            }
        }
        finally
        {
            File.Delete(page);
        }
    }

    [ChromiumFact]
    public void TheHtmlWorksheetSavesAnswersThatTheGraderReads()
    {
        var key = NanoTcp.Cli.Lab.Exercise.WorksheetGrader.Key(LabScenarios.Find("lost-syn-ack")!, 5);
        string page = Path.Combine(Path.GetTempPath(), $"nanotcp-worksheet-{Guid.NewGuid():N}.html");
        string answers = Path.ChangeExtension(page, ".md");
        File.WriteAllText(page, key.Html());
        try
        {
            var b = _fixture.Browser;
            b.Errors.Clear();
            b.Open(new Uri(page).AbsoluteUri);
            Assert.Equal(key.Blanks.Count, b.Eval("document.querySelectorAll('input[data-blank]').length")!.GetValue<int>());
            // A student types the answers (the last one wrong), and saves.
            foreach (var blank in key.Blanks)
            {
                string value = blank == key.Blanks[^1] ? "z" : blank.Answer;
                b.Eval($"document.querySelector('input[data-blank=\"{blank.Number}\"]').value = {System.Text.Json.JsonSerializer.Serialize(value)}, 0");
            }
            b.Eval("document.getElementById('save').click(), 0");
            File.WriteAllText(answers, b.EvalString("document.getElementById('answers').textContent"));
            Assert.Empty(b.Errors);
            var o = new StringWriter();
            Assert.Equal(1, NanoTcp.Cli.Lab.Exercise.WorksheetGrader.Check(answers, o, new StringWriter()));
            Assert.Contains($"score: {key.Blanks.Count - 1}/{key.Blanks.Count}", o.ToString());
        }
        finally
        {
            File.Delete(page);
            File.Delete(answers);
        }
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    internal static (int, int) PngSize(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        int Be(int o) => png[o] << 24 | png[o + 1] << 16 | png[o + 2] << 8 | png[o + 3];
        return (Be(16), Be(20));
    }
}
