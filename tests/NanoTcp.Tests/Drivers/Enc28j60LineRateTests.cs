using NanoTcp.Device;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Iface;
using NanoTcp.Sim;
using NanoTcp.Sim.Enc28j60;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Drivers;

/// <summary>
/// The emulated cable at the ENC28J60's line rate, overflow as the driver and the emulator each
/// count it, and the driver draining everything the chip holds in one poll.
/// </summary>
public class Enc28j60LineRateTests
{
    private const long TenMbit = 10_000_000;

    /// <summary>A full frame on 10BASE-T: (8 preamble + 1514 + 4 FCS + 12 gap) × 8 bits = 1230.4 µs.</summary>
    private const int FullFrameUs = 1231;

    [Fact]
    public void FramesFromThePacedCableEnterTheRingOneWireTimeApart()
    {
        var rig = new Enc28j60Rig().Up();
        rig.Chip.LineRateBitsPerSecond = TenMbit;
        long t0 = rig.Chip.NowUs;
        for (int i = 0; i < 3; i++) rig.FromWire(Enc28j60Rig.Frame(1514, i));
        Assert.Equal(0, rig.Chip.PacketCount);            // the first is still on the wire
        Assert.Equal(3, rig.Chip.CableQueued);
        Assert.Equal(t0 + FullFrameUs, rig.Chip.NextCableEventUs);
        rig.Clock.Advance(2);                              // 2 ms: one frame has arrived, the second not yet
        Assert.Equal(1, rig.Chip.PacketCount + rig.Driver.Counters.FramesIn);
        rig.Clock.Advance(2);                              // 4 ms: all three
        var got = rig.Drain();
        Assert.Equal(3, got.Count);
        Assert.Equal(0, rig.Chip.Stats.FramesDroppedOverflow);
    }

    [Fact]
    public void FramesTheChipSendsLeaveThePacedCableAtLineRate()
    {
        var rig = new Enc28j60Rig().Up();
        rig.Chip.LineRateBitsPerSecond = TenMbit;
        rig.Clock.Advance(10);
        Assert.True(rig.Driver.Transmit(Enc28j60Rig.Frame(1514, 1), 0, 1514, rig.NowMs));
        Assert.True(rig.Driver.Transmit(Enc28j60Rig.Frame(1514, 2), 0, 1514, rig.NowMs));
        Assert.Empty(rig.WireFrames());                    // neither has crossed the wire at the same instant
        rig.Clock.Advance(1);
        Assert.Empty(rig.WireFrames());                    // 1 ms < 1.23 ms
        rig.Clock.Advance(1);
        Assert.Single(rig.WireFrames());
        rig.Clock.Advance(1);
        Assert.Single(rig.WireFrames());
    }

    [Fact]
    public void ABurstTheDriverDoesNotReadOverflowsTheRingAndBothSidesCountIt()
    {
        // Interrupt line wired, as on the board; the driver is not polled while the burst arrives.
        var rig = new Enc28j60Rig(useInterrupt: true).Up();
        rig.Chip.LineRateBitsPerSecond = TenMbit;
        for (int i = 0; i < 10; i++) rig.FromWire(Enc28j60Rig.Frame(1514, i));
        rig.Clock.Advance(20);
        Assert.True(rig.Chip.IsAsserted);                  // the cable delivered all ten: the ring took four
        VirtualEnc28j60Stats chip = rig.Chip.Stats;
        Assert.Equal(4, chip.FramesStored);
        Assert.Equal(6, chip.FramesDroppedOverflow);
        Assert.Equal(1, chip.OverflowEpisodes);
        var got = rig.Drain();
        Assert.Equal(4, got.Count);
        Assert.Equal(chip.OverflowEpisodes, rig.Driver.Counters.RxOverflows);

        // A second burst, read this time at the pace it arrives: nothing lost, no new overflow.
        for (int i = 10; i < 20; i++) rig.FromWire(Enc28j60Rig.Frame(1514, i));
        int received = 0;
        for (int ms = 0; ms < 20; ms++)
        {
            rig.Clock.Advance(1);
            while (rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length, rig.NowMs) > 0) received++;
        }
        Assert.Equal(10, received);
        Assert.Equal(6, chip.FramesDroppedOverflow);

        // A third burst not read: a second overflow, seen as such by the driver.
        for (int i = 20; i < 30; i++) rig.FromWire(Enc28j60Rig.Frame(1514, i));
        rig.Clock.Advance(20);
        rig.Drain();
        Assert.Equal(2, chip.OverflowEpisodes);
        Assert.Equal(12, chip.FramesDroppedOverflow);
        Assert.Equal(chip.OverflowEpisodes, rig.Driver.Counters.RxOverflows);
        Assert.True(chip.FramesDroppedOverflow >= rig.Driver.Counters.RxOverflows);
    }

    [Fact]
    public void TheRingTellsWhetherAFrameStillFits()
    {
        var rig = new Enc28j60Rig().Up();
        int stored = 0;
        while (rig.Chip.HasRoomFor(1514))
        {
            rig.FromWire(Enc28j60Rig.Frame(1514, stored++));
        }
        Assert.Equal(4, stored);                           // 6,656 bytes of ring: four full frames
        Assert.True(rig.Chip.HasRoomFor(60));              // a short frame still fits
        Assert.Equal(0, rig.Chip.Stats.FramesDroppedOverflow);
        Assert.Equal(4, rig.Drain().Count);
        Assert.True(rig.Chip.HasRoomFor(1514));
    }

    [Fact]
    public void OnePollDrainsEverythingTheChipHoldsWhenAskedTo()
    {
        // 60 short frames (pings' size) wait in the ring; with RxFramesPerPoll at EPKTCNT's
        // maximum one poll of the interface takes them all; with the default it takes 8.
        foreach (int perPoll in new[] { 255, 8 })
        {
            var rig = new Enc28j60Rig(useInterrupt: true).Up();
            var cfg = new InterfaceConfig { Address = Ipv4Address.Make(192, 168, 7, 50), MacAddress = (byte[])Enc28j60Rig.Mac.Clone(), RxFramesPerPoll = perPoll };
            var iface = new NetInterface(rig.Driver, cfg, null);
            for (int i = 0; i < 60; i++) rig.FromWire(Enc28j60Rig.Frame(60, i));
            Assert.Equal(60, rig.Chip.PacketCount);
            rig.Clock.Advance(1);
            int frames = iface.Poll(rig.NowMs);
            Assert.Equal(perPoll == 255 ? 60 : 8, frames);
            Assert.Equal(60 - frames, rig.Chip.PacketCount);
        }
    }
}
