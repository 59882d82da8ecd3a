using NanoTcp.Cli;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Trace;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Ladder;

public class LadderBuilderTests
{
    private readonly ITestOutputHelper _out;
    public LadderBuilderTests(ITestOutputHelper output) => _out = output;

    /// <summary>The demo's two serial traces: (pc lines, board lines).</summary>
    public static (List<string> Pc, List<string> Board) DemoTraces()
    {
        var w = new StringWriter();
        Assert.Equal(0, NanoTcp.Cli.Demo.Run(w, speed: 0));
        var lines = w.ToString().Split('\n');
        return (lines.Where(l => TraceLineParser.Parse(l).Source == "pc").ToList(),
                lines.Where(l => TraceLineParser.Parse(l).Source == "board").ToList());
    }

    public static readonly string[] DemoArrows =
    {
        "PC -> board SYN seq=0 win=2048",
        "board -> PC SYN, ACK seq=0 ack=1 win=2048",
        "PC -> board ACK seq=1 ack=1 win=2048",
        "PC -> board PSH, ACK seq=1 ack=1 win=2048 [14 bytes]",
        "board -> PC PSH, ACK seq=1 ack=15 win=2048 [14 bytes]",
        "PC -> board FIN, ACK seq=15 ack=15 win=2048",
        // The echo service closes in the turn that read the FIN: the board's ACK rides on its FIN.
        "board -> PC FIN, ACK seq=15 ack=16 win=2048",
        "PC -> board ACK seq=16 ack=16 win=2048",
    };

    [Fact]
    public void DemoExchangeFromBothSidesIsTheTextbookLadder()
    {
        var (pc, board) = DemoTraces();
        var d = LadderBuilder.FromTwoSides(pc, "PC", board, "board");
        _out.WriteLine(LadderTerminalRenderer.Render(d));
        Assert.Equal(DemoArrows, d.ArrowSummary());
        Assert.Equal("192.168.7.10:50000", d.Left.Endpoint);
        Assert.Equal("192.168.7.50:7", d.Right.Endpoint);
        Assert.Equal(3313065679u, d.Left.Isn);
        Assert.Equal(3502368618u, d.Right.Isn);
        Assert.All(d.Arrows, a => Assert.False(a.Lost));
        Assert.All(d.Arrows, a => Assert.Equal(a.TimeMs + (a.Side == LadderSide.Left ? 1 : 0), a.ReceivedMs));
        Assert.Equal(new[] { "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED" },
            d.Items.OfType<LadderStateChange>().Where(s => s.Side == LadderSide.Left).Select(s => s.To));
        Assert.Equal(new[] { "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED" },
            d.Items.OfType<LadderStateChange>().Where(s => s.Side == LadderSide.Right).Select(s => s.To));
        Assert.Equal(("CLOSED", "LISTEN"), (d.Left.InitialState, d.Right.InitialState));
        Assert.Contains(d.Items, i => i is LadderNote { Side: LadderSide.Left, Text: "2MSL timer 60 s" });
        // Causality: the board's SYN-RECEIVED comes after the SYN and before the SYN-ACK.
        var items = d.Items.ToList();
        int syn = items.FindIndex(i => i is LadderArrow a && a.Flags == 0x02);
        int synRcvd = items.FindIndex(i => i is LadderStateChange { To: "SYN-RECEIVED" });
        int synAck = items.FindIndex(i => i is LadderArrow a && a.Flags == 0x12);
        Assert.True(syn < synRcvd && synRcvd < synAck, $"{syn} {synRcvd} {synAck}");
    }

    [Fact]
    public void OneSideOnlyPutsTheClientOnTheLeftAndLosesNothing()
    {
        var (_, board) = DemoTraces();
        var d = LadderBuilder.FromOneSide(board, "board", "PC");
        _out.WriteLine(LadderTerminalRenderer.Render(d, ascii: true));
        Assert.Equal(DemoArrows, d.ArrowSummary());
        Assert.Equal("board", d.Right.Name);
        Assert.Equal("192.168.7.10:50000", d.Left.Endpoint);
        Assert.All(d.Arrows, a => Assert.False(a.Lost));
    }

