using NanoTcp.Iface;
using NanoTcp.Trace;
using NanoTcp.Wire;
using NanoTcp.Tests.Support;
using static NanoTcp.Tests.Support.Host;

namespace NanoTcp.Tests.Iface;

/// <summary>
/// The ARP cache on a hostile LAN (RFC 1122 §2.3.2.2): neighbours in use keep their entries
/// whatever strangers send, pending entries have their own quota, requests are limited per address
/// and in all, and a different MAC for a neighbour in use is checked with the old MAC first.
/// </summary>
public class ArpProtectionTests
{
    private static readonly uint Gateway = Ipv4Address.Make(192, 168, 7, 1);
    private static readonly byte[] SpoofMac = { 0x02, 0, 0, 0x66, 0x66, 0x66 };

    private static uint Stranger(int i) => Ipv4Address.Make(192, 168, 7, (byte)(100 + i));
    private static byte[] StrangerMac(int i) => new byte[] { 0x02, 0, 0, 0x55, 0, (byte)i };

    /// <summary>A host that knows the peer (it asked for us) and has sent it a ping: the peer's entry is in use.</summary>
    private static Host WithPeerInUse(InterfaceConfig cfg = null)
    {
        var h = new Host(cfg ?? new InterfaceConfig { Address = StackIp, Gateway = Gateway, ArpEntries = 4 });
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        Assert.Single(h.Drain().Concat(Ping(h, PeerIp)));
        return h;
    }

    /// <summary>The board pings <paramref name="ip"/>; returns what it sent.</summary>
    private static List<byte[]> Ping(Host h, uint ip)
    {
        h.Iface.SendPing(ip, 1, 1, 8, h.Now);
        return h.Drain();
    }

    private static void AssertPingGoesTo(Host h, byte[] mac)
    {
        var f = Assert.Single(Ping(h, PeerIp));
        Assert.Equal(EtherType.Ipv4, NetworkOrder.ReadUInt16(f, 12));
        Assert.Equal(MacAddress.Format(mac, 0), MacAddress.Format(f, 0));
    }

    [Fact]
    public void AnEntryInUseIsNeverEvictedByStrangersRequestsOrByPendingEntries()
    {
        var h = WithPeerInUse();
        // Strangers ask for us (each would be learned) and the board answers SYNs from spoofed sources
        // (each needs a pending entry): the table has 4 entries, the peer's is in use.
        for (int i = 0; i < 20; i++)
        {
            h.Now += 10;
            h.Exchange(Frames.Arp(ArpPacket.OpRequest, StrangerMac(i), Stranger(i), MacAddress.Zero, StackIp));
            Ping(h, Stranger(50 + i));
            Assert.True(h.Iface.Arp.IsResolved(h.Iface.Arp.Find(PeerIp)), "the peer's entry is gone after stranger " + i);
            AssertPingGoesTo(h, PeerMac); // and goes out at once, to the right MAC
        }
        Assert.Equal(0, h.Iface.Counters.Drops[(int)DropReason.ArpUnresolved]);
    }

