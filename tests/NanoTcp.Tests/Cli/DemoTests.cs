using NanoTcp.Cli;

namespace NanoTcp.Tests.Cli;

public class DemoTests
{
    [Fact]
    public void DemoResolvesPingsAndEchoesInOrder()
    {
        var output = new StringWriter();
        Assert.Equal(0, IpDemo.Run(output));
        string text = output.ToString();
        string[] expectedOrder =
        {
            "pc    | [      1] arp > who-has 192.168.7.50 tell 192.168.7.10",
            "board | [      1] arp > reply 192.168.7.50 to 192.168.7.10",
            "board | [      2] icmp > 192.168.7.50 > 192.168.7.10 echo-reply seq=1 len=56",
            "board | [   3001] udp > 192.168.7.50:7 > 192.168.7.10:40000 len=12",
            "pc    | [   3010] tcp#0 CLOSED -> SYN-SENT",
            "[S] seq=",
            "board | [   3012] tcp#0 LISTEN -> SYN-RECEIVED",
            "[S.] seq=",
            "pc    | [   3012] tcp#0 SYN-SENT -> ESTABLISHED",
            "board | [   3013] tcp#0 SYN-RECEIVED -> ESTABLISHED",
            "len=14",
            "pc    | [   3030] tcp#0 ESTABLISHED -> FIN-WAIT-1",
            "board | [   3032] tcp#0 ESTABLISHED -> CLOSE-WAIT",
            "board | [   3032] tcp#0 CLOSE-WAIT -> LAST-ACK",
            "pc    | [   3032] tcp#0 FIN-WAIT-1 -> FIN-WAIT-2",
            "pc    | [   3033] tcp#0 FIN-WAIT-2 -> TIME-WAIT",
            "board | [   3034] tcp#0 LAST-ACK -> CLOSED",
            "pc    | [  63033] tcp#0 TIME-WAIT -> CLOSED",
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
            Assert.Equal(0, IpDemo.Run(new StringWriter(), pcap));
            Assert.Empty(Support.Tshark.Problems(pcap));
            var frames = Support.Tshark.Summary(pcap);
            Assert.Equal(21, frames.Count);
            Assert.Contains("[SYN] Seq=0", frames[10]);
            Assert.Contains("[SYN, ACK] Seq=0 Ack=1", frames[11]);
            Assert.Contains("[FIN, ACK]", frames[15]);
            Assert.Contains("[FIN, ACK]", frames[17]);
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
