using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Wire;

public class PacketViewTests
{
    private static readonly byte[] MacA = { 2, 0, 0, 0, 0, 1 };
    private static readonly byte[] MacB = { 2, 0, 0, 0, 0, 2 };
    private static readonly uint IpA = Ipv4Address.Make(10, 0, 0, 1);
    private static readonly uint IpB = Ipv4Address.Make(10, 0, 0, 2);

    [Fact]
    public void Ipv4RoundTrip()
    {
        byte[] f = Frames.Udp(MacA, MacB, IpA, 1234, IpB, 7, new byte[] { 1, 2, 3 });
        var ip = new Ipv4View(f, 14, f.Length - 14);
        Assert.Equal(DropReason.None, ip.Validate());
        Assert.Equal(IpA, ip.Source);
        Assert.Equal(IpB, ip.Destination);
        Assert.Equal(IpProtocol.Udp, ip.Protocol);
        Assert.Equal(20 + 8 + 3, ip.TotalLength);
        Assert.True(ip.DontFragment);
        Assert.False(ip.IsFragment);
        var udp = new UdpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, udp.Validate(IpA, IpB));
        Assert.Equal(1234, udp.SourcePort);
        Assert.Equal(7, udp.DestinationPort);
        Assert.Equal(3, udp.PayloadLength);
    }

    [Theory]
    [InlineData(0, 0x45, DropReason.Ipv4Truncated)]        // fewer than 20 bytes
    [InlineData(1, 0x65, DropReason.Ipv4BadVersion)]
    [InlineData(2, 0x44, DropReason.Ipv4BadHeaderLength)]  // IHL 4
    [InlineData(3, 0x4F, DropReason.Ipv4Truncated)]        // IHL 15 = 60 bytes > packet
    public void Ipv4MalformedHeaders(int kase, int firstByte, DropReason expected)
    {
        byte[] f = Frames.Udp(MacA, MacB, IpA, 1, IpB, 2, new byte[4]);
        f[14] = (byte)firstByte;
        int available = kase == 0 ? 19 : f.Length - 14;
        Assert.Equal(expected, new Ipv4View(f, 14, available).Validate());
    }

    [Fact]
    public void Ipv4TotalLengthAndChecksumAndFragments()
    {
        byte[] f = Frames.Udp(MacA, MacB, IpA, 1, IpB, 2, new byte[4]);
        var good = (byte[])f.Clone();

        NetworkOrder.WriteUInt16(f, 16, 19); // total < IHL
        Assert.Equal(DropReason.Ipv4BadTotalLength, new Ipv4View(f, 14, f.Length - 14).Validate());

        f = (byte[])good.Clone();
        NetworkOrder.WriteUInt16(f, 16, 1000); // claims more than arrived
        Assert.Equal(DropReason.Ipv4Truncated, new Ipv4View(f, 14, f.Length - 14).Validate());

        f = (byte[])good.Clone();
        f[14 + 8] ^= 1; // TTL changed, checksum now wrong
        Assert.Equal(DropReason.Ipv4BadChecksum, new Ipv4View(f, 14, f.Length - 14).Validate());

        f = (byte[])good.Clone();
        NetworkOrder.WriteUInt16(f, 14 + 6, 0x2000); // more fragments
        NetworkOrder.WriteUInt16(f, 14 + 10, 0);
        NetworkOrder.WriteUInt16(f, 14 + 10, Checksum.Compute(f, 14, 20));
        // A fragment is a valid packet; the interface decides what to do with it.
        Assert.Equal(DropReason.None, new Ipv4View(f, 14, f.Length - 14).Validate());
        Assert.True(new Ipv4View(f, 14, f.Length - 14).IsFragment);
    }

    [Fact]
    public void Ipv4OptionsAreSkippedAndEthernetPaddingIgnored()
    {
        // IHL 6 with a 4-byte NOP option block; 60-byte frame pads a short packet.
        var f = new byte[60];
        EthernetFrame.WriteHeader(f, 0, MacB, 0, MacA, EtherType.Ipv4);
        f[14] = 0x46;
        NetworkOrder.WriteUInt16(f, 16, 24 + 8 + 2);
        f[14 + 8] = 64; f[14 + 9] = IpProtocol.Udp;
        NetworkOrder.WriteUInt32(f, 26, IpA);
        NetworkOrder.WriteUInt32(f, 30, IpB);
        f[34] = 1; f[35] = 1; f[36] = 1; f[37] = 0;
        NetworkOrder.WriteUInt16(f, 24, Checksum.Compute(f, 14, 24));
        UdpDatagram.WriteHeaderAndChecksum(f, 38, IpA, 5, IpB, 6, 2);
        var ip = new Ipv4View(f, 14, 46);
        Assert.Equal(DropReason.None, ip.Validate());
        Assert.Equal(38, ip.PayloadOffset);
        Assert.Equal(10, ip.PayloadLength);
        Assert.Equal(DropReason.None, new UdpView(f, ip.PayloadOffset, ip.PayloadLength).Validate(IpA, IpB));
    }

    [Fact]
    public void UdpLengthAndChecksum()
    {
        byte[] f = Frames.Udp(MacA, MacB, IpA, 1, IpB, 2, new byte[] { 9, 9, 9 });
        int o = 34;
        Assert.Equal(DropReason.UdpTruncated, new UdpView(f, o, 7).Validate(IpA, IpB));
        var bad = (byte[])f.Clone();
        NetworkOrder.WriteUInt16(bad, o + 4, 7);
        Assert.Equal(DropReason.UdpBadLength, new UdpView(bad, o, 11).Validate(IpA, IpB));
        bad = (byte[])f.Clone();
        bad[o + 8] ^= 0xFF;
        Assert.Equal(DropReason.UdpBadChecksum, new UdpView(bad, o, 11).Validate(IpA, IpB));
        bad[o + 6] = 0; bad[o + 7] = 0; // zero = no checksum: accepted
        Assert.Equal(DropReason.None, new UdpView(bad, o, 11).Validate(IpA, IpB));
    }

    [Fact]
    public void TcpHeaderFieldsAndChecksum()
    {
        byte[] opts = { 2, 4, 0x05, 0xB4, 1, 3, 3, 7, 4, 2, 0, 0 };
        byte[] f = Frames.Tcp(MacA, MacB, IpA, 40000, IpB, 80, 0xFFFFFFF0, 0, TcpFlags.Syn, 64240, opts);
        var tcp = new TcpView(f, 34, f.Length - 34);
        Assert.Equal(DropReason.None, tcp.Validate(IpA, IpB));
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(80, tcp.DestinationPort);
        Assert.Equal(0xFFFFFFF0u, tcp.SequenceNumber);
        Assert.True(tcp.Syn);
        Assert.False(tcp.Ack);
        Assert.Equal(32, tcp.HeaderLengthBytes);
        var seg = new TcpSegment();
        Assert.Equal(DropReason.None, seg.Parse(IpA, IpB, f, 34, f.Length - 34));
        Assert.Equal(0xFFFFFFF0u, seg.Seq);
        Assert.Equal(40000, seg.SourcePort);
        Assert.Equal(80, seg.DestinationPort);
        Assert.Equal(64240, seg.Window);
        Assert.True(seg.Syn && !seg.HasAck && !seg.Fin && !seg.Rst);
        Assert.Equal(1, seg.SequenceLength);
        Assert.Equal(0, seg.PayloadLength);
        Assert.Equal(1460, seg.Options.Mss);
        var o = new TcpOptions();
        Assert.Equal(DropReason.None, o.Parse(f, tcp.OptionsOffset, tcp.OptionsLength));
        Assert.Equal(1460, o.Mss);
        Assert.Equal(7, o.WindowScale);
        Assert.True(o.SackPermitted);
        Assert.Equal(DropReason.TcpBadChecksum, new TcpView(f, 34, f.Length - 34).Validate(IpA, IpA));
    }

    [Theory]
    [InlineData(4)]   // data offset 16 bytes < 20
    [InlineData(15)]  // data offset 60 bytes > segment
    public void TcpBadDataOffset(int words)
    {
        byte[] f = Frames.Tcp(MacA, MacB, IpA, 1, IpB, 2, 1, 0, TcpFlags.Syn, 100);
        f[34 + 12] = (byte)(words << 4);
        Assert.Equal(DropReason.TcpBadDataOffset, new TcpView(f, 34, 20).Validate(IpA, IpB));
        Assert.Equal(DropReason.TcpTruncated, new TcpView(f, 34, 19).Validate(IpA, IpB));
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0 })]          // length 0
    [InlineData(new byte[] { 8, 1, 0, 0 })]          // length 1
    [InlineData(new byte[] { 1, 1, 1, 8 })]          // kind with no length byte at the end
    [InlineData(new byte[] { 30, 9, 0, 0 })]         // runs past the end
    [InlineData(new byte[] { 2, 3, 0, 1 })]          // MSS with the wrong length
    public void TcpMalformedOptions(byte[] options)
    {
        var o = new TcpOptions();
        Assert.Equal(DropReason.TcpBadOption, o.Parse(options, 0, options.Length));
    }

    [Fact]
    public void TcpOptionsUnknownSkippedEolStops()
    {
        byte[] options = { 30, 4, 0xAA, 0xBB, 1, 2, 4, 0x05, 0xB4, 0, 99, 99 };
        var o = new TcpOptions();
        Assert.Equal(DropReason.None, o.Parse(options, 0, options.Length));
        Assert.Equal(1, o.Ignored);
        Assert.Equal(1460, o.Mss);
        Assert.Equal(-1, o.WindowScale);
    }

    [Fact]
    public void ArpAndIcmpValidation()
    {
        byte[] f = Frames.Arp(ArpPacket.OpRequest, MacA, IpA, MacAddress.Zero, IpB);
        var arp = new ArpView(f, 14, 46);
        Assert.Equal(DropReason.None, arp.Validate());
        Assert.Equal(IpA, arp.SenderProtocolAddress);
        Assert.Equal(IpB, arp.TargetProtocolAddress);
        Assert.Equal(DropReason.ArpTruncated, new ArpView(f, 14, 27).Validate());
        f[14 + 7] = 9;
        Assert.Equal(DropReason.ArpUnsupported, new ArpView(f, 14, 46).Validate());

        byte[] icmp = Frames.Icmp(8, 0, 1, 2, new byte[] { 1, 2, 3 });
        Assert.Equal(DropReason.None, new IcmpView(icmp, 0, icmp.Length).Validate());
        Assert.Equal(DropReason.IcmpTruncated, new IcmpView(icmp, 0, 7).Validate());
        icmp[9] ^= 1;
        Assert.Equal(DropReason.IcmpBadChecksum, new IcmpView(icmp, 0, icmp.Length).Validate());
    }

    [Fact]
    public void AddressParsingAndFormatting()
    {
        Assert.True(Ipv4Address.TryParse("192.168.1.10", out uint ip));
        Assert.Equal(0xC0A8010Au, ip);
        Assert.Equal("192.168.1.10", Ipv4Address.Format(ip));
        foreach (var bad in new[] { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 " })
        {
            Assert.False(Ipv4Address.TryParse(bad, out _), bad);
        }
        Assert.Equal(24, Ipv4Address.PrefixLength(0xFFFFFF00));
        Assert.Equal(-1, Ipv4Address.PrefixLength(0xFF00FF00));
        Assert.True(Ipv4Address.IsBroadcast(Ipv4Address.Make(10, 0, 0, 255), 0xFFFFFF00));
        Assert.Equal("02:4e:54:00:00:01", MacAddress.Format(MacAddress.Parse("02:4E:54:00:00:01"), 0));
        Assert.Null(MacAddress.Parse("02:4E:54:00:00"));
    }
}