    [Fact]
    public void TheGatewayKeepsItsEntryEvenWhenNothingWasSentToIt()
    {
        byte[] gwMac = { 2, 0, 0, 0, 0, 1 };
        var h = new Host(new InterfaceConfig { Address = StackIp, Gateway = Gateway, ArpEntries = 2, ArpPendingEntries = 2 });
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, gwMac, Gateway, MacAddress.Zero, StackIp));
        for (int i = 0; i < 10; i++)
        {
            h.Now += 10;
            h.Exchange(Frames.Arp(ArpPacket.OpRequest, StrangerMac(i), Stranger(i), MacAddress.Zero, StackIp));
            Ping(h, Stranger(50 + i));
        }
        Assert.True(h.Iface.Arp.IsResolved(h.Iface.Arp.Find(Gateway)));
    }

    [Fact]
    public void PendingEntriesHaveAQuotaBeyondWhichPacketsToNewAddressesAreDropped()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, ArpEntries = 8, ArpPendingEntries = 2 });
        var requests = new List<byte[]>();
        for (int i = 0; i < 5; i++) requests.AddRange(Ping(h, Stranger(i)));
        Assert.Equal(2, requests.Count); // two addresses asked for, three packets dropped
        Assert.All(requests, f => Assert.Equal(EtherType.Arp, NetworkOrder.ReadUInt16(f, 12)));
        Assert.Equal(3, h.Iface.Counters.Drops[(int)DropReason.ArpCacheFull]);
        Assert.True(h.Sink.Any("drop tx arp-cache-full to 192.168.7.102"));
        // When the pending entries give up (3 requests, 1 s apart), the quota is free again.
        for (int t = 0; t < 3; t++) h.Advance(1000);
        Assert.Equal(-1, h.Iface.Arp.Find(Stranger(0)));
        h.Drain();
        Assert.Single(Ping(h, Stranger(3)));
    }

    [Fact]
    public void OneAddressIsAskedAtMostOncePerRetryInterval()
    {
        var h = new Host(new InterfaceConfig { Address = StackIp, ArpRetries = 5 });
        var sent = new List<(long, byte[])>();
        for (int ms = 0; ms < 4000; ms += 50)
        {
            h.Now = ms;
            h.Poll();
            h.Iface.SendPing(PeerIp, 1, ms, 8, h.Now); // the application keeps sending to an address nobody has
            sent.AddRange(h.Drain().Select(f => ((long)ms, f)));
        }
        var times = sent.Where(x => NetworkOrder.ReadUInt16(x.Item2, 12) == EtherType.Arp).Select(x => x.Item1).ToList();
        Assert.Equal(new long[] { 0, 1000, 2000, 3000 }, times);
    }

    [Fact]
    public void TheGlobalLimitHoldsRequestsBackCountsAndTracesThem()
    {
        var cfg = new InterfaceConfig { Address = StackIp, ArpEntries = 8, ArpPendingEntries = 8, ArpRequestsPerSecond = 2 };
        var h = new Host(cfg);
        var first = new List<byte[]>();
        for (int i = 0; i < 5; i++) first.AddRange(Ping(h, Stranger(i)));
        Assert.Equal(2, first.Count);
        Assert.Equal(3, h.Iface.Counters.Drops[(int)DropReason.ArpRateLimited]);
        Assert.Equal(3, h.Iface.Counters.ArpRequestsHeld);
        Assert.True(h.Sink.Any("arp held who-has 192.168.7.102 (rate limit)"));
        Assert.True(h.Sink.Any("drop tx arp-rate-limited to 192.168.7.102"));
        // One second later the budget is back: the two pending entries are asked again, nothing more.
        h.Advance(1000);
        Assert.Equal(2, h.Drain().Count);
        // Three more new addresses in the same second: the third request is held back again.
        h.Now += 1000;
        var later = new List<byte[]>();
        for (int i = 5; i < 8; i++) later.AddRange(Ping(h, Stranger(i)));
        h.Poll();
        later.AddRange(h.Drain());
        Assert.Equal(2, later.Count(f => NetworkOrder.ReadUInt16(f, 12) == EtherType.Arp));
        Assert.True(h.Iface.Counters.ArpRequestsHeld >= 4);
    }

    [Fact]
    public void AClaimOnANeighbourInUseIsRefusedWhenTheOldMacAnswers()
    {
        var h = WithPeerInUse();
        // A gratuitous ARP and a reply, both claiming the peer's address for another MAC.
        var check = h.Exchange(Frames.Arp(ArpPacket.OpRequest, SpoofMac, PeerIp, MacAddress.Zero, PeerIp));
        check.AddRange(h.Exchange(Frames.Arp(ArpPacket.OpReply, SpoofMac, PeerIp, h.StackMac, StackIp)));
        // Held: the peer is still reached at its known MAC, and that MAC is asked, unicast.
        Assert.True(h.Sink.Any("arp 192.168.7.10 claimed by 02:00:00:66:66:66, in use at 02:00:00:00:00:10: held, asking the old MAC"));
        var ask = Assert.Single(check);
        Assert.Equal(EtherType.Arp, NetworkOrder.ReadUInt16(ask, 12));
        Assert.Equal(MacAddress.Format(PeerMac, 0), MacAddress.Format(ask, 0));
        Assert.Equal(PeerIp, ArpPacket.TargetProtocolAddress(ask, 14));
        AssertPingGoesTo(h, PeerMac);
        // The peer answers: the claim is refused, counted and traced.
        h.Now += 5;
        h.Exchange(Frames.Arp(ArpPacket.OpReply, PeerMac, PeerIp, h.StackMac, StackIp));
        Assert.Equal(1, h.Iface.Counters.ArpMacChangesRefused);
        Assert.Equal(0, h.Iface.Counters.ArpMacChangesAdopted);
        Assert.True(h.Sink.Any("arp 192.168.7.10 claim of 02:00:00:66:66:66 refused: the old MAC 02:00:00:00:00:10 answered"));
        h.Advance(5000);
        h.Drain();
        AssertPingGoesTo(h, PeerMac);
        Assert.False(h.Iface.Arp.HasClaim(h.Iface.Arp.Find(PeerIp)));
    }

    [Fact]
    public void AClaimIsAdoptedWhenTheOldMacStaysSilentForARetryInterval()
    {
        var h = WithPeerInUse();
        byte[] newMac = { 0x02, 0, 0, 0, 0, 0x77 };
        var check = h.Exchange(Frames.Arp(ArpPacket.OpRequest, newMac, PeerIp, MacAddress.Zero, PeerIp));
        Assert.Equal(MacAddress.Format(PeerMac, 0), MacAddress.Format(Assert.Single(check), 0)); // the old MAC is asked
        h.Advance(999);
        AssertPingGoesTo(h, PeerMac);                   // not yet: the old MAC has until ArpRetryMs
        h.Advance(1);
        Assert.Equal(1, h.Iface.Counters.ArpMacChangesAdopted);
        Assert.True(h.Sink.Any("arp 192.168.7.10 moved to 02:00:00:00:00:77 (the old MAC did not answer)"));
        AssertPingGoesTo(h, newMac);
    }

    [Fact]
    public void AFloodOfClaimsAsksTheOldMacOncePerRetryInterval()
    {
        var h = WithPeerInUse();
        int asks = 0;
        for (int ms = 0; ms < 5000; ms += 10)
        {
            h.Now += 10;
            foreach (var f in h.Exchange(Frames.Arp(ArpPacket.OpReply, SpoofMac, PeerIp, h.StackMac, StackIp)))
            {
                if (NetworkOrder.ReadUInt16(f, 12) != EtherType.Arp) continue;
                asks++;
                // The peer answers every check: no claim gets through.
                h.Exchange(Frames.Arp(ArpPacket.OpReply, PeerMac, PeerIp, h.StackMac, StackIp));
            }
            if (ms % 500 == 0) AssertPingGoesTo(h, PeerMac);
        }
        Assert.InRange(asks, 4, 6);                     // 500 claims in 5 s: one check a second
        Assert.Equal(asks, h.Iface.Counters.ArpMacChangesRefused);
        Assert.Equal(0, h.Iface.Counters.ArpMacChangesAdopted);
    }

    [Fact]
    public void ANewMacForAnEntryNotInUseIsTakenAtOnceAsRfc826Says()
    {
        var h = new Host();
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        byte[] newMac = { 0x02, 0, 0, 0, 0, 0x77 };
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, newMac, PeerIp, MacAddress.Zero, PeerIp));
        Assert.True(h.Sink.Any("arp 192.168.7.10 moved to 02:00:00:00:00:77"));
        AssertPingGoesTo(h, newMac);
    }

    [Fact]
    public void AReplyNobodyAskedForCreatesNoEntry()
    {
        var h = new Host();
        h.Exchange(Frames.Arp(ArpPacket.OpReply, PeerMac, PeerIp, h.StackMac, StackIp));
        Assert.Equal(-1, h.Iface.Arp.Find(PeerIp));
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        Assert.NotEqual(-1, h.Iface.Arp.Find(PeerIp));
    }

    [Fact]
    public void AnEntryInUseIsRefreshedUnicastUpToRetriesTimesBeforeItExpires()
    {
        var cfg = new InterfaceConfig { Address = StackIp, ArpRefreshMs = 10_000, ArpExpireMs = 20_000 };
        var h = new Host(cfg);
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        h.Drain();
        h.Advance(10_000);
        Ping(h, PeerIp);
        var refreshes = new List<byte[]>();
        for (int i = 0; i < 5; i++)
        {
            h.Advance(1000);
            refreshes.AddRange(h.Drain());
        }
        Assert.Equal(3, refreshes.Count);
        Assert.All(refreshes, f => Assert.Equal(MacAddress.Format(PeerMac, 0), MacAddress.Format(f, 0)));
    }
}
