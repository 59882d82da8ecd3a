using NanoTcp.Iface;
using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Iface;

public class InterfaceTests
{
    private static readonly byte[] PeerMac = Host.PeerMac;
    private static readonly uint PeerIp = Host.PeerIp;
    private static readonly uint StackIp = Host.StackIp;

    [Fact]
    public void AnswersAnArpRequestForItsAddress()
    {
        var h = new Host();
        var sent = h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        var reply = Assert.Single(sent);
        Assert.True(MacAddress.Equal(reply, 0, PeerMac, 0));
        var arp = new ArpView(reply, 14, reply.Length - 14);
        Assert.Equal(DropReason.None, arp.Validate());
        Assert.Equal(ArpPacket.OpReply, arp.Operation);
        Assert.Equal(StackIp, arp.SenderProtocolAddress);
        Assert.True(MacAddress.Equal(reply, arp.SenderHardwareOffset, h.StackMac, 0));
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        // The requester was learned, so the stack can answer without asking back.
        Assert.True(h.Iface.Arp.IsResolved(h.Iface.Arp.Find(PeerIp)));
        Assert.True(h.Sink.Any("arp < who-has 192.168.7.50 tell 192.168.7.10"));
        Assert.True(h.Sink.Any("arp > reply 192.168.7.50 to 192.168.7.10"));
    }

