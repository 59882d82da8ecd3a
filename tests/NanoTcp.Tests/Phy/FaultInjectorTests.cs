using NanoTcp.Phy;

namespace NanoTcp.Tests.Phy;

public class FaultInjectorTests
{
    private static byte[] Frame(int id) { var f = new byte[60]; f[0] = (byte)id; f[1] = (byte)(id >> 8); return f; }
    private static int Id(byte[] f) => f[0] | (f[1] << 8);

    private static List<int> Pump(FaultInjector fi, MemoryLink link, int frames, long step = 1)
    {
        var got = new List<int>();
        var rx = new byte[1514];
        long now = 0;
        for (int i = 0; i < frames; i++)
        {
            fi.Transmit(Frame(i), 0, 60, now);
            now += step;
            fi.Receive(rx, 0, rx.Length, now); // pumps delayed transmit frames
            while (link.B.Receive(rx, 0, rx.Length, now) > 0) got.Add(Id(rx));
        }
        for (int k = 0; k < 1000; k++)
        {
            now += 10;
            fi.Receive(rx, 0, rx.Length, now);
            while (link.B.Receive(rx, 0, rx.Length, now) > 0) got.Add(Id(rx));
        }
        return got;
    }

    [Fact]
    public void CleanPassesEverythingInOrder()
    {
        var link = new MemoryLink(64, 1514);
        var fi = new FaultInjector(link.A, 1);
        Assert.Equal(Enumerable.Range(0, 500), Pump(fi, link, 500));
    }

    [Fact]
    public void QueuesReservedLaterPassFramesStraightThroughUntilAFaultNeedsThem()
    {
        var link = new MemoryLink(64, 1514);
        var fi = new FaultInjector(link.A, 1, 4, 1, false);
        Assert.False(fi.QueuesReserved);
        Assert.Equal(0, fi.FootprintBytes);
        Assert.Equal(long.MaxValue, fi.NextDueMs);
        Assert.Equal(Enumerable.Range(0, 100), Pump(fi, link, 100));
        Assert.False(fi.QueuesReserved);

        fi.DelayMs = 30; // the first delayed frame reserves them
        Assert.Equal(Enumerable.Range(0, 3), Pump(fi, link, 3, step: 20));
        Assert.True(fi.QueuesReserved);
        Assert.Equal(fi.QueueBytes, fi.FootprintBytes);
        Assert.Equal(new FaultInjector(link.A, 1, 4, 1).FootprintBytes, fi.FootprintBytes);
    }

    [Fact]
    public void AReceiveSideWithItsFaultsOffPassesABurstStraightOnWhileTransmitsAreDelayed()
    {
        // As two stacks use it: faults (a delay among them) on what each end transmits, none on what it
        // receives. A burst of received frames must all arrive; a receive queue sized for one frame once
        // kept the first and lost the rest.
        var link = new MemoryLink(16, 1514);
        var fi = new FaultInjector(link.B, 1, 16, 1, false) { DelayMs = 1, FaultsOnReceive = false };
        for (int i = 0; i < 5; i++) link.A.Transmit(Frame(i), 0, 60, 0);
        var rx = new byte[1514];
        var got = new List<int>();
        for (long now = 0; now < 5; now++)
        {
            while (fi.Receive(rx, 0, rx.Length, now) > 0) got.Add(Id(rx));
        }
        Assert.Equal(Enumerable.Range(0, 5), got);
        Assert.Equal(0, fi.Overflowed);
        Assert.False(fi.QueuesReserved, "nothing to queue on the receive side");
    }

    [Fact]
    public void DelayedFramesTheDeviceRefusesAreLostAndCounted()
    {
        var link = new MemoryLink(2, 1514); // the wire holds two frames
        var fi = new FaultInjector(link.A, 1, 8, 1, false) { DelayMs = 1, FaultsOnReceive = false };
        for (int i = 0; i < 5; i++) fi.Transmit(Frame(i), 0, 60, 0);
        Assert.Equal(0, fi.Overflowed);
        fi.Receive(new byte[1514], 0, 1514, 1); // all five are due: two find room
        Assert.Equal(3, fi.Overflowed);
        Assert.Equal(2, link.PendingAtB);
    }

    [Fact]
    public void LossRateIsNearTheSettingAndSeedReproducesTheRun()
    {
        List<int> Run(uint seed)
        {
            var link = new MemoryLink(64, 1514);
            var fi = new FaultInjector(link.A, seed) { DropPerMille = 200 };
            return Pump(fi, link, 5000);
        }
        var a = Run(42);
        Assert.InRange(a.Count, 3700, 4300);
        Assert.Equal(a, Run(42));
        Assert.NotEqual(a, Run(43));
    }

    [Fact]
    public void DuplicationReorderAndDelay()
    {
        var link = new MemoryLink(64, 1514);
        var fi = new FaultInjector(link.A, 7) { DuplicatePerMille = 100, ReorderPerMille = 100 };
        var got = Pump(fi, link, 2000);
        Assert.Equal(Enumerable.Range(0, 2000), got.Distinct().OrderBy(x => x)); // nothing lost
        Assert.True(got.Count > 2100);                                           // some twice
        Assert.Contains(got.Zip(got.Skip(1)), p => p.Second < p.First);        // some out of order
        Assert.True(fi.Duplicated > 0 && fi.Reordered > 0);

        var link2 = new MemoryLink(64, 1514);
        var slow = new FaultInjector(link2.A, 7) { DelayMs = 50 };
        var rx = new byte[1514];
        slow.Transmit(Frame(1), 0, 60, 0);
        slow.Receive(rx, 0, rx.Length, 49);
        Assert.Equal(0, link2.PendingAtB);
        slow.Receive(rx, 0, rx.Length, 50);
        Assert.Equal(1, link2.PendingAtB);
    }

    private sealed class Every3rd : IFrameFilter
    {
        public bool Matches(byte[] frame, int offset, int length) => frame[offset] % 3 == 0;
    }

    [Fact]
    public void TargetedDropsTakeOnlyMatchingFramesAndOnlyAsManyAsAsked()
    {
        var link = new MemoryLink(64, 1514);
        var fi = new FaultInjector(link.A, 7) { DropFilter = new Every3rd(), TargetedDrops = 2 };
        var got = Pump(fi, link, 10);
        Assert.Equal(new[] { 1, 2, 4, 5, 6, 7, 8, 9 }, got);
    }

    [Fact]
    public void CorruptionFlipsBitsOnReceiveToo()
    {
        var link = new MemoryLink(64, 1514);
        var fi = new FaultInjector(link.B, 3) { CorruptPerMille = 1000 };
        var rx = new byte[1514];
        var ipv4 = new byte[60]; ipv4[12] = 0x08;
        link.A.Transmit(ipv4, 0, 60, 0);
        Assert.Equal(60, fi.Receive(rx, 0, rx.Length, 0));
        Assert.Equal(1, rx.Skip(14).Take(46).Sum(b => System.Numerics.BitOperations.PopCount(b)));
        Assert.Equal(0x08, rx[12]); // the Ethernet header is left alone
        // ARP (no checksum of its own) is never corrupted: the Ethernet FCS would have dropped it.
        var arp = new byte[60]; arp[12] = 0x08; arp[13] = 0x06;
        link.A.Transmit(arp, 0, 60, 0);
        Assert.Equal(60, fi.Receive(rx, 0, rx.Length, 0));
        Assert.Equal(arp, rx.Take(60).ToArray());
    }
}
