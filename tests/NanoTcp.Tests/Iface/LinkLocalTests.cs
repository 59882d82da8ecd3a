using NanoTcp.Iface;
using NanoTcp.Tests.Support;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Iface;

/// <summary>RFC 3927 link-local addressing after DHCP gets no answer: probe, announce, conflict, defend.</summary>
public class LinkLocalTests
{
    private static readonly byte[] OtherMac = { 2, 0, 0, 0, 0, 0x77 };

    private static Host NewBoard(byte last = 1)
    {
        var cfg = new InterfaceConfig { UseDhcp = true, Seed = 5, LinkLocalAfterAttempts = 2, MacAddress = new byte[] { 2, 0x4E, 0x54, 0, 0, last } };
        return new Host(cfg);
    }

    private sealed record Arp(long At, int Op, uint Sender, uint Target);

    /// <summary>Runs the board in 10 ms steps; every ARP it sends, with the time.</summary>
    private static List<Arp> Run(Host h, long ms, Func<Arp, byte[]> answer = null)
    {
        var arps = new List<Arp>();
        for (long t = 0; t < ms; t += 10)
        {
            h.Advance(10);
            foreach (var f in h.Drain())
            {
                if (NetworkOrder.ReadUInt16(f, 12) != EtherType.Arp) continue;
                var a = new Arp(h.Now, ArpPacket.Operation(f, 14), ArpPacket.SenderProtocolAddress(f, 14), ArpPacket.TargetProtocolAddress(f, 14));
                arps.Add(a);
                byte[] reply = answer?.Invoke(a);
                if (reply != null) h.Send(reply);
            }
        }
        return arps;
    }

    [Fact]
    public void AfterTwoUnansweredDiscoversItProbesThreeTimesThenTakesAndAnnouncesTheAddress()
    {
        var h = NewBoard();
        var arps = Run(h, 40_000);
        var probes = arps.Where(a => a.Sender == 0).ToList();
        Assert.Equal(3, probes.Count);
        uint candidate = probes[0].Target;
        Assert.Equal(Ipv4LinkLocal.FirstAddress(h.StackMac), candidate);
        Assert.True(Ipv4LinkLocal.IsLinkLocal(candidate));
        Assert.InRange(candidate, Ipv4Address.Make(169, 254, 1, 0), Ipv4Address.Make(169, 254, 254, 255));
        Assert.All(probes, p => Assert.Equal(candidate, p.Target));
        for (int i = 1; i < 3; i++) Assert.InRange(probes[i].At - probes[i - 1].At, Ipv4LinkLocal.ProbeMinMs, Ipv4LinkLocal.ProbeMaxMs + 10);
        // DHCP first: two DISCOVERs (4 s, then 8 s, ±1 s) before the first probe, which waits 0-1 s more.
        Assert.InRange(probes[0].At, 11_000, 15_000);

        var announcements = arps.Where(a => a.Sender == candidate && a.Target == candidate).ToList();
        Assert.Equal(2, announcements.Count);
        Assert.InRange(announcements[0].At - probes[2].At, Ipv4LinkLocal.AnnounceWaitMs, Ipv4LinkLocal.AnnounceWaitMs + 10);
        Assert.InRange(announcements[1].At - announcements[0].At, Ipv4LinkLocal.AnnounceIntervalMs, Ipv4LinkLocal.AnnounceIntervalMs + 10);
        Assert.Equal(candidate, h.Iface.Address);
        Assert.Equal(Ipv4LinkLocal.Netmask, h.Iface.Netmask);
        Assert.Equal(0u, h.Iface.Gateway);
        Assert.Equal(LinkLocalState.Bound, h.Iface.LinkLocal.State);
        Assert.Contains(h.Sink.Lines, l => l.Contains("dhcp link-local " + Ipv4Address.Format(candidate)));
        Assert.Contains(h.Sink.Lines, l => l.Contains("ip " + Ipv4Address.Format(candidate) + "/16"));
        // DHCP keeps trying meanwhile.
        Assert.Equal(DhcpState.Selecting, h.Iface.Dhcp.State);
    }

    [Fact]
    public void TheSameBoardTriesTheSameAddressFirstAndAnotherBoardAnother()
    {
        uint First(byte last) => Run(NewBoard(last), 20_000).First(a => a.Sender == 0).Target;
        Assert.Equal(First(1), First(1));
        Assert.NotEqual(First(1), First(2));
    }

    [Fact]
    public void AnAddressSomeoneAnswersForIsGivenUpForAnother()
    {
        var h = NewBoard();
        uint taken = 0;
        var arps = Run(h, 40_000, a =>
        {
            if (a.Sender != 0 || taken != 0) return null;
            taken = a.Target; // the first address it probes is someone else's
            return Frames.Arp(ArpPacket.OpReply, OtherMac, taken, h.StackMac, 0, h.StackMac);
        });
        var probed = arps.Where(a => a.Sender == 0).Select(a => a.Target).Distinct().ToList();
        Assert.Equal(2, probed.Count);
        Assert.Equal(taken, probed[0]);
        Assert.Equal(probed[1], h.Iface.Address);
        Assert.Equal(1, h.Iface.LinkLocal.Conflicts);
        Assert.Contains(h.Sink.Lines, l => l.Contains("dhcp link-local-conflict " + Ipv4Address.Format(taken)));
    }

    [Fact]
    public void AnotherHostProbingForTheSameAddressIsAConflictToo()
    {
        var h = NewBoard();
        bool sent = false;
        Run(h, 40_000, a =>
        {
            if (a.Sender != 0 || sent) return null;
            sent = true;
            return Frames.Arp(ArpPacket.OpRequest, OtherMac, 0, MacAddress.Zero, a.Target);
        });
        Assert.Equal(1, h.Iface.LinkLocal.Conflicts);
        Assert.Equal(LinkLocalState.Bound, h.Iface.LinkLocal.State);
    }

    [Fact]
    public void ABoundAddressIsDefendedOnceThenGivenUpWhenTheConflictComesBackWithinTenSeconds()
    {
        var h = NewBoard();
        Run(h, 40_000);
        uint mine = h.Iface.Address;
        Assert.True(Ipv4LinkLocal.IsLinkLocal(mine));

        h.Send(Frames.Arp(ArpPacket.OpRequest, OtherMac, mine, MacAddress.Zero, mine));
        var arps = Run(h, 100);
        Assert.Single(arps, a => a.Sender == mine && a.Target == mine); // defended
        Assert.Equal(mine, h.Iface.Address);

        h.Send(Frames.Arp(ArpPacket.OpRequest, OtherMac, mine, MacAddress.Zero, mine));
        Run(h, 100);
        Assert.Equal(0u, h.Iface.Address); // given up
        Assert.Equal(LinkLocalState.Probing, h.Iface.LinkLocal.State);
        Run(h, 10_000);
        Assert.True(Ipv4LinkLocal.IsLinkLocal(h.Iface.Address));
        Assert.NotEqual(mine, h.Iface.Address);
    }

    [Fact]
    public void WithoutLinkLocalTheStaticFallbackStillApplies()
    {
        var h = new Host(new InterfaceConfig { UseDhcp = true, Seed = 5, Address = Ipv4Address.Make(192, 168, 1, 50) });
        Assert.Null(h.Iface.LinkLocal);
        var arps = Run(h, 70_000);
        Assert.DoesNotContain(arps, a => a.Sender == 0);
        Assert.Equal(Ipv4Address.Make(192, 168, 1, 50), h.Iface.Address);
    }
}
