using NanoTcp.Iface;
using NanoTcp.Tests.Support;
using NanoTcp.Wire;
using static NanoTcp.Tests.Support.Host;

namespace NanoTcp.Tests.Iface;

/// <summary>
/// IPv4 identification (RFC 6864, RFC 7739): no counter shared between destinations, so that what
/// one host sees tells it nothing about the board's traffic to others (no idle-scan zombie).
/// </summary>
public class Ipv4IdentificationTests
{
    private static readonly uint OtherIp = Ipv4Address.Make(192, 168, 7, 11);
    private static readonly byte[] OtherMac = { 0x02, 0, 0, 0, 0, 0x11 };

    private static Host TwoPeers()
    {
        var h = new Host();
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
        h.Exchange(Frames.Arp(ArpPacket.OpRequest, OtherMac, OtherIp, MacAddress.Zero, StackIp));
        return h;
    }

    private static int Id(byte[] frame) => Ipv4Packet.Identification(frame, 14);

    [Fact]
    public void AtomicDatagramsCarryRandomIdentificationsThatShareNoSequenceAcrossDestinations()
    {
        var h = TwoPeers();
        var all = new List<int>();
        var toPeer = new List<int>();
        var toOther = new List<int>();
        for (int i = 0; i < 200; i++)
        {
            bool peer = i % 2 == 0;
            h.Iface.SendPing(peer ? PeerIp : OtherIp, 1, i, 8, h.Now);
            byte[] f = Assert.Single(h.Drain());
            Assert.True(Ipv4Packet.DontFragment(f, 14));
            all.Add(Id(f));
            (peer ? toPeer : toOther).Add(Id(f));
        }
        // A global counter would make every datagram's identification the previous one's plus one,
        // whoever it went to; a per-destination counter would do so for each destination.
        static int Steps(List<int> ids) => ids.Zip(ids.Skip(1), (a, b) => (b - a) & 0xFFFF).Count(d => d is >= 1 and <= 3);
        Assert.True(Steps(all) <= 2, $"{Steps(all)} small steps in the interleaved sequence");
        Assert.True(Steps(toPeer) <= 2, $"{Steps(toPeer)} small steps towards one destination");
        Assert.True(Steps(toOther) <= 2, $"{Steps(toOther)} small steps towards the other");
        Assert.True(all.Distinct().Count() > 190, "not random: " + all.Distinct().Count() + " distinct values in 200");
    }

    [Fact]
    public void FragmentedDatagramsCountPerDestinationAndEachDestinationSeesOnlyItsOwn()
    {
        var h = TwoPeers();
        var peerIds = new List<int>();
        var otherIds = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            bool peer = i % 2 == 0;
            foreach (byte[] f in FragmentedPing(peer ? PeerMac : OtherMac, h.StackMac, peer ? PeerIp : OtherIp, StackIp, 100 + i))
            {
                h.Send(f);
            }
            h.Poll();
            var reply = h.Drain();
            Assert.Equal(2, reply.Count);                               // the reply, in two fragments
            Assert.Equal(Id(reply[0]), Id(reply[1]));                    // one identification per datagram
            Assert.True(Ipv4Packet.IsFragment(reply[0], 14));
            (peer ? peerIds : otherIds).Add(Id(reply[0]));
        }
        // Unique per destination: each destination's datagrams count up by one...
        Assert.Equal(Enumerable.Range(0, 3).Select(k => (peerIds[0] + k) & 0xFFFF), peerIds);
        Assert.Equal(Enumerable.Range(0, 3).Select(k => (otherIds[0] + k) & 0xFFFF), otherIds);
        // ...and the other destination's datagrams in between did not move that count.
        Assert.DoesNotContain(otherIds[0], Enumerable.Range(1, 4).Select(k => (peerIds[0] + k) & 0xFFFF));
    }

    [Fact]
    public void TwoBoardsWithTheSameSeedDoNotDrawTheSameIdentifications()
    {
        List<int> Draw(byte last)
        {
            var cfg = new InterfaceConfig { Address = StackIp, MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, last }, Seed = 7 };
            var h = new Host(cfg);
            h.Exchange(Frames.Arp(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, StackIp));
            var ids = new List<int>();
            for (int i = 0; i < 5; i++)
            {
                h.Iface.SendPing(PeerIp, 1, i, 8, h.Now);
                ids.Add(Id(Assert.Single(h.Drain())));
            }
            return ids;
        }
        Assert.NotEqual(Draw(1), Draw(2));
    }

    /// <summary>An echo request of 2000 bytes in two fragments.</summary>
    private static IEnumerable<byte[]> FragmentedPing(byte[] srcMac, byte[] dstMac, uint src, uint dst, int id)
    {
        var icmp = new byte[2008];
        for (int i = 8; i < icmp.Length; i++) icmp[i] = (byte)i;
        IcmpPacket.WriteHeaderAndChecksum(icmp, 0, IcmpPacket.TypeEchoRequest, 0, 0x4242, id, 2000);
        foreach (var (offset, length, more) in new[] { (0, 1480, true), (1480, 528, false) })
        {
            var f = new byte[14 + 20 + length];
            EthernetFrame.WriteHeader(f, 0, dstMac, 0, srcMac, EtherType.Ipv4);
            Ipv4Packet.WriteFragmentHeader(f, 14, src, dst, IpProtocol.Icmp, length, id, 64, offset, more);
            Array.Copy(icmp, offset, f, 34, length);
            yield return f;
        }
    }
}
