using NanoTcp.Sim.Pcap;
using NanoTcp.Tests.Support;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Tap;

/// <summary>
/// Found against the real Linux peer: Linux sometimes sends a TCP checksum of 0xFFFF where 0x0000
/// is computed (equivalent in one's complement, RFC 1624), and the capture check must not call it
/// a problem — while a wrong checksum, 0xFFFF or not, still is one.
/// </summary>
public class TsharkChecksumTests
{
    private static readonly byte[] MacA = { 2, 0, 0, 0, 0, 1 }, MacB = { 2, 0, 0, 0, 0, 2 };
    private static readonly uint IpA = Ipv4Address.Make(192, 168, 77, 1), IpB = Ipv4Address.Make(192, 168, 77, 2);

    /// <summary>An ACK with two payload bytes chosen so that its correct checksum is 0x0000, stored as <paramref name="field"/>.</summary>
    private static byte[] SegmentWhoseChecksumIsZero(int field)
    {
        byte[] f = Frames.Tcp(MacA, MacB, IpA, 40000, IpB, 7, 1000, 2000, TcpFlags.Ack | TcpFlags.Psh, 64240, payload: new byte[2]);
        const int tcp = 34, sum = tcp + 16, payload = tcp + 20;
        int withZeroPayload = (f[sum] << 8) | f[sum + 1]; // = ~S: adding it as a word makes the sum 0xFFFF
        f[payload] = (byte)(withZeroPayload >> 8);
        f[payload + 1] = (byte)withZeroPayload;
        f[sum] = 0;
        f[sum + 1] = 0;
        Assert.Equal(0, Checksum.ComputeTransport(IpA, IpB, IpProtocol.Tcp, f, tcp, 22));
        f[sum] = (byte)(field >> 8);
        f[sum + 1] = (byte)field;
        return f;
    }

    private static List<string> ProblemsOf(byte[] frame)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nanotcp-cksum-{Environment.ProcessId}-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = PcapWriter.Create(path)) w.Write(0, frame);
            return Tshark.Problems(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ChecksumFFFFForZeroIsNotAProblem() => Assert.Empty(ProblemsOf(SegmentWhoseChecksumIsZero(0xFFFF)));

    [Fact]
    public void ChecksumZeroIsNotAProblem() => Assert.Empty(ProblemsOf(SegmentWhoseChecksumIsZero(0x0000)));

    [Fact]
    public void AWrongChecksumIsStillAProblem()
    {
        Assert.Single(ProblemsOf(SegmentWhoseChecksumIsZero(0x1234)));
        byte[] f = Frames.Tcp(MacA, MacB, IpA, 40000, IpB, 7, 1000, 2000, TcpFlags.Ack, 64240, payload: new byte[] { 1, 2, 3, 4 });
        f[34 + 16] = 0xFF;
        f[34 + 17] = 0xFF; // 0xFFFF where the right value is not zero
        Assert.Single(ProblemsOf(f));
    }

    [Fact]
    public void TheStackAcceptsASynWhoseChecksumIsFFFFForZero()
    {
        var host = new Host();
        var tcp = new NanoTcp.Tcp.TcpStack(new NanoTcp.Tcp.TcpConfig(), host.Iface, host.Tracer);
        host.Iface.AttachTransport(tcp);
        Assert.True(tcp.Listen(7) >= 0);
        byte[] syn = Frames.Tcp(Host.PeerMac, host.StackMac, Host.PeerIp, 40000, Host.StackIp, 7, 1000, 0, TcpFlags.Syn, 64240);
        const int t = 34;
        int c = (syn[t + 16] << 8) | syn[t + 17];
        syn[t + 18] = (byte)(c >> 8); // the urgent pointer (URG is off, so it means nothing) makes the sum 0xFFFF
        syn[t + 19] = (byte)c;
        syn[t + 16] = 0;
        syn[t + 17] = 0;
        Assert.Equal(0, Checksum.ComputeTransport(Host.PeerIp, Host.StackIp, IpProtocol.Tcp, syn, t, 20));
        syn[t + 16] = 0xFF;
        syn[t + 17] = 0xFF;
        host.Exchange(syn);
        // Accepted: the SYN-ACK is built (it waits for the peer's ARP reply to leave).
        Assert.True(host.Sink.Any("LISTEN -> SYN-RECEIVED") && host.Sink.Any("[S.]"), string.Join("\n", host.Sink.Lines));
        Assert.Equal(0, host.Iface.Counters.RxDropped);
    }
}
