using NanoTcp.Tests.Support;
using NanoTcp.Tests.Fixtures;
using NanoTcp.Trace;
using NanoTcp.Wire;
using K = NanoTcp.Tests.Fixtures.KernelFrames;

namespace NanoTcp.Tests.Wire;

/// <summary>The packet views against real bytes produced by the Linux kernel (tests/fixtures).</summary>
public class KernelFrameTests
{
    private static readonly uint KernelIp = Ipv4Address.Make(10, 77, 0, 1);
    private static readonly uint PeerIp = Ipv4Address.Make(10, 77, 0, 2);

    private static (byte[] f, Ipv4View ip) Ip(string hex)
    {
        byte[] f = K.Bytes(hex);
        var eth = new EthView(f, 0, f.Length);
        Assert.Equal(DropReason.None, eth.Validate());
        Assert.Equal(EtherType.Ipv4, eth.EtherType);
        return (f, new Ipv4View(f, eth.PayloadOffset, eth.PayloadLength));
    }

    [Fact]
    public void ArpRequestAndReplyFromTheKernelAreUnpadded42ByteFrames()
    {
        byte[] req = K.Bytes(K.ArpRequest);
        Assert.Equal(42, req.Length);
        var arp = new ArpView(req, 14, req.Length - 14);
        Assert.Equal(DropReason.None, arp.Validate());
        Assert.Equal(ArpPacket.OpRequest, arp.Operation);
        Assert.Equal(KernelIp, arp.SenderProtocolAddress);
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        Assert.True(MacAddress.IsBroadcast(req, 0));

        byte[] rep = K.Bytes(K.ArpReply);
        arp = new ArpView(rep, 14, rep.Length - 14);
        Assert.Equal(DropReason.None, arp.Validate());
        Assert.Equal(ArpPacket.OpReply, arp.Operation);
        Assert.Equal("02:00:00:00:00:01", MacAddress.Format(rep, arp.SenderHardwareOffset));
    }

    [Fact]
    public void OurArpWriterProducesTheKernelsBytes()
    {
        byte[] kernel = K.Bytes(K.ArpReply);
        var ours = new byte[42];
        byte[] kMac = MacAddress.Parse(K.KernelMac), pMac = MacAddress.Parse(K.PeerMac);
        EthernetFrame.WriteHeader(ours, 0, pMac, 0, kMac, EtherType.Arp);
        ArpPacket.Write(ours, 14, ArpPacket.OpReply, kMac, 0, KernelIp, pMac, 0, PeerIp);
        Assert.Equal(kernel, ours);
    }

