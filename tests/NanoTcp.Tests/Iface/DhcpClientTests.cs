using NanoTcp.Iface;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Iface;

/// <summary>The DHCP client against a scripted server on the memory link, on a virtual clock.</summary>
public class DhcpClientTests
{
    private static readonly byte[] ServerMac = { 2, 0, 0, 0, 0, 0x67 };
    private static readonly uint ServerIp = Ipv4Address.Make(10, 9, 0, 1);
    private static readonly uint Offered = Ipv4Address.Make(10, 9, 0, 42);

    private static Host NewClient(Action<InterfaceConfig> tweak = null)
    {
        var cfg = new InterfaceConfig { UseDhcp = true, Seed = 99 };
        tweak?.Invoke(cfg);
        return new Host(cfg);
    }

    private sealed record Msg(int Type, uint Xid, uint Ciaddr, uint RequestedIp, uint ServerId, uint IpDst, bool BroadcastFlag, int Length);

    private static Msg Parse(byte[] frame)
    {
        var ip = new Ipv4View(frame, 14, frame.Length - 14);
        Assert.Equal(DropReason.None, ip.Validate());
        var udp = new UdpView(frame, ip.PayloadOffset, ip.PayloadLength);
        Assert.Equal(DropReason.None, udp.Validate(ip.Source, ip.Destination));
        Assert.Equal(68, udp.SourcePort);
        Assert.Equal(67, udp.DestinationPort);
        int o = udp.PayloadOffset;
        var m = new DhcpMessage();
        Assert.Equal(DropReason.None, m.Parse(frame, o, udp.PayloadLength));
        uint requested = 0;
        for (int i = o + 240; i < o + udp.PayloadLength && frame[i] != 255;)
        {
            if (frame[i] == 0) { i++; continue; }
            if (frame[i] == 50) requested = NetworkOrder.ReadUInt32(frame, i + 2);
            i += 2 + frame[i + 1];
        }
        return new Msg(m.MessageType, m.TransactionId, NetworkOrder.ReadUInt32(frame, o + 12), requested, m.ServerId,
            ip.Destination, (frame[o + 10] & 0x80) != 0, udp.PayloadLength);
    }

    private static byte[] Reply(Host h, int type, uint xid, uint yiaddr, uint lease = 3600, uint t1 = 0, uint t2 = 0, bool broadcast = true)
    {
        var p = new byte[300];
        p[0] = 2; p[1] = 1; p[2] = 6;
        NetworkOrder.WriteUInt32(p, 4, xid);
        NetworkOrder.WriteUInt32(p, 16, yiaddr);
        Array.Copy(h.StackMac, 0, p, 28, 6);
        NetworkOrder.WriteUInt32(p, 236, DhcpMessage.MagicCookie);
        int i = 240;
        i = DhcpMessage.WriteOptionByte(p, i, 53, type);
        i = DhcpMessage.WriteOptionAddress(p, i, 54, ServerIp);
        i = DhcpMessage.WriteOptionAddress(p, i, 1, 0xFFFFFF00);
        i = DhcpMessage.WriteOptionAddress(p, i, 3, ServerIp);
        i = DhcpMessage.WriteOptionAddress(p, i, 6, ServerIp);
        i = DhcpMessage.WriteOptionAddress(p, i, 51, lease);
        if (t1 != 0) i = DhcpMessage.WriteOptionAddress(p, i, 58, t1);
        if (t2 != 0) i = DhcpMessage.WriteOptionAddress(p, i, 59, t2);
        p[i] = 255;
        return Frames.Udp(ServerMac, broadcast ? MacAddress.Broadcast : h.StackMac, ServerIp, 67,
            broadcast ? Ipv4Address.Broadcast : yiaddr, 68, p);
    }

    private static Msg Bind(Host h, uint lease = 3600, uint t1 = 0, uint t2 = 0, Msg discover = null)
    {
        discover ??= Parse(Assert.Single(h.Exchange()));
        Assert.Equal(DhcpMessage.Discover, discover.Type);
        var request = Parse(Assert.Single(h.Exchange(Reply(h, DhcpMessage.Offer, discover.Xid, Offered))));
        Assert.Equal(DhcpMessage.Request, request.Type);
        Assert.Equal(Offered, request.RequestedIp);
        Assert.Equal(ServerIp, request.ServerId);
        Assert.Equal(Ipv4Address.Broadcast, request.IpDst);
        var afterAck = h.Exchange(Reply(h, DhcpMessage.Ack, request.Xid, Offered, lease, t1, t2));
        Assert.Equal(DhcpState.Bound, h.Iface.Dhcp.State);
        // Binding announces the new address with a gratuitous ARP.
        Assert.Contains(afterAck, f => NetworkOrder.ReadUInt16(f, 12) == EtherType.Arp);
        return request;
    }

    [Fact]
    public void DiscoverOfferRequestAckConfiguresTheInterface()
    {
        var h = NewClient();
        var discover = Parse(Assert.Single(h.Exchange()));
        Assert.Equal(Ipv4Address.Broadcast, discover.IpDst);
        Assert.True(discover.BroadcastFlag);
        Assert.True(discover.Length >= DhcpMessage.MinLength);
        Bind(h, discover: discover);
        Assert.Equal(Offered, h.Iface.Address);
        Assert.Equal(0xFFFFFF00u, h.Iface.Netmask);
        Assert.Equal(ServerIp, h.Iface.Gateway);
        Assert.Equal(ServerIp, h.Iface.Dhcp.Dns);
        Assert.True(h.Sink.Any("dhcp bound 10.9.0.42 lease=3600s"));
        Assert.True(h.Sink.Any("ip 10.9.0.42/24 gw 10.9.0.1"));
    }

