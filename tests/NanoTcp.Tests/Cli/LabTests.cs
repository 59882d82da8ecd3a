using System.Text.RegularExpressions;
using NanoTcp.Cli.Lab;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Trace;

namespace NanoTcp.Tests.Cli;

/// <summary>
/// Every lab scenario shows the segments its explanation talks about, with Wireshark's relative
/// numbers, and its capture is clean — so a change in the stack cannot silently break a handout.
/// Then the defects a teacher would see: numbers, drop notes, crossing arrows, outcome lines,
/// the lost-segment marker and the capture.
/// </summary>
public class LabTests
{
    /// <summary>Each scenario's exchange, one line per segment (PC on the left, board on the right).</summary>
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["handshake"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
        },
        ["three-handshakes"] = new[]
        {
            "PC -> board SYN seq=0 win=64240",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board RST seq=1 win=0",
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
        },
        ["data-in-handshake"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board PSH, ACK seq=1 ack=1 win=2048 [5 bytes]",
            "board -> PC PSH, ACK seq=1 ack=6 win=2048 [5 bytes]",
        },
        ["lost-syn-ack"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048 (lost)",
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
        },
        ["normal-close"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC ACK seq=1 ack=2 win=2048",
            "board -> PC FIN, ACK seq=1 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=2 win=2048",
        },
        ["time-wait"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC ACK seq=1 ack=2 win=2048",
            "board -> PC FIN, ACK seq=1 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=2 win=2048 (lost)",
            "board -> PC FIN, ACK seq=1 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=2 win=2048",
        },
        ["four-way-close"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC ACK seq=1 ack=2 win=2048",
            "board -> PC PSH, ACK seq=1 ack=2 win=2048 [3 bytes]",
            "PC -> board ACK seq=2 ack=4 win=2048",
            "board -> PC FIN, ACK seq=4 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=5 win=2048",
        },
        ["three-way-close"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC FIN, ACK seq=1 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=2 win=2048",
        },
        ["half-close"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC ACK seq=1 ack=2 win=2048",
            "board -> PC PSH, ACK seq=1 ack=2 win=2048 [1460 bytes]",
            "PC -> board ACK seq=2 ack=1461 win=2048",
            "board -> PC PSH, ACK seq=1461 ack=2 win=2048 [1460 bytes]",
            "PC -> board ACK seq=2 ack=2921 win=2048",
            "board -> PC PSH, ACK seq=2921 ack=2 win=2048 [1460 bytes]",
            "PC -> board ACK seq=2 ack=4381 win=2048",
            "board -> PC FIN, ACK seq=4381 ack=2 win=2048",
            "PC -> board ACK seq=2 ack=4382 win=2048",
        },
        ["old-duplicate"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board PSH, ACK seq=1 ack=1 win=2048 [3 bytes]",
            "PC -> board PSH, ACK seq=1 ack=1 win=2048 [3 bytes] (copy)",
            "board -> PC FIN, ACK seq=1 ack=4 win=2048",
            "PC -> board ACK seq=4 ack=2 win=2048",
            "PC -> board FIN, ACK seq=4 ack=2 win=2048",
            "board -> PC ACK seq=2 ack=5 win=2048",
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "board -> PC ACK seq=1 ack=1 win=2048",
            "PC -> board PSH, ACK seq=1 ack=1 win=2048 [3 bytes]",
        },
        ["simultaneous-open"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN seq=0 win=2048",
            "PC -> board SYN, ACK seq=0 ack=1 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
        },
        ["simultaneous-close"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board FIN, ACK seq=1 ack=1 win=2048",
            "board -> PC FIN, ACK seq=1 ack=1 win=2048",
            "PC -> board ACK seq=2 ack=2 win=2048",
            "board -> PC ACK seq=2 ack=2 win=2048",
        },
        ["closed-port"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC RST, ACK seq=0 ack=1 win=0",
        },
        ["reset"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board RST seq=1 win=0",
        },
        ["zero-window"] = new[]
        {
            "PC -> board SYN seq=0 win=2048",
            "board -> PC SYN, ACK seq=0 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048",
            "PC -> board ACK seq=1 ack=1 win=2048 [1460 bytes]",
            "PC -> board PSH, ACK seq=1461 ack=1 win=2048 [588 bytes]", // Minshall's Nagle: no wait for the first ACK
            "board -> PC ACK seq=1 ack=2049 win=0",
            "PC -> board ACK seq=2049 ack=1 win=2048 [1 byte]",
            "board -> PC ACK seq=1 ack=2049 win=0",
            "PC -> board ACK seq=2049 ack=1 win=2048 [1 byte]",
            "board -> PC ACK seq=1 ack=2049 win=0",
            "PC -> board ACK seq=2049 ack=1 win=2048 [1 byte]",
            "board -> PC ACK seq=1 ack=2049 win=0",
            "board -> PC ACK seq=1 ack=2049 win=2048",
            "PC -> board PSH, ACK seq=2049 ack=1 win=2048 [952 bytes]",
        },
    };

    public static IEnumerable<object[]> Names() => LabScenarios.All.Select(s => new object[] { s.Name });

    internal static LadderDiagram Ladder(string name, uint seed = 0, bool textbook = false) =>
        LabLadder.Build(LabCommand.Execute(LabScenarios.Find(name)!, null, seed), textbook);

    internal static (int Code, string Out, string Err) Lab(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = LabCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void EveryScenarioHasExpectations()
    {
        Assert.Equal(LabScenarios.All.Select(s => s.Name).OrderBy(x => x), Expected.Keys.OrderBy(x => x));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ScenarioShowsItsSegmentsWithRelativeNumbersAndItsCaptureIsClean(string name)
    {
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-{name}-{Environment.ProcessId}.pcap");
        try
        {
            var run = LabCommand.Execute(LabScenarios.Find(name)!, pcap);
            var d = LabLadder.Build(run, textbook: false);
            Assert.Equal(Expected[name], d.ArrowSummary());
            Assert.DoesNotContain(run.Log, l => l.Contains("fast-retransmit"));
            Assert.Empty(Support.Tshark.Problems(pcap));
            Assert.DoesNotContain("(never", run.Outcome);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(7u)]
    [InlineData(4242u)]
    public void TheOldDuplicateSynDoesNotShiftTheRealConnectionsNumbers(uint seed)
    {
        var d = Ladder("three-handshakes", seed);
        Assert.Equal(Expected["three-handshakes"], d.ArrowSummary());
        var (code, text, _) = Lab("three-handshakes", "--seed", seed.ToString(), "--pcap", Temp("pcap"), "--svg", Temp("svg"));
        Assert.Equal(0, code);
        // The real connection's SYN-ACK, in the terminal: relative to its own ISNs, not the old SYN's.
        Assert.Equal(2, Regex.Matches(text, @"SYN, ACK seq=0 ack=1 win=2048").Count);
        Assert.DoesNotMatch(@"SYN, ACK seq=[1-9]\d{3,}", text);
        Assert.DoesNotMatch(@"ACK seq=\d{5,}", text);
    }

    [Theory]
    [InlineData("time-wait", "PC", "duplicate FIN, ACK: ACKed again, discarded")]
    [InlineData("three-handshakes", "PC", "SYN, ACK for no connection: answered with RST")]
    [InlineData("closed-port", "board", "SYN for no connection: answered with RST")]
    [InlineData("old-duplicate", "board", "PSH, ACK of the old connection: below the window, ACKed and discarded")]
    public void DropNotesSayWhatWasDroppedAndWhy(string name, string side, string note)
    {
        var d = Ladder(name);
        var drops = d.Items.OfType<LadderNote>().Where(n => n.Drop).ToList();
        var drop = Assert.Single(drops);
        Assert.Equal(note, drop.Text);
        Assert.Equal(side, d.Party(drop.Side).Name);
        // It belongs to the segment that arrived just before, which was sent by the other side.
        Assert.NotNull(drop.About);
        Assert.NotEqual(drop.Side, drop.About!.Side);
        Assert.Equal(note, drop.About.Handling);
        Assert.DoesNotContain(d.Items.OfType<LadderNote>(), n => n.Text.StartsWith("dropped"));
        // The terminal and the slide say the same.
        Assert.Contains(note[..Math.Min(note.Length, 40)], LadderTerminalRenderer.Render(d));
        Assert.Contains(System.Security.SecurityElement.Escape(note.Split(' ')[0]), LadderSvgRenderer.Render(d));
    }

    [Fact]
    public void TheTextbookViewLeavesOutThePcsDrops()
    {
        var d = Ladder("time-wait", textbook: true);
        Assert.DoesNotContain(d.Items, i => i is LadderNote { Drop: true });
        Assert.Single(Ladder("old-duplicate", textbook: true).Items.OfType<LadderNote>(), n => n.Drop); // the board's stays
        string svg = LadderSvgRenderer.Render(d, new LadderSvgOptions { Textbook = true, ShowWindow = false });
        Assert.DoesNotContain("win=2048", svg);
        Assert.DoesNotContain("ISN=", svg);
        Assert.DoesNotContain("RTT", svg);
    }

    [Theory]
    [InlineData("simultaneous-open", 0x02)]
    [InlineData("simultaneous-close", 0x01)]
    public void CrossingSegmentsCross(string name, int flag)
    {
        var d = Ladder(name);
        var crossings = d.Crossings().ToList();
        Assert.Contains(crossings, c => c.A.Has(flag) && c.B.Has(flag));
        Assert.Equal(2, crossings.Count); // SYNs then SYN-ACKs; FINs then ACKs
        // Drawn to either axis, the lines intersect between the lifelines.
        foreach (bool timeAxis in new[] { false, true })
        {
            var layout = LadderLayout.Create(d, timeAxis, 0, 800, 58, 30, 40);
            double Y(LadderItem i) => layout.RowOf[i].Y;
            foreach (var (a, b) in crossings)
            {
                var ra = d.Items.OfType<LadderArrival>().Single(r => ReferenceEquals(r.Arrow, a));
                var rb = d.Items.OfType<LadderArrival>().Single(r => ReferenceEquals(r.Arrow, b));
                var (left, leftArrival, right, rightArrival) = a.Side == LadderSide.Left ? (a, ra, b, rb) : (b, rb, a, ra);
                // At the left lifeline one line is at Y(left), the other at Y(rightArrival); at the right, the other way round.
                double atLeft = Y(left) - Y(rightArrival), atRight = Y(leftArrival) - Y(right);
                Assert.True(atLeft * atRight < 0,
                    $"{name} ({(timeAxis ? "time" : "events")}): {left.Label} and {right.Label} do not cross ({atLeft}, {atRight})");
            }
        }
        // Both sides had sent their own segment before the other's arrived.
        var items = d.Items.ToList();
        var first = crossings[0];
        int arrivalA = items.FindIndex(i => i is LadderArrival r && ReferenceEquals(r.Arrow, first.A));
        Assert.True(items.IndexOf(first.B) < arrivalA);
    }

    [Fact]
    public void TheBoardIsInSynSentBeforeThePcsSynArrives()
    {
        var d = Ladder("simultaneous-open");
        var items = d.Items.ToList();
        int synSent = items.FindIndex(i => i is LadderStateChange { Side: LadderSide.Right, To: "SYN-SENT" });
        int pcSynArrives = items.FindIndex(i => i is LadderArrival r && r.Arrow.Side == LadderSide.Left && r.Arrow.Flags == 0x02);
        Assert.True(synSent >= 0 && synSent < pcSynArrives);
    }

    [Theory]
    [InlineData("closed-port", "connect: refused at {pc:CLOSED} ms")]
    [InlineData("time-wait", "the board was CLOSED at {board:CLOSED} ms, after a FIN retransmission; the PC left TIME-WAIT at {pc:CLOSED} ms")]
    [InlineData("lost-syn-ack", "the PC was ESTABLISHED at {pc:ESTABLISHED} ms, the board at {board:ESTABLISHED} ms: one retransmission timeout")]
    [InlineData("reset", "board: reset-by-peer at {board:CLOSED} ms")]
    public void OutcomeLinesAgreeWithTheTrace(string name, string expected)
    {
        var run = LabCommand.Execute(LabScenarios.Find(name)!);
        string line = Regex.Replace(expected, @"\{(pc|board):([A-Z-]+)\}", m =>
        {
            var trace = m.Groups[1].Value == "pc" ? run.PcTrace : run.BoardTrace;
            return TraceLineParser.ParseAll(trace).Last(l => l.Kind == TraceLineKind.TcpState && l.ToState == m.Groups[2].Value).TimeMs.ToString();
        });
        Assert.Equal(line, run.Outcome);
        if (name == "closed-port")
        {
            Assert.Equal("connect: refused at 1 ms", run.Outcome); // the RST arrived 1 ms after the SYN left
            Assert.Contains(run.Log, l => l == "pc    | [      1] tcp#0 SYN-SENT -> CLOSED");
        }
    }

    [Theory]
    [InlineData("states")]
    [InlineData("segments")]
    public void TheLostSegmentMarkerNamesTheSegment(string level)
    {
        var (code, text, _) = Lab("lost-syn-ack", "--trace", level, "--pcap", Temp("pcap"), "--svg", Temp("svg"));
        Assert.Equal(0, code);
        Assert.DoesNotContain("^^^", text);
        var lost = Regex.Match(text, @"board \| \[\s+(\d+)\] lost on the wire: \[S\.\] seq=(\d+) ack=(\d+)");
        Assert.True(lost.Success, text);
        // The line stands on its own: it names the segment the board's trace shows leaving at that time.
        var run = LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!);
        Assert.Contains(run.BoardTrace, l => l.Contains($"[S.] seq={lost.Groups[2].Value} ack={lost.Groups[3].Value}") && l.StartsWith($"[{lost.Groups[1].Value.PadLeft(7)}]"));
    }

    [Fact]
    public void TheLostSegmentIsInTheCaptureAtTheBoardsPort()
    {
        string pcap = Temp("pcap");
        var run = LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!, pcap);
        int sent = run.BoardTrace.Count(l => l.Contains(" >  ") && l.Contains("[S.]"));
        Assert.Equal(2, sent); // the lost one, and the answer to the PC's second SYN
        var synAcks = Support.Tshark.Summary(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 1");
        Assert.Equal(sent, synAcks.Count);
        // The first one left at 101 ms, when the board's trace shows it leaving.
        string first = Support.Tshark.Run("-r", pcap, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 1", "-T", "fields", "-e", "frame.time_epoch").Split('\n')[0];
        Assert.Equal(0.101, double.Parse(first, System.Globalization.CultureInfo.InvariantCulture), 3);
        // What the PC lost on its side never reached the board's port: not in the capture.
        string tw = Temp("pcap");
        LabCommand.Execute(LabScenarios.Find("time-wait")!, tw);
        Assert.Single(Support.Tshark.Summary(tw, "tcp.flags == 0x010 && tcp.ack == 2 && tcp.seq == 2 && ip.src == 192.168.7.10"));
    }

    [Fact]
    public void ThreeWayCloseIsFourWayCloseWithTheFinOnTheAck()
    {
        string[] Close(string name) => Ladder(name).Arrows.SkipWhile(a => !a.Has(0x01)).Select(a => a.FlagNames + (a.Length > 0 ? " data" : "")).ToArray();
        Assert.Equal(new[] { "FIN, ACK", "FIN, ACK", "ACK" }, Close("three-way-close"));
        Assert.Equal(new[] { "FIN, ACK", "ACK", "PSH, ACK data", "ACK", "FIN, ACK", "ACK" }, Close("four-way-close"));
        Assert.Equal("three-way-close", LabScenarios.Find("four-way-close")!.CompareWith);
    }

    [Fact]
    public void RunsAreDeterministicAndSeedsChangeOnlyTheAbsoluteNumbers()
    {
        var a = LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!);
        var b = LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!);
        Assert.Equal(a.Log, b.Log);
        var c = LabLadder.Build(LabCommand.Execute(LabScenarios.Find("lost-syn-ack")!, null, 99), false);
        var d = LabLadder.Build(a, false);
        Assert.Equal(d.ArrowSummary(), c.ArrowSummary());
        Assert.NotEqual(d.Left.Isn, c.Left.Isn);
        Assert.NotEqual(d.Right.Isn, c.Right.Isn);
    }

    [Fact]
    public void ListShowUnknownNamesAndBadArguments()
    {
        var (code, text, _) = Lab();
        Assert.Equal(0, code);
        Assert.Contains("time-wait            Why TIME-WAIT lasts 2MSL", text);
        Assert.Contains("three-way-close", text);
        (code, _, string err) = Lab("nope");
        Assert.Equal(2, code);
        Assert.Contains("no scenario 'nope'", err);
        (code, text, _) = Lab("show", "time-wait");
        Assert.Equal(0, code);
        Assert.Contains("drop the pc's final ACK", text);
        foreach (var args in new[] { new[] { "time-wait", "--axis", "diagonal" }, new[] { "time-wait", "--view" }, new[] { "run" }, new[] { "a", "b" }, new[] { "--bogus" } })
        {
            (code, _, err) = Lab(args);
            Assert.Equal(2, code);
            Assert.Single(err.TrimEnd('\n').Split('\n'), l => l.StartsWith("nanotcp lab: "));
        }
    }

    [Fact]
    public void TheBoardsDropSynAckHintDoesNotPromiseWhoRetransmitsFirst()
    {
        var r = new Shell.ConsoleRig();
        string hint = r.Type("lab drop-syn-ack");
        Assert.Contains("the board retransmits its SYN-ACK", hint);
        Assert.Contains("the PC its SYN", hint);
        Assert.DoesNotContain("the PC retransmits its SYN after", hint);
    }

    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"nanotcp-labtest-{Guid.NewGuid():N}.{ext}");
}