    [Theory]
    [InlineData(nameof(K.IcmpEchoRequest), 8)]
    [InlineData(nameof(K.IcmpEchoReply), 0)]
    [InlineData(nameof(K.IcmpPortUnreachable), 3)]
    public void IcmpFromTheKernelValidates(string name, int type)
    {
        var (f, ip) = Ip(Hex(name));
        Assert.Equal(DropReason.None, ip.Validate());
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        var icmp = new IcmpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, icmp.Validate());
        Assert.Equal(type, icmp.Type);
    }

    [Fact]
    public void OurEchoReplyMatchesTheKernelsOnTheIcmpBytes()
    {
        // Build a reply to the injected request the way NetInterface does and compare the ICMP part.
        var (req, reqIp) = Ip(K.InjectedEchoRequest);
        var (rep, repIp) = Ip(K.IcmpEchoReply);
        var request = new IcmpView(req, reqIp.PayloadOffset, reqIp.PayloadLength);
        var ours = new byte[reqIp.PayloadLength];
        Array.Copy(req, request.PayloadOffset, ours, 8, request.PayloadLength);
        IcmpPacket.WriteHeaderAndChecksum(ours, 0, IcmpPacket.TypeEchoReply, 0, request.EchoIdentifier, request.EchoSequence, request.PayloadLength);
        Assert.Equal(rep.AsSpan(repIp.PayloadOffset, repIp.PayloadLength).ToArray(), ours);
    }

    [Fact]
    public void FragmentsAreRecognisedAsFragments()
    {
        foreach (string name in new[] { nameof(K.IcmpFragmentFirst), nameof(K.IcmpFragmentMiddle), nameof(K.IcmpFragmentLast) })
        {
            var (_, ip) = Ip(Hex(name));
            Assert.True(ip.IsFragment, name);
            Assert.Equal(DropReason.None, ip.Validate());
        }
        Assert.True(Ip(K.IcmpFragmentFirst).ip.MoreFragments);
        Assert.Equal(0, Ip(K.IcmpFragmentFirst).ip.FragmentOffset);
        Assert.False(Ip(K.IcmpFragmentLast).ip.MoreFragments);
        Assert.Equal(2960, Ip(K.IcmpFragmentLast).ip.FragmentOffset);
    }

    [Fact]
    public void UdpFromTheKernelValidatesAndCarriesHello()
    {
        var (f, ip) = Ip(K.UdpDatagram);
        Assert.Equal(DropReason.None, ip.Validate());
        var udp = new UdpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, udp.Validate(ip.Source, ip.Destination));
        Assert.Equal(40000, udp.SourcePort);
        Assert.Equal(9999, udp.DestinationPort);
        Assert.Equal("hello\n", System.Text.Encoding.ASCII.GetString(f, udp.PayloadOffset, udp.PayloadLength));
        // Re-computing the checksum with our writer gives the kernel's value.
        var copy = (byte[])f.Clone();
        UdpDatagram.WriteHeaderAndChecksum(copy, ip.PayloadOffset, ip.Source, 40000, ip.Destination, 9999, udp.PayloadLength);
        Assert.Equal(f, copy);
    }

    [Fact]
    public void KernelSynOptionsParseInTheKernelsOrder()
    {
        var (f, ip) = Ip(K.TcpSyn);
        Assert.Equal(DropReason.None, ip.Validate());
        var tcp = new TcpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, tcp.Validate(ip.Source, ip.Destination));
        Assert.True(tcp.Syn);
        Assert.False(tcp.Ack);
        Assert.Equal(40001, tcp.SourcePort);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.Equal(64240, tcp.Window);
        Assert.Equal(40, tcp.HeaderLengthBytes);
        var o = new TcpOptions();
        Assert.Equal(DropReason.None, o.Parse(f, tcp.OptionsOffset, tcp.OptionsLength));
        Assert.Equal(1460, o.Mss);
        Assert.Equal(10, o.WindowScale);
        Assert.True(o.SackPermitted);
        Assert.True(o.HasTimestamps);
        Assert.Equal(3431899554u, o.TsVal);
        Assert.Equal(0u, o.TsEcr);
    }

    [Theory]
    [InlineData(nameof(K.TcpSynAck), TcpFlags.Syn | TcpFlags.Ack, 0)]
    [InlineData(nameof(K.TcpData), TcpFlags.Psh | TcpFlags.Ack, 22)]
    [InlineData(nameof(K.TcpFinAck), TcpFlags.Fin | TcpFlags.Ack, 0)]
    [InlineData(nameof(K.TcpAck), TcpFlags.Ack, 0)]
    [InlineData(nameof(K.TcpRstAck), TcpFlags.Rst | TcpFlags.Ack, 0)]
    public void KernelTcpSegmentsValidate(string name, int flags, int payload)
    {
        var (f, ip) = Ip(Hex(name));
        Assert.Equal(DropReason.None, ip.Validate());
        var tcp = new TcpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, tcp.Validate(ip.Source, ip.Destination));
        Assert.Equal(flags, tcp.Flags);
        Assert.Equal(payload, tcp.PayloadLength);
        var o = new TcpOptions();
        Assert.Equal(DropReason.None, o.Parse(f, tcp.OptionsOffset, tcp.OptionsLength));
        // Our checksum writer reproduces the kernel's checksum exactly.
        var copy = (byte[])f.Clone();
        TcpPacket.WriteChecksum(copy, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination);
        Assert.Equal(f, copy);
    }

    [Fact]
    public void KernelRstToAClosedPortHasSeqZeroAndAcksTheSyn()
    {
        var (f, ip) = Ip(K.TcpRstAck);
        var tcp = new TcpView(f, ip.PayloadOffset, ip.PayloadLength);
        var (s, sip) = Ip(K.InjectedTcpSynClosedPort);
        var syn = new TcpView(s, sip.PayloadOffset, sip.PayloadLength);
        Assert.Equal(0u, tcp.SequenceNumber);
        Assert.Equal(syn.SequenceNumber + 1, tcp.AckNumber);
        Assert.Equal(0, tcp.Window);
    }

    [Theory]
    [InlineData(nameof(K.DhcpDiscoverDhclient))]
    [InlineData(nameof(K.DhcpDiscoverUdhcpc))]
    public void RealDhcpDiscoversParse(string name)
    {
        var (f, ip) = Ip(Hex(name));
        Assert.Equal(DropReason.None, ip.Validate());
        var udp = new UdpView(f, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, udp.Validate(ip.Source, ip.Destination));
        Assert.Equal(68, udp.SourcePort);
        var m = new DhcpMessage();
        Assert.Equal(DropReason.None, m.Parse(f, udp.PayloadOffset, udp.PayloadLength));
        Assert.Equal(DhcpMessage.Discover, m.MessageType);
        Assert.Equal(DhcpMessage.OpRequest, m.Op);
    }

    [Fact]
    public void EveryKernelFrameSurvivesTheInterfaceAndIsAccountedFor()
    {
        // Frames addressed to another host are dropped "not for us", never thrown on.
        var h = new Support.Host();
        foreach (string hex in K.All.Concat(K.Injected))
        {
            h.Exchange(K.Bytes(hex));
        }
        var c = h.Iface.Counters;
        Assert.Equal(K.All.Length + K.Injected.Length, c.RxFrames);
        Assert.Equal(c.RxFrames, c.RxHandled + c.RxDropped);
    }

    private static string Hex(string name) => (string)typeof(KernelFrames).GetField(name).GetValue(null);
}