    [Fact]
    public void IgnoresArpForOtherAddressesWithoutLearning()
    {
        var h = new Host();
        var sent = h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, Ipv4Address.Make(192, 168, 7, 99)));
        Assert.Empty(sent);
        Assert.Equal(-1, h.Iface.Arp.Find(PeerIp));
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.ArpNotForUs]);
    }

    [Fact]
    public void RefusesArpClaimingOurAddressOrFromABroadcastMac()
    {
        var h = new Host();
        Assert.Empty(h.Exchange(Frames.Arp(ArpPacket.OpReply, PeerMac, StackIp, h.StackMac, StackIp, h.StackMac)));
        Assert.Empty(h.Exchange(Frames.Arp(ArpPacket.OpRequest, MacAddress.Broadcast, PeerIp, MacAddress.Zero, StackIp)));
        Assert.Equal(2, h.Iface.Counters.Drops[(int)DropReason.ArpBadSender]);
    }

    [Fact]
    public void AnswersPingWithTheSamePayload()
    {
        var h = new Host();
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        byte[] request = Frames.EchoRequest(PeerMac, h.StackMac, PeerIp, StackIp, 0x1234, 7, 56);
        var reply = Assert.Single(h.Exchange(request));
        var ip = new Ipv4View(reply, 14, reply.Length - 14);
        Assert.Equal(DropReason.None, ip.Validate());
        Assert.Equal(StackIp, ip.Source);
        Assert.Equal(PeerIp, ip.Destination);
        var icmp = new IcmpView(reply, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, icmp.Validate());
        Assert.Equal(IcmpPacket.TypeEchoReply, icmp.Type);
        Assert.Equal(0x1234, icmp.EchoIdentifier);
        Assert.Equal(7, icmp.EchoSequence);
        Assert.Equal(request.AsSpan(42, 56).ToArray(), reply.AsSpan(42, 56).ToArray());
        Assert.True(h.Sink.Any("icmp > 192.168.7.50 > 192.168.7.10 echo-reply seq=7 len=56"));
    }

    [Fact]
    public void LargestPingFitsAndBroadcastPingIsIgnored()
    {
        var h = new Host();
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        var reply = Assert.Single(h.Exchange(Frames.EchoRequest(PeerMac, h.StackMac, PeerIp, StackIp, 1, 1, 1472)));
        Assert.Equal(1514, reply.Length);
        Assert.Empty(h.Exchange(Frames.EchoRequest(PeerMac, MacAddress.Broadcast, PeerIp, Ipv4Address.Make(192, 168, 7, 255), 1, 2, 8)));
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.IcmpTypeIgnored]);
    }

    [Fact]
    public void FirstPacketToAnUnknownHostWaitsForArpInsteadOfBeingLost()
    {
        var h = new Host();
        Assert.Equal(DropReason.None, h.Iface.SendPing(PeerIp, 9, 1, 32, h.Now));
        var request = Assert.Single(h.Drain());
        Assert.Equal(EtherType.Arp, NetworkOrder.ReadUInt16(request, 12));
        Assert.True(MacAddress.IsBroadcast(request, 0));
        h.Now += 5;
        var sent = h.Exchange(Frames.Arp(ArpPacket.OpReply, PeerMac, PeerIp, h.StackMac, StackIp, h.StackMac));
        var ping = Assert.Single(sent);
        Assert.True(MacAddress.Equal(ping, 0, PeerMac, 0));
        Assert.True(MacAddress.Equal(ping, 6, h.StackMac, 0));
        Assert.Equal(EtherType.Ipv4, NetworkOrder.ReadUInt16(ping, 12));
        var ip = new Ipv4View(ping, 14, ping.Length - 14);
        Assert.Equal(DropReason.None, ip.Validate());
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        // Later packets go straight out.
        h.Iface.SendPing(PeerIp, 9, 2, 32, h.Now);
        Assert.Single(h.Drain());
    }

    [Fact]
    public void ArpRetriesThenGivesUpAndCountsTheLostPacket()
    {
        var h = new Host();
        h.Iface.SendPing(PeerIp, 9, 1, 8, h.Now);
        Assert.Single(h.Drain());
        h.Advance(1000);
        Assert.Single(h.Drain()); // second request
        h.Advance(1000);
        Assert.Single(h.Drain()); // third
        h.Advance(1000);
        Assert.Empty(h.Drain());
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.ArpUnresolved]);
        Assert.Equal(-1, h.Iface.Arp.Find(PeerIp));
        Assert.True(h.Sink.Any("arp unresolved 192.168.7.10"));
    }

    [Fact]
    public void OffSubnetTrafficGoesToTheGatewayMac()
    {
        var h = new Host();
        uint gw = Ipv4Address.Make(192, 168, 7, 1);
        byte[] gwMac = { 2, 0, 0, 0, 0, 0x01 };
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, gwMac, gw, MacAddress.Zero, StackIp));
        h.Iface.SendPing(Ipv4Address.Make(8, 8, 4, 4), 1, 1, 8, h.Now);
        var frame = Assert.Single(h.Drain());
        Assert.True(MacAddress.Equal(frame, 0, gwMac, 0));
        Assert.Equal(Ipv4Address.Make(8, 8, 4, 4), NetworkOrder.ReadUInt32(frame, 30));
    }

    [Fact]
    public void NoRouteWithoutGateway()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, Netmask = 0xFFFFFF00 });
        Assert.Equal(DropReason.NoRoute, h.Iface.SendPing(Ipv4Address.Make(8, 8, 4, 4), 1, 1, 8, h.Now));
        Assert.Empty(h.Drain());
    }

    [Fact]
    public void ArpEntriesAreRefreshedWhileUsedAndExpireWhenNot()
    {
        var cfg = new InterfaceConfig { Address = StackIp, ArpRefreshMs = 10_000, ArpExpireMs = 20_000 };
        var h = new Host(cfg);
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        h.Drain();
        h.Advance(11_000);
        Assert.Empty(h.Drain()); // not used since learned: no refresh
        h.Iface.SendPing(PeerIp, 1, 1, 8, h.Now);
        Assert.Single(h.Drain());
        h.Advance(1);
        var refresh = Assert.Single(h.Drain());
        Assert.Equal(EtherType.Arp, NetworkOrder.ReadUInt16(refresh, 12));
        Assert.True(MacAddress.Equal(refresh, 0, PeerMac, 0)); // unicast refresh
        h.Advance(10_000);
        Assert.Equal(-1, h.Iface.Arp.Find(PeerIp)); // unanswered: forgotten
    }

    [Fact]
    public void ArpCacheEvictsTheLeastRecentlyUsedEntryWhenFull()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, ArpEntries = 2 });
        for (int i = 1; i <= 3; i++)
        {
            h.Now += 10;
            byte[] mac = { 2, 0, 0, 0, 1, (byte)i };
            h.Exchange(Frames.Arp(ArpPacket.OpRequest, mac, Ipv4Address.Make(192, 168, 7, i + 100), MacAddress.Zero, StackIp));
        }
        Assert.Equal(-1, h.Iface.Arp.Find(Ipv4Address.Make(192, 168, 7, 101)));
        Assert.NotEqual(-1, h.Iface.Arp.Find(Ipv4Address.Make(192, 168, 7, 103)));
    }

    [Fact]
    public void GratuitousArpOnAddressChange()
    {
        var h = new Host();
        uint newIp = Ipv4Address.Make(192, 168, 7, 77);
        h.Iface.SetAddress(newIp, 0xFFFFFF00, 0, h.Now);
        var g = Assert.Single(h.Drain());
        var arp = new ArpView(g, 14, g.Length - 14);
        Assert.True(MacAddress.IsBroadcast(g, 0));
        Assert.Equal(newIp, arp.SenderProtocolAddress);
        Assert.Equal(newIp, arp.TargetProtocolAddress);
        Assert.True(h.Sink.Any("ip 192.168.7.77/24"));
    }

    [Fact]
    public void UdpEchoAndPortUnreachable()
    {
        var h = new Host();
        var echo = new UdpEchoService(h.Iface, 7);
        Assert.True(echo.IsRunning);
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        byte[] payload = "hello, nano"u8.ToArray();
        h.Send(Frames.Udp(PeerMac, h.StackMac, PeerIp, 5555, StackIp, 7, payload));
        h.Poll();
        echo.Poll(h.Now);
        var reply = Assert.Single(h.Drain());
        var ip = new Ipv4View(reply, 14, reply.Length - 14);
        var udp = new UdpView(reply, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, udp.Validate(ip.Source, ip.Destination));
        Assert.Equal(7, udp.SourcePort);
        Assert.Equal(5555, udp.DestinationPort);
        Assert.Equal(payload, reply.AsSpan(udp.PayloadOffset, udp.PayloadLength).ToArray());

        byte[] toClosed = Frames.Udp(PeerMac, h.StackMac, PeerIp, 5555, StackIp, 9999, payload);
        var unreachable = Assert.Single(h.Exchange(toClosed));
        ip = new Ipv4View(unreachable, 14, unreachable.Length - 14);
        var icmp = new IcmpView(unreachable, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, icmp.Validate());
        Assert.Equal(IcmpPacket.TypeDestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpPacket.CodePortUnreachable, icmp.Code);
        // Quotes the offending IP header and the first 8 bytes of the datagram.
        Assert.Equal(toClosed.AsSpan(14, 28).ToArray(), unreachable.AsSpan(icmp.PayloadOffset, 28).ToArray());
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.UdpPortClosed]);
    }

    [Fact]
    public void PortUnreachableIsRateLimitedAndNeverSentForBroadcast()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, IcmpErrorsPerSecond = 3 });
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        int sent = 0;
        for (int i = 0; i < 10; i++)
        {
            sent += h.Exchange(Frames.Udp(PeerMac, h.StackMac, PeerIp, 1000, StackIp, 2000 + i, new byte[4])).Count;
        }
        Assert.Equal(3, sent);
        h.Now += 1000;
        Assert.Single(h.Exchange(Frames.Udp(PeerMac, h.StackMac, PeerIp, 1000, StackIp, 3000, new byte[4])));
        Assert.Empty(h.Exchange(Frames.Udp(PeerMac, MacAddress.Broadcast, PeerIp, 1000, Ipv4Address.Broadcast, 3001, new byte[4])));
    }

    [Fact]
    public void UdpQueueFullDropsAndCounts()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, UdpQueueBytes = 64 });
        var socket = h.Iface.OpenUdp(5000);
        Assert.Null(h.Iface.OpenUdp(5000));
        for (int i = 0; i < 4; i++)
        {
            h.Exchange(Frames.Udp(PeerMac, h.StackMac, PeerIp, 1, StackIp, 5000, new byte[20]));
        }
        Assert.Equal(2, socket.Available); // 2 × (8 + 20) fit in 64
        Assert.Equal(2, h.Iface.Counters.Drops[(int)DropReason.UdpQueueFull]);
        var buf = new byte[100];
        Assert.Equal(20, socket.Receive(buf, 0, buf.Length, out uint src, out int sport));
        Assert.Equal(PeerIp, src);
        Assert.Equal(1, sport);
    }

    [Fact]
    public void UdpRingWrapsAroundCorrectly()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, UdpQueueBytes = 50 });
        var socket = h.Iface.OpenUdp(5000);
        var buf = new byte[64];
        for (int i = 0; i < 20; i++)
        {
            var payload = new byte[5 + i % 13];
            for (int k = 0; k < payload.Length; k++) payload[k] = (byte)(i + k);
            h.Exchange(Frames.Udp(PeerMac, h.StackMac, PeerIp, 1, StackIp, 5000, payload));
            Assert.Equal(payload.Length, socket.Receive(buf, 0, buf.Length, out _, out _));
            Assert.Equal(payload, buf.AsSpan(0, payload.Length).ToArray());
        }
    }

    [Fact]
    public void DropsAreCountedTracedAndAccountedFor()
    {
        var h = new Host();
        h.Exchange(new byte[10]);                                                         // runt
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp, new byte[] { 2, 9, 9, 9, 9, 9 })); // other MAC
        var ipv6 = new byte[60]; ipv6[12] = 0x86; ipv6[13] = 0xDD; Array.Fill(ipv6, (byte)0xFF, 0, 6);
        h.Exchange(ipv6);
        byte[] badSum = Frames.EchoRequest(PeerMac, h.StackMac, PeerIp, StackIp, 1, 1, 8);
        badSum[14 + 8] = 1;                                                                 // TTL changed, header checksum wrong
        h.Exchange(badSum);
        h.Exchange(Frames.EchoRequest(PeerMac, h.StackMac, StackIp, StackIp, 1, 1, 8));    // land
        h.Exchange(Frames.Tcp(PeerMac, h.StackMac, PeerIp, 1, StackIp, 80, 1, 0, TcpFlags.Syn, 100)); // no TCP attached
        var c = h.Iface.Counters;
        Assert.Equal(1, c.Drops[(int)DropReason.FrameTooShort]);
        Assert.Equal(1, c.Drops[(int)DropReason.FrameNotForUs]);
        Assert.Equal(1, c.Drops[(int)DropReason.EtherTypeUnknown]);
        Assert.Equal(1, c.Drops[(int)DropReason.Ipv4BadChecksum]);
        Assert.Equal(1, c.Drops[(int)DropReason.Ipv4BadSource]);
        Assert.Equal(1, c.Drops[(int)DropReason.TcpNoStack]);
        Assert.Equal(c.RxFrames, c.RxHandled + c.RxDropped);
        Assert.Equal(6, c.RxDropped);
        Assert.True(h.Sink.Any("drop ipv4 bad-checksum from 192.168.7.10"));
        Assert.True(h.Sink.Any("drop eth too-short"));
    }

    [Fact]
    public void ALinkLayerBroadcastToOurUnicastAddressIsDropped()
    {
        // RFC 1122 §3.3.6: a unicast datagram that came as a link-layer broadcast was not sent to us
        // alone; nothing answers it (a SYN to an open port would make a half-open connection).
        var h = new Host();
        h.Iface.AttachTransport(new TcpStack(new TcpConfig(), h.Iface, h.Tracer));
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp)); // the peer is known: answers go out at once
        Assert.Empty(h.Exchange(Frames.Tcp(PeerMac, MacAddress.Broadcast, PeerIp, 20000, StackIp, 4444, 1, 0, TcpFlags.Syn, 100)));
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.Ipv4NotForUs]);
        Assert.Empty(h.Exchange(Frames.EchoRequest(PeerMac, MacAddress.Broadcast, PeerIp, StackIp, 1, 1, 8)));
        Assert.Equal(2, h.Iface.Counters.Drops[(int)DropReason.Ipv4NotForUs]);
        // The same segment to our MAC is answered (RST: nothing listens on 4444).
        var reply = Assert.Single(h.Exchange(Frames.Tcp(PeerMac, h.StackMac, PeerIp, 20000, StackIp, 4444, 1, 0, TcpFlags.Syn, 100)));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, reply[14 + 20 + 13]);
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.TcpPortClosed]);
    }

    [Fact]
    public void LinkChangesAreTraced()
    {
        var h = new Host();
        h.Poll();
        h.Link.Connected = false;
        h.Poll();
        h.Link.Connected = true;
        h.Poll();
        Assert.Equal(new[] { "link up", "link down", "link up" },
            h.Sink.Lines.Where(l => l.Contains("link ")).Select(l => l.Substring(10)).ToArray());
    }

    [Fact]
    public void FrameLevelTraceIsAHexDumpOfTheWholeFrame()
    {
        var h = new Host();
        byte[] frame = Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp);
        h.Exchange(frame);
        string line = h.Sink.Lines.First(l => l.Contains("frame < "));
        Assert.EndsWith("frame < 60 " + Convert.ToHexString(frame).ToLowerInvariant(), line);
        Assert.StartsWith("[      0] ", line);
    }

    [Fact]
    public void FootprintCountsEveryBuffer()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp });
        // Two frame buffers + two ARP pending slots alone are 4 × 1514 bytes.
        Assert.True(h.Iface.FootprintBytes > 4 * 1514, h.Iface.FootprintBytes.ToString());
        Assert.True(h.Iface.FootprintBytes < 16 * 1024, h.Iface.FootprintBytes.ToString());
    }
}