    [Fact]
    public void DiscoverBacksOffExponentially()
    {
        var h = NewClient(c => c.DhcpFallbackAfterAttempts = 0);
        var times = new List<long>();
        for (long t = 0; t <= 200_000; t += 500)
        {
            h.Now = t;
            if (h.Exchange().Count > 0) times.Add(t);
        }
        Assert.Equal(new long[] { 0, 4000, 12000, 28000, 60000, 124000, 188000 }, times.ToArray());
    }

    [Fact]
    public void FallsBackToTheStaticAddressAndLaterTakesALease()
    {
        uint fallback = Ipv4Address.Make(169, 254, 7, 7);
        var h = NewClient(c => { c.Address = fallback; c.Netmask = 0xFFFF0000; c.DhcpFallbackAfterAttempts = 2; });
        h.Exchange();
        Assert.Equal(0u, h.Iface.Address);
        h.Advance(4000);
        h.Drain();
        Assert.Equal(0u, h.Iface.Address);
        h.Advance(8000);
        Assert.Equal(fallback, h.Iface.Address);
        Assert.True(h.Sink.Any("dhcp fallback 169.254.7.7"));
        var discover = Parse(h.Drain().First(f => NetworkOrder.ReadUInt16(f, 12) == EtherType.Ipv4));
        var request = Parse(Assert.Single(h.Exchange(Reply(h, DhcpMessage.Offer, discover.Xid, Offered))));
        h.Exchange(Reply(h, DhcpMessage.Ack, request.Xid, Offered));
        Assert.Equal(Offered, h.Iface.Address);
    }

    [Fact]
    public void RenewsAtT1UnicastAndRebindsAtT2BroadcastThenExpires()
    {
        var h = NewClient();
        Bind(h, lease: 1000, t1: 500, t2: 875);
        h.Now = 499_999;
        // Learn the server's MAC so the unicast renewal can leave without waiting for ARP.
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, ServerMac, ServerIp, MacAddress.Zero, Offered));
        Assert.Empty(h.Exchange());
        h.Now = 500_000;
        var renew = Parse(Assert.Single(h.Exchange()));
        Assert.Equal(DhcpMessage.Request, renew.Type);
        Assert.Equal(Offered, renew.Ciaddr);
        Assert.Equal(ServerIp, renew.IpDst);
        Assert.Equal(0u, renew.RequestedIp);
        Assert.Equal(DhcpState.Renewing, h.Iface.Dhcp.State);
        h.Now = 875_000;
        var rebind = Parse(h.Exchange().Single(f => NetworkOrder.ReadUInt16(f, 12) == EtherType.Ipv4));
        Assert.Equal(Ipv4Address.Broadcast, rebind.IpDst);
        Assert.Equal(Offered, rebind.Ciaddr);
        Assert.Equal(DhcpState.Rebinding, h.Iface.Dhcp.State);
        h.Now = 1_000_000;
        h.Exchange();
        Assert.Equal(0u, h.Iface.Address);
        Assert.Equal(DhcpState.Init, h.Iface.Dhcp.State);
        Assert.Equal(DhcpMessage.Discover, Parse(Assert.Single(h.Exchange())).Type); // started over
        Assert.True(h.Sink.Any("ip none"));
    }

    [Fact]
    public void AckDuringRenewalExtendsTheLease()
    {
        var h = NewClient();
        Bind(h, lease: 1000);
        h.Now = 499_999;
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, ServerMac, ServerIp, MacAddress.Zero, Offered));
        h.Now = 500_000;
        var renew = Parse(Assert.Single(h.Exchange()));
        h.Exchange(Reply(h, DhcpMessage.Ack, renew.Xid, Offered, 1000, broadcast: false));
        Assert.Equal(DhcpState.Bound, h.Iface.Dhcp.State);
        Assert.Equal(1_000_000, h.Iface.Dhcp.RenewAtMs);
        Assert.Equal(Offered, h.Iface.Address);
    }

    [Fact]
    public void NakDuringRequestStartsOver()
    {
        var h = NewClient();
        var discover = Parse(Assert.Single(h.Exchange()));
        var request = Parse(Assert.Single(h.Exchange(Reply(h, DhcpMessage.Offer, discover.Xid, Offered))));
        h.Exchange(Reply(h, DhcpMessage.Nak, request.Xid, 0));
        Assert.Equal(0u, h.Iface.Address);
        Assert.Equal(DhcpState.Selecting, h.Iface.Dhcp.State);
    }

    [Fact]
    public void RepliesForOtherTransactionsOrMalformedAreDropped()
    {
        var h = NewClient();
        var discover = Parse(Assert.Single(h.Exchange()));
        Assert.Empty(h.Exchange(Reply(h, DhcpMessage.Offer, discover.Xid + 1, Offered)));
        byte[] bad = Reply(h, DhcpMessage.Offer, discover.Xid, Offered);
        bad[42 + 241] = 200; // message-type option length past the end
        UdpDatagram.WriteHeaderAndChecksum(bad, 34, ServerIp, 67, Ipv4Address.Broadcast, 68, bad.Length - 42);
        Assert.Empty(h.Exchange(bad));
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.DhcpNotOurs]);
        Assert.Equal(1, h.Iface.Counters.Drops[(int)DropReason.DhcpMalformed]);
        Assert.Equal(DhcpState.Selecting, h.Iface.Dhcp.State);
    }
}
