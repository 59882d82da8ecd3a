using NanoTcp.Cli.Lab;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tests.Support;

namespace NanoTcp.Tests.Pcap;

/// <summary>pcapng captures: valid in tshark, each frame with its direction and what the trace says about it.</summary>
public class PcapNgTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"nanotcp-{name}-{Environment.ProcessId}.pcapng");

    [Fact]
    public void ALabCaptureCarriesStateChangesRetransmissionsAndLosses()
    {
        string pcap = Temp("lab-comments");
        try
        {
            LabCommand.Execute(LabScenarios.Find("time-wait"), pcap);
            Assert.Empty(Tshark.Problems(pcap));
            var comments = Tshark.Fields(pcap, "tcp", "frame.comment");
            var info = Tshark.Fields(pcap, "tcp", "_ws.col.Info");
            int rto = comments.IndexOf("retransmission after RTO 2000 ms");
            Assert.True(rto >= 0, string.Join("\n", comments));
            Assert.Contains("[TCP Retransmission]", info[rto]);
            Assert.Contains("tcp#0 LISTEN -> SYN-RECEIVED", comments);
            Assert.Contains("tcp#0 CLOSE-WAIT -> LAST-ACK", comments);

            LabCommand.Execute(LabScenarios.Find("lost-syn-ack"), pcap);
            comments = Tshark.Fields(pcap, "tcp", "frame.comment");
            info = Tshark.Fields(pcap, "tcp", "_ws.col.Info");
            int lost = comments.IndexOf("lost on the wire");
            Assert.True(lost >= 0, string.Join("\n", comments));
            Assert.Contains("[SYN, ACK]", info[lost]);
            // Direction flags: the board's SYN-ACK went out, the PC's SYN came in.
            var dirs = Tshark.Fields(pcap, "tcp", "frame.p2p_dir");
            Assert.Equal("1", dirs[0]);
            Assert.Equal("0", dirs[lost]);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Fact]
    public void ClassicPcapForOtherNamesAndWallClockTimesWhenAsked()
    {
        Assert.Equal(CaptureFormat.Pcap, PcapWriter.FormatFor("x.pcap"));
        Assert.Equal(CaptureFormat.PcapNg, PcapWriter.FormatFor("x.PCAPNG"));
        string pcap = Temp("origin");
        try
        {
            long origin = PcapWriter.NowUnixMs;
            byte[] arp = Convert.FromHexString("ffffffffffff02504300001008060001080006040001025043000010c0a8070a000000000000c0a80732000000000000000000000000000000000000");
            using (var w = PcapWriter.Create(pcap, origin))
            {
                long n = w.Write(1500, arp, FrameDirection.Inbound);
                Assert.True(w.AddComment(n, "a comment, \"quoted\", ünïcode"));
                Assert.True(w.AddComment(n, "a second one"));
            }
            Assert.False(new PcapWriter(new MemoryStream()).AddComment(1, "classic pcap has none"));
            var epoch = double.Parse(Tshark.Fields(pcap, "", "frame.time_epoch")[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((origin + 1500) / 1000.0, epoch, 3);
            Assert.Equal("a comment, \"quoted\", ünïcode,a second one", Tshark.Fields(pcap, "", "frame.comment")[0]);
            Assert.Empty(Tshark.Problems(pcap));
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