    [Fact]
    public void ASegmentTheReceiverNeverSawIsLost()
    {
        var (pc, board) = DemoTraces();
        // The board never saw the PC's data segment (and so never echoed it); the PC retransmits.
        string data = "[   3021] tcp#0 >  192.168.7.10:50000 > 192.168.7.50:7 [P.] seq=1570462043 ack=3410180 win=2048 len=14";
        var pcLines = new List<string>
        {
            "[   3010] tcp#0 CLOSED -> SYN-SENT",
            "[   3011] tcp#0 >  192.168.7.10:50000 > 192.168.7.50:7 [S] seq=1570462042 win=2048 mss=1460",
            "[   3012] tcp#0 <  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=3410179 ack=1570462043 win=2048 mss=1460",
            "[   3012] tcp#0 SYN-SENT -> ESTABLISHED",
            "[   3012] tcp#0 >  192.168.7.10:50000 > 192.168.7.50:7 [.] seq=1570462043 ack=3410180 win=2048",
            data,
            "[   4021] tcp#0 timer retransmit 2000 ms",
            data.Replace("   3021", "   4021"),
        };
        var boardLines = new List<string>
        {
            "nanotcp> [   3012] tcp#0 <  192.168.7.10:50000 > 192.168.7.50:7 [S] seq=1570462042 win=2048 mss=1460",
            "[   3012] tcp#0 LISTEN -> SYN-RECEIVED",
            "[   3012] tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=3410179 ack=1570462043 win=2048 mss=1460",
            "[   3013] tcp#0 <  192.168.7.10:50000 > 192.168.7.50:7 [.] seq=1570462043 ack=3410180 win=2048",
            "[   3013] tcp#0 SYN-RECEIVED -> ESTABLISHED",
            "garbage from the serial line ~~~",
            "[   4022] tcp#0 <  192.168.7.10:50000 > 192.168.7.50:7 [P.] seq=1570462043 ack=3410180 win=2048 len=14",
        };
        var d = LadderBuilder.FromTwoSides(pcLines, "PC", boardLines, "board");
        _out.WriteLine(LadderTerminalRenderer.Render(d));
        var arrows = d.Arrows.ToList();
        Assert.Equal(5, arrows.Count);
        Assert.Equal(new[] { false, false, false, true, false }, arrows.Select(a => a.Lost));
        Assert.Null(arrows[3].ReceivedMs);
        Assert.Equal(4022, arrows[4].ReceivedMs);
        Assert.Contains(d.Items, i => i is LadderNote { Text: "RTO expired: retransmit (next RTO 2000 ms)" });
        string text = LadderTerminalRenderer.Render(d);
        Assert.Contains("✗", text);
        Assert.Contains("(lost)", text);
        string ascii = LadderTerminalRenderer.Render(d, ascii: true);
        Assert.True(ascii.All(c => c < 128), "ascii rendering has only ASCII");
        Assert.Contains("X", ascii);
        Assert.All(ascii.Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= 100, l));
    }

    [Fact]
    public void NoConnectionGivesAnEmptyDiagram()
    {
        var d = LadderBuilder.FromTwoSides(new[] { "junk", "[1] arp > who-has 1.2.3.4 tell 1.2.3.5" }, "a", Array.Empty<string>(), "b");
        Assert.Empty(d.Items);
        Assert.NotEmpty(LadderTerminalRenderer.Render(d));
    }
}

public class LadderSvgTests
{
    [Fact]
    public void DemoSvgIsWellFormedWithEveryArrowLabelled()
    {
        var (pc, board) = LadderBuilderTests.DemoTraces();
        var d = LadderBuilder.FromTwoSides(pc, "PC", board, "board");
        string svg = LadderSvgRenderer.Render(d);
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root.Name.LocalName);
        Assert.Contains("SYN, ACK", svg);
        Assert.Contains("ISN=3313065679 mss=1460", svg);
        Assert.Contains("[14 bytes]", svg);
        Assert.Contains("TIME-WAIT", svg);
        Assert.Contains("TIME-WAIT 2MSL = 60 s", svg); // the timer, as a bar along the PC's lifeline
        Assert.DoesNotContain("@import", svg);
        Assert.DoesNotContain("url(http", svg);
        string path = Environment.GetEnvironmentVariable("NANOTCP_LADDER_SVG");
        if (!string.IsNullOrEmpty(path)) File.WriteAllText(path, svg);
    }
}

public class LossyLadderTests
{
    private readonly ITestOutputHelper _out;
    public LossyLadderTests(ITestOutputHelper output) => _out = output;

    private sealed class Lines : NanoTcp.Trace.ITraceSink
    {
        private readonly NanoTcp.Trace.TextLine _line = new(256);
        public readonly List<string> All = new();
        public void OnTrace(NanoTcp.Trace.TraceEvent e)
        {
            NanoTcp.Trace.TraceFormatter.Format(e, _line);
            All.Add(_line.ToString());
        }
    }

    [Fact]
    public void SegmentsDroppedOnTheWireAreLostAndTheirRetransmissionsArrive()
    {
        var s = new NanoTcp.Scenarios.TwoStacks(new NanoTcp.Tcp.TcpConfig(), new NanoTcp.Tcp.TcpConfig(), 11);
        var a = new Lines();
        var b = new Lines();
        s.TracerA.Sink = a;
        s.TracerA.Level = NanoTcp.Trace.TraceLevel.Segments;
        s.TracerB.Sink = b;
        s.TracerB.Level = NanoTcp.Trace.TraceLevel.Segments;
        s.SetFaults(250, 0, 0, 0, 0);
        var t = new NanoTcp.Scenarios.BulkTransfer(s);
        t.Run(7, 200, 120_000);
        var d = LadderBuilder.FromTwoSides(a.All, "client", b.All, "server");
        _out.WriteLine(LadderTerminalRenderer.Render(d));
        var lost = d.Arrows.Where(x => x.Lost).ToList();
        Assert.NotEmpty(lost);
        foreach (var l in lost)
        {
            // What the sender's trace shows leaving, the receiver's trace never shows arriving.
            var receiverLines = l.Side == LadderSide.Left ? b.All : a.All;
            int copiesSent = d.Arrows.Count(x => x.Side == l.Side && x.Seq == l.Seq && x.Ack == l.Ack && x.Flags == l.Flags && x.Length == l.Length && x.Window == l.Window);
            int copiesReceived = receiverLines.Count(x => x.Contains("<  ") && x.Contains($"seq={l.Seq} ") && x.Contains($"win={l.Window}")
                && (l.Ack is uint ack ? x.Contains($"ack={ack} ") : true) && x.Contains($"[{NanoTcp.Wire.TcpFlags.Format(l.Flags)}]")
                && (l.Length > 0 ? x.Contains($"len={l.Length}") : !x.Contains("len=")));
            Assert.True(copiesReceived < copiesSent, $"{l} {copiesReceived}/{copiesSent}");
        }
        string svg = LadderSvgRenderer.Render(d);
        System.Xml.Linq.XDocument.Parse(svg);
        Assert.Contains("stroke-dasharray=\"10 7\"", svg);
        string path = Environment.GetEnvironmentVariable("NANOTCP_LOSSY_SVG");
        if (!string.IsNullOrEmpty(path)) File.WriteAllText(path, svg);
    }
}
