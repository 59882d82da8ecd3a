using NanoTcp.Cli;

namespace NanoTcp.Tests.Cli;

public class DemoTests
{
    /// <summary>The board's sizes come from the command line: the window it offers is the ring given.</summary>
    [Fact]
    public void DemoTakesTheBoardsSizesFromTheCommandLine()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-demo-sizes-{Environment.ProcessId}.pcap");
        string svg = Path.ChangeExtension(pcap, ".svg");
        try
        {
            Assert.Equal(0, Program.Run(new[] { "demo", "--speed", "0", "--connections", "1", "--rx-ring", "4096", "--mss", "1000",
                "--pcap", pcap, "--svg", svg }, o, e));
        }
        finally
        {
            File.Delete(pcap);
            File.Delete(svg);
        }
        Assert.Equal("", e.ToString());
        Assert.Matches(@"board \| \[ *\d+\] tcp#0 >  192\.168\.7\.50:7 > 192\.168\.7\.10:50000 \[S\.\] seq=\d+ ack=\d+ win=4096 mss=1000", o.ToString());
        Assert.Contains("tcp echo: \"hello over tcp\"", o.ToString());
    }

    [Fact]
    public void DemoResolvesPingsAndEchoesInOrder()
    {
        var output = new StringWriter();
        Assert.Equal(0, Demo.Run(output, speed: 0));
        string text = output.ToString();
        string[] expectedOrder =
        {
            "board | NanoTcp virtual board: ESP32 + ENC28J60 (emulated), 192.168.7.50",
            "board | [      4] link up",
            "LEDs  ● ready  ○ handshake  ○ established  ○ closing  (listening)",
            "pc    | [      5] arp > who-has 192.168.7.50 tell 192.168.7.10",
            "board | [      5] arp > reply 192.168.7.50 to 192.168.7.10",
            "board | [      6] icmp > 192.168.7.50 > 192.168.7.10 echo-reply seq=1 len=56",
            "board | [   3005] udp > 192.168.7.50:7 > 192.168.7.10:40000 len=12",
            "pc    | [   3014] tcp#0 CLOSED -> SYN-SENT",
            "[S] seq=",
            "board | [   3016] tcp#0 LISTEN -> SYN-RECEIVED",
            "[S.] seq=",
            "LEDs  ● ready  ● handshake  ○ established  ○ closing  (handshake)",
            "pc    | [   3016] tcp#0 SYN-SENT -> ESTABLISHED",
            "board | [   3017] tcp#0 SYN-RECEIVED -> ESTABLISHED",
            "LEDs  ● ready  ○ handshake  ● established  ○ closing  (established)",
            "len=14",
            "rides on its own FIN (FIN, ACK)", // three segments, said so (the capture test checks the wire)
            "pc    | [   3034] tcp#0 ESTABLISHED -> FIN-WAIT-1",
            "board | [   3036] tcp#0 ESTABLISHED -> CLOSE-WAIT",
            "board | [   3036] tcp#0 CLOSE-WAIT -> LAST-ACK",
            "LEDs  ● ready  ○ handshake  ○ established  ● closing  (closing)",
            "pc    | [   3036] tcp#0 FIN-WAIT-1 -> FIN-WAIT-2",
            "pc    | [   3036] tcp#0 FIN-WAIT-2 -> TIME-WAIT",
            "board | [   3037] tcp#0 LAST-ACK -> CLOSED",
            "pc    | [  13036] TIME-WAIT: 50 s left",
            "pc    | [  53036] TIME-WAIT: 10 s left",
            "pc    | [  63036] tcp#0 TIME-WAIT -> CLOSED",
            "ping: 3 sent, 3 received",
            "tcp echo: \"hello over tcp\"; PC after the close: TIME-WAIT, 60 s later: CLOSED",
        };
        int at = 0;
        foreach (string line in expectedOrder)
        {
            int found = text.IndexOf(line, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"missing or out of order: {line}\n{text}");
            at = found;
        }
        Assert.DoesNotContain("] drop ", text);
        // The ladder diagram of the TCP exchange closes the demo.
        Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);
        Assert.Contains("TIME-WAIT", text.Substring(text.LastIndexOf("192.168.7.10:50000", StringComparison.Ordinal)));
        Assert.Contains("0 dropped", text);
    }

    [Fact]
    public void DemoCaptureOpensInTsharkWithNoErrors()
    {
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-demo-{Environment.ProcessId}.pcap");
        try
        {
            Assert.Equal(0, Demo.Run(new StringWriter(), pcap, speed: 0));
            Assert.Empty(Support.Tshark.Problems(pcap));
            var frames = Support.Tshark.Summary(pcap);
            Assert.Equal(20, frames.Count);
            Assert.Contains("[SYN] Seq=0", frames[10]);
            Assert.Contains("[SYN, ACK] Seq=0 Ack=1", frames[11]);
            Assert.Contains("[FIN, ACK]", frames[15]);
            Assert.Contains("[FIN, ACK] Seq=15 Ack=16", frames[16]); // the board's ACK rides on its FIN
            Assert.Contains("[ACK] Seq=16 Ack=16", frames[17]);
            Assert.Contains("Who has 192.168.7.50? Tell 192.168.7.10", frames[0]);
            Assert.Contains("Echo (ping) reply", frames[3]);
            Assert.Contains("(request in 3)", frames[3]);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
