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
            "ping: 3 sent, 3 received",
        };
        int at = 0;
        foreach (string line in expectedOrder)
        {
            int found = text.IndexOf(line, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"missing or out of order: {line}\n{text}");
            at = found;
        }
        Assert.DoesNotContain("] drop ", text);
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
            Assert.Equal(10, frames.Count);
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
