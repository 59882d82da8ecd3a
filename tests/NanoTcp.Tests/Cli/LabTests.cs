using NanoTcp.Cli.Lab;

namespace NanoTcp.Tests.Cli;

/// <summary>
/// Every lab scenario shows, in order, the segments and state changes its explanation talks
/// about — so a change in the stack cannot silently break a handout — and its capture is clean.
/// </summary>
public class LabTests
{
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["three-handshakes"] = new[]
        {
            "(an old duplicate SYN seq=1000",
            "board | [      1] tcp#0 LISTEN -> SYN-RECEIVED",
            "board | [      1] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [S.]",
            "pc    | [      1] tcp >  192.168.7.10:40000 > 192.168.7.50:7 [R] seq=1001",
            "board | [      2] tcp#0 SYN-RECEIVED -> CLOSED",
            "pc    | [     50] tcp#0 CLOSED -> SYN-SENT",
            "[S.]", "pc    | [     52] tcp#0 SYN-SENT -> ESTABLISHED", "SYN-RECEIVED -> ESTABLISHED",
        },
        ["data-in-handshake"] = new[]
        {
            "[S]", "[S.]", "pc    | [      1] tcp#0 SYN-SENT -> ESTABLISHED",
            "pc    | [      1] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:7 [P.]", "len=5",
            "board | [      2] tcp#0 SYN-RECEIVED -> ESTABLISHED",
        },
        ["lost-syn-ack"] = new[]
        {
            "pc    | [      0] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:7 [S]",
            "board | [      1] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [S.]",
            "board | [      1] ^^^ this segment is lost on the wire",
            "pc    | [   1000] tcp#0 timer retransmit",
            "pc    | [   1000] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:7 [S]",
            "pc    | [   1001] tcp#0 SYN-SENT -> ESTABLISHED",
            "board | [   1002] tcp#0 SYN-RECEIVED -> ESTABLISHED",
        },
        ["time-wait"] = new[]
        {
            "pc    | [      6] tcp#0 ESTABLISHED -> FIN-WAIT-1", "CLOSE-WAIT -> LAST-ACK",
            "pc    | [      9] tcp#0 FIN-WAIT-2 -> TIME-WAIT",
            "pc    | [      9] ^^^ this segment is lost on the wire",
            "board | [   1009] tcp#0 timer retransmit",
            "board | [   1009] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [F.]",
            "pc    | [   1009] tcp#0 timer 2msl-restart 60000 ms",
            "board | [   1010] tcp#0 LAST-ACK -> CLOSED",
            "pc    | [  61009] tcp#0 TIME-WAIT -> CLOSED",
        },
        ["four-way-close"] = new[]
        {
            "pc    | [     12] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:7 [F.]",
            "board | [     13] tcp#0 ESTABLISHED -> CLOSE-WAIT",
            "board | [     13] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [.]",
            "pc    | [     13] tcp#0 FIN-WAIT-1 -> FIN-WAIT-2",
            "board | [     14] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [P.]", "len=3",
            "board | [    313] tcp#0 CLOSE-WAIT -> LAST-ACK",
            "board | [    314] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [F.]",
            "pc    | [    314] tcp#0 FIN-WAIT-2 -> TIME-WAIT",
            "board | [    315] tcp#0 LAST-ACK -> CLOSED",
        },
        ["half-close"] = new[]
        {
            "ESTABLISHED -> FIN-WAIT-1", "board", "ESTABLISHED -> CLOSE-WAIT", "FIN-WAIT-1 -> FIN-WAIT-2",
            "len=1460", "len=1460", "len=1460", "CLOSE-WAIT -> LAST-ACK", "FIN-WAIT-2 -> TIME-WAIT", "LAST-ACK -> CLOSED",
        },
        ["simultaneous-open"] = new[]
        {
            "board | [      0] tcp#0 >  192.168.7.50:5000 > 192.168.7.10:6000 [S]",
            "pc    | [      0] tcp#0 >  192.168.7.10:6000 > 192.168.7.50:5000 [S]",
            "SYN-SENT -> SYN-RECEIVED", "SYN-SENT -> SYN-RECEIVED", "[S.]", "SYN-RECEIVED -> ESTABLISHED", "SYN-RECEIVED -> ESTABLISHED",
        },
        ["simultaneous-close"] = new[]
        {
            "[F.]", "[F.]", "pc    | [     17] tcp#0 FIN-WAIT-1 -> CLOSING", "board | [     18] tcp#0 FIN-WAIT-1 -> CLOSING",
            "CLOSING -> TIME-WAIT", "CLOSING -> TIME-WAIT",
        },
        ["closed-port"] = new[]
        {
            "pc    | [      0] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:8080 [S]",
            "board | [      1] tcp >  192.168.7.50:8080 > 192.168.7.10:40000 [R.] seq=0",
            "pc    | [      1] tcp#0 SYN-SENT -> CLOSED",
        },
        ["reset"] = new[]
        {
            "SYN-RECEIVED -> ESTABLISHED", "pc    | [     12] tcp#0 >  192.168.7.10:40000 > 192.168.7.50:7 [R]", "board | [     13] tcp#0 ESTABLISHED -> CLOSED",
        },
        ["zero-window"] = new[]
        {
            "win=0", "timer persist 2000 ms", "len=1", "win=0", "timer persist 4000 ms", "len=1", "win=0",
            "board | [   7503] tcp#0 >  192.168.7.50:7 > 192.168.7.10:40000 [.]", "win=2048",
        },
    };

    public static IEnumerable<object[]> Names() => LabScenarios.All.Select(s => new object[] { s.Name });

    [Fact]
    public void EveryScenarioHasExpectations()
    {
        Assert.Equal(LabScenarios.All.Select(s => s.Name).OrderBy(x => x), Expected.Keys.OrderBy(x => x));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ScenarioShowsItsSegmentsInOrderAndItsCaptureIsClean(string name)
    {
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-{name}-{Environment.ProcessId}.pcap");
        try
        {
            var result = LabCommand.Execute(LabScenarios.Find(name), pcap);
            string log = string.Join("\n", result.Log);
            int at = 0;
            foreach (string fragment in Expected[name])
            {
                int found = log.IndexOf(fragment, at, StringComparison.Ordinal);
                Assert.True(found >= 0, $"{name}: missing or out of order: {fragment}\n{log}");
                at = found + 1;
            }
            Assert.DoesNotContain("fast-retransmit", log);
            Assert.Empty(Support.Tshark.Problems(pcap));
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Fact]
    public void RunsAreDeterministic()
    {
        var a = LabCommand.Execute(LabScenarios.Find("lost-syn-ack"), null);
        var b = LabCommand.Execute(LabScenarios.Find("lost-syn-ack"), null);
        Assert.Equal(a.Log, b.Log);
    }

    [Fact]
    public void ListAndUnknownNames()
    {
        var o = new StringWriter();
        Assert.Equal(0, LabCommand.List(o));
        Assert.Contains("time-wait            Why TIME-WAIT lasts 2MSL", o.ToString());
        o = new StringWriter();
        Assert.Equal(2, LabCommand.Run("nope", o, null));
        Assert.Contains("no scenario 'nope'", o.ToString());
    }

    [Fact]
    public void LabDrawsTheLadderWithTheLostAckAndWritesAnSvg()
    {
        string svg = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-{Environment.ProcessId}.svg");
        try
        {
            var o = new StringWriter();
            Assert.Equal(0, LabCommand.Run("time-wait", o, null, svg));
            string text = o.ToString();
            Assert.Contains("ACK seq=2 ack=2 win=2048 (lost)", text);
            Assert.Contains("(2MSL timer restarted 60 s)", text);
            Assert.Contains("... 60 s later ...", text);
            var doc = System.Xml.Linq.XDocument.Load(svg);
            Assert.Equal("svg", doc.Root!.Name.LocalName);
            Assert.Contains("Why TIME-WAIT lasts 2MSL", doc.ToString());
            Assert.Contains("lost", doc.ToString());
        }
        finally
        {
            File.Delete(svg);
        }
    }
}
