using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Iface;

/// <summary>
/// Hostile input never throws: a million random and mutated frames go through Poll, and the
/// counters account for every one of them (handled or dropped with a reason).
/// </summary>
public class FuzzTests
{
    /// <summary>Seed frames: well-formed traffic of every kind the interface parses.</summary>
    public static List<byte[]> SeedFrames(byte[] stackMac)
    {
        uint p = Host.PeerIp, s = Host.StackIp;
        byte[] pm = Host.PeerMac;
        byte[] mssWsSackTs = { 2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
        var seeds = new List<byte[]>
        {
            Frames.Arp(ArpPacket.OpRequest, pm, p, MacAddress.Zero, s),
            Frames.Arp(ArpPacket.OpReply, pm, p, stackMac, s, stackMac),
            Frames.EchoRequest(pm, stackMac, p, s, 1, 1, 56),
            Frames.EchoRequest(pm, stackMac, p, s, 1, 1, 1472),
            Frames.Ipv4(pm, stackMac, p, s, IpProtocol.Icmp, Frames.Icmp(0, 0, 1, 1, new byte[8])),
            Frames.Udp(pm, stackMac, p, 4000, s, 7, new byte[32]),
            Frames.Udp(pm, stackMac, p, 4000, s, 9999, new byte[3]),
            Frames.Udp(pm, MacAddress.Broadcast, p, 67, Ipv4Address.Broadcast, 68, new byte[300]),
            Frames.Tcp(pm, stackMac, p, 40000, s, 7, 1000, 0, TcpFlags.Syn, 64240, mssWsSackTs),
            Frames.Tcp(pm, stackMac, p, 40000, s, 7, 1001, 5001, TcpFlags.Ack | TcpFlags.Psh, 502, null, new byte[100]),
        };
        seeds.AddRange(Fixtures.KernelFrames.All.Select(Fixtures.KernelFrames.Bytes));
        return seeds;
    }

    [Fact]
    public void AMillionMutatedFramesNeverThrowAndAreAllAccountedFor()
    {
        var link = new MemoryLink(4, 1514);
        var cfg = new InterfaceConfig { Address = Host.StackIp, Gateway = Ipv4Address.Make(192, 168, 7, 1), UseDhcp = false };
        var iface = new NetInterface(link.A, cfg, new Tracer(new FormattingSink(), TraceLevel.Frames));
        var echo = new UdpEchoService(iface, 7);
        var tcp = new TcpStack(new TcpConfig(), iface, iface.Tracer);
        iface.AttachTransport(tcp);
        var tcpEcho = new TcpEchoService(tcp, 7, 2);
        var seeds = SeedFrames(iface.MacAddress);
        var rand = new Random(20261121);
        var frame = new byte[1600];
        var rx = new byte[1514];
        const int total = 1_000_000;
        long now = 0;
        long injected = 0;

        for (int i = 0; i < total; i++)
        {
            int length = Mutate(rand, seeds, frame);
            // The memory link carries at most 1514 bytes: longer frames are what a device must refuse.
            if (!link.B.Transmit(frame, 0, Math.Min(length, 1514), now)) continue;
            injected++;
            iface.Poll(now);
            echo.Poll(now);
            tcpEcho.Poll(now);
            while (link.B.Receive(rx, 0, rx.Length, now) > 0) { }
            now += rand.Next(3);
            if ((i & 0xFFFF) == 0)
            {
                Assert.Null(tcp.CheckInvariants());
            }
        }
        Assert.Null(tcp.CheckInvariants());
        Assert.True(tcp.SegmentsIn > 10_000, "TCP saw too little of the fuzz: " + tcp.SegmentsIn);

        var c = iface.Counters;
        Assert.Equal(injected, c.RxFrames);
        Assert.Equal(c.RxFrames, c.RxHandled + c.RxDropped);
        long rxDropReasons = 0;
        for (int r = 0; r < (int)DropReason.Count; r++)
        {
            if (!IsTransmitReason((DropReason)r)) rxDropReasons += c.Drops[r];
        }
        Assert.Equal(c.RxDropped, rxDropReasons);
        Assert.True(c.RxHandled > total / 20, "mutations should leave many frames valid: " + c.RxHandled);
        Assert.True(c.RxDropped > total / 2, "and make most invalid: " + c.RxDropped);
        // Still healthy afterwards: a clean ping is answered.
        byte[] ping = Frames.EchoRequest(Host.PeerMac, iface.MacAddress, Host.PeerIp, Host.StackIp, 7, 7, 8);
        iface.Arp.Update(Host.PeerIp, Host.PeerMac, 0, now, true);
        link.B.Transmit(ping, 0, ping.Length, now);
        iface.Poll(now);
        Assert.True(link.B.Receive(rx, 0, rx.Length, now) > 0);
    }

    // Reasons not counted per received frame: transmit drops, and reassembly timeouts (their fragments
    // were counted as handled when they arrived).
    private static bool IsTransmitReason(DropReason r) =>
        r is DropReason.ArpQueueReplaced or DropReason.ArpUnresolved or DropReason.ArpCacheFull or DropReason.ArpRateLimited or DropReason.TxTooLong
            or DropReason.TxDeviceRefused or DropReason.NoRoute or DropReason.Ipv4ReassemblyTimeout;

    /// <summary>One of: pure noise, a seed with flipped bits, truncated, extended, or with a length field set to an extreme.</summary>
    internal static int Mutate(Random rand, List<byte[]> seeds, byte[] frame)
    {
        int kind = rand.Next(10);
        if (kind == 0)
        {
            int n = rand.Next(1515);
            rand.NextBytes(frame.AsSpan(0, n));
            if (rand.Next(2) == 0 && n >= 14) { frame[12] = 0x08; frame[13] = (byte)(rand.Next(2) == 0 ? 0x00 : 0x06); }
            return n;
        }
        byte[] seed = seeds[rand.Next(seeds.Count)];
        Array.Copy(seed, frame, seed.Length);
        int length = seed.Length;
        switch (kind)
        {
            case 1: case 2: case 3:
                int flips = 1 + rand.Next(4);
                for (int f = 0; f < flips; f++) frame[rand.Next(length)] ^= (byte)(1 << rand.Next(8));
                break;
            case 4:
                length = rand.Next(length + 1);
                break;
            case 5:
                int extra = rand.Next(1515 - length + 1);
                rand.NextBytes(frame.AsSpan(length, extra));
                length += extra;
                break;
            default:
                // A length-like field set to an extreme: IHL/version, total length, TCP data offset,
                // UDP length, option kinds and lengths, ARP sizes.
                int[] fields = { 14, 16, 17, 46, 38, 39, 54, 55, 18, 19 };
                int at = fields[rand.Next(fields.Length)];
                if (at < length)
                {
                    byte[] extremes = { 0x00, 0x01, 0x02, 0x0F, 0x40, 0x45, 0x4F, 0x7F, 0x80, 0xF0, 0xFF };
                    frame[at] = extremes[rand.Next(extremes.Length)];
                }
                if (rand.Next(2) == 0 && length > 34)
                {
                    // Repair the IPv4 header checksum so the damage reaches the layers above.
                    int ihl = (frame[14] & 0x0F) * 4;
                    if (ihl >= 20 && 14 + ihl <= length)
                    {
                        frame[24] = 0; frame[25] = 0;
                        NetworkOrder.WriteUInt16(frame, 24, Checksum.Compute(frame, 14, ihl));
                    }
                }
                break;
        }
        return length;
    }
}
