using Xunit;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Trace;

namespace NanoTcp.Tests.Drivers;

/// <summary>
/// Every recovery path, each shown twice: with the recovery the traffic keeps flowing; with
/// that one recovery switched off (Enc28j60Options.Recovery) the same scenario fails.
/// </summary>
public class Enc28j60RecoveryTests
{
    private static Enc28j60Rig Rig(bool enabled, Enc28j60Recovery which, bool useInterrupt = false) =>
        new Enc28j60Rig(o => o.Recovery = enabled ? Enc28j60Recovery.All : Enc28j60Recovery.All & ~which, useInterrupt).Up();

    // ---------------------------------------------------------------- receive-buffer overflow

    /// <summary>
    /// A firmware loop woken by the INT pin's falling edge (the usual Arduino/ESP32 pattern):
    /// it drains the driver only when a new interrupt edge appeared.
    /// </summary>
    private static int EdgeDrivenLoop(Enc28j60Rig rig, ref long seenEdges)
    {
        int received = 0;
        if (rig.Chip.Stats.InterruptAssertions != seenEdges)
        {
            seenEdges = rig.Chip.Stats.InterruptAssertions;
            received += rig.Drain().Count;
            // Give the driver's status check its turn before going back to sleep.
            rig.Clock.Advance(rig.Options.StatusIntervalMs + 1);
            received += rig.Drain().Count;
        }
        return received;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OverflowUnderABurstIsClearedAndTheBoardDoesNotGoDeaf(bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.RxOverflow, useInterrupt: true);
        long edges = 0;

        // A burst of 12 full-size frames into a 6.5 KB ring: 4 fit, the rest overflow.
        for (int i = 0; i < 12; i++)
        {
            rig.FromWire(Enc28j60Rig.Frame(1514, i));
        }
        Assert.True(rig.Chip.Stats.FramesDroppedOverflow > 0);
        Assert.Equal(4, EdgeDrivenLoop(rig, ref edges));
        Assert.Equal(1, rig.Driver.Counters.RxOverflows);

        // Afterwards, does the board still hear anything?
        int later = 0;
        for (int i = 0; i < 5; i++)
        {
            rig.FromWire(Enc28j60Rig.Frame(200, 100 + i));
            later += EdgeDrivenLoop(rig, ref edges);
        }

        if (recovery)
        {
            Assert.Equal(5, later);
            Assert.Equal(1, rig.Driver.Counters.RxOverflowRecoveries);
            Assert.Contains("enc28j60 rx-overflow recovered", rig.DriverLines());
            Assert.Equal(1, rig.Sink.Drops(DropReason.DriverRxOverflow));
            Assert.False(rig.Chip.IsAsserted);
        }
        else
        {
            // RXERIF never cleared: INT stays asserted, no new edge, the loop never wakes.
            Assert.Equal(0, later);
            Assert.True(rig.Chip.IsAsserted);
        }
    }

    [Fact]
    public void OverflowInPollingModeKeepsThePacketsAlreadyInTheRing()
    {
        var rig = new Enc28j60Rig().Up();
        for (int i = 0; i < 10; i++)
        {
            rig.FromWire(Enc28j60Rig.Frame(1000, i));
        }
        var got = rig.Drain();
        Assert.Equal(6, got.Count);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal(Enc28j60Rig.Frame(1000, i), got[i]);
        }
        Assert.Equal(0, rig.Chip.Peek(0, NanoTcp.Sim.Enc28j60.Enc28j60Map.EIR) & 0x01);
        Assert.Equal(0, rig.Chip.Peek(0, NanoTcp.Sim.Enc28j60.Enc28j60Map.ESTAT) & 0x40);
        rig.FromWire(Enc28j60Rig.Frame(1000, 50));
        Assert.NotNull(rig.ReceiveOne());
        Assert.Equal(0, rig.Driver.Counters.Reinits);
    }

    // ---------------------------------------------------------------- errata: even ERXRDPT

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OddReceiveReadPointerKeepsTheRingIntact(bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.OddRxReadPointer);
        int received = 0;
        const int n = 200;
        for (int i = 0; i < n; i++)
        {
            var f = Enc28j60Rig.Frame(60 + i * 31 % 1400, i);
            rig.FromWire(f);
            var got = rig.ReceiveOne();
            if (got != null && got.AsSpan(0, f.Length).SequenceEqual(f))
            {
                received++;
            }
        }

        if (recovery)
        {
            Assert.Equal(n, received);
            Assert.Equal(0, rig.Chip.Stats.EvenReadPointerWrites);
            Assert.Equal(0, rig.Chip.Stats.CorruptedPackets);
            Assert.Equal(0, rig.Driver.Counters.Reinits);
        }
        else
        {
            Assert.True(rig.Chip.Stats.CorruptedPackets > 0);
            Assert.True(received < n / 2, "received " + received);
            Assert.True(rig.Driver.Counters.Reinits > 0);
        }
    }

    // ---------------------------------------------------------------- errata: late collision

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LateCollisionIsRetransmitted(bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.TxLateCollisionRetry);
        rig.Chip.LateCollisions = 3;
        var f = Enc28j60Rig.Frame(600, 7, dst: Enc28j60Rig.PeerMac);
        Assert.True(rig.Send(f));
        rig.Settle();
        var wire = rig.WireFrames();

        Assert.True(rig.Driver.Counters.TxLateCollisions >= 1);
        if (recovery)
        {
            Assert.Single(wire);
            Assert.Equal(f, wire[0]);
            Assert.Equal(3, rig.Driver.Counters.TxLateCollisions);
            Assert.Equal(3, rig.Driver.Counters.TxRetries);
            Assert.Equal(0, rig.Driver.Counters.TxFailed);
            Assert.Contains("enc28j60 tx late-collision retry 2", rig.DriverLines());
        }
        else
        {
            Assert.Empty(wire);
            Assert.Equal(1, rig.Driver.Counters.TxFailed);
        }
    }

    [Fact]
    public void LateCollisionRetriesAreBounded()
    {
        var rig = new Enc28j60Rig(o => o.MaxTxAttempts = 4).Up();
        rig.Chip.LateCollisions = 100;
        rig.Send(Enc28j60Rig.Frame(600, 1, dst: Enc28j60Rig.PeerMac));
        rig.Settle();
        Assert.Empty(rig.WireFrames());
        Assert.Equal(4, rig.Driver.Counters.TxLateCollisions);
        Assert.Equal(1, rig.Driver.Counters.TxFailed);
        rig.Chip.LateCollisions = 0;
        rig.Send(Enc28j60Rig.Frame(600, 2, dst: Enc28j60Rig.PeerMac));
        rig.Settle();
        Assert.Single(rig.WireFrames());
    }

    // ---------------------------------------------------------------- errata: TX stall after abort

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TransmitLogicIsResetAfterAnAbort(bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.TxResetAfterAbort);
        rig.Chip.StallAfterAbort = true;
        rig.Chip.LateCollisions = 1;
        for (int i = 0; i < 5; i++)
        {
            Assert.True(rig.Send(Enc28j60Rig.Frame(300, i, dst: Enc28j60Rig.PeerMac)));
        }
        rig.Settle();
        var wire = rig.WireFrames();

        if (recovery)
        {
            Assert.Equal(5, wire.Count);
            Assert.True(rig.Driver.Counters.TxResets >= 1);
            Assert.Equal(0, rig.Driver.Counters.TxStalls);
        }
        else
        {
            Assert.Empty(wire);
            Assert.True(rig.Driver.Counters.TxStalls > 0);
            Assert.True(rig.Chip.Stats.StalledTransmitAttempts > 0);
        }
    }

    [Fact]
    public void AStalledTransmissionIsCancelledAndTheTransmitterReset()
    {
        var rig = new Enc28j60Rig().Up();
        rig.Chip.TxBusyTransactions = int.MaxValue; // never ends by itself
        rig.Send(Enc28j60Rig.Frame(300, 1, dst: Enc28j60Rig.PeerMac));
        rig.Chip.TxBusyTransactions = 0;
        rig.Send(Enc28j60Rig.Frame(300, 2, dst: Enc28j60Rig.PeerMac));
        rig.Settle();
        Assert.True(rig.Driver.Counters.TxStalls >= 1);
        Assert.True(rig.Driver.Counters.TxResets >= 1);
        Assert.Contains(rig.WireFrames(), w => w[17] == 2);
        Assert.Contains("enc28j60 tx stall", rig.DriverLines());
    }

    // ---------------------------------------------------------------- watchdog

    [Theory]
    [InlineData(0xFF, true)]
    [InlineData(0xFF, false)]
    [InlineData(0x00, true)]
    [InlineData(0x00, false)]
    public void AChipThatStopsAnsweringIsReinitialised(byte miso, bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.Watchdog);
        rig.FromWire(Enc28j60Rig.Frame(100, 1));
        Assert.NotNull(rig.ReceiveOne());

        rig.Chip.SetUnresponsive(miso);
        for (int i = 0; i < 5; i++)
        {
            rig.Clock.Advance(20);
            rig.ReceiveOne();
        }

        int received = 0;
        for (int i = 0; i < 5; i++)
        {
            rig.FromWire(Enc28j60Rig.Frame(100, 10 + i));
            rig.Clock.Advance(20);
            received += rig.Drain().Count;
        }

        if (recovery)
        {
            Assert.Equal(5, received);
            Assert.True(rig.Driver.Counters.Reinits >= 1);
            Assert.Contains(rig.DriverLines(), l => l.StartsWith("enc28j60 reinit ("));
            Assert.True(rig.Driver.IsRunning);
        }
        else
        {
            Assert.Equal(0, received);
            Assert.Equal(0, rig.Driver.Counters.Reinits);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABrownOutThatWipesTheConfigurationIsDetected(bool recovery)
    {
        var rig = Rig(recovery, Enc28j60Recovery.Watchdog);
        rig.Chip.BrownOut();
        int received = 0;
        for (int i = 0; i < 5; i++)
        {
            rig.Clock.Advance(20);
            rig.ReceiveOne();
            rig.FromWire(Enc28j60Rig.Frame(100, i));
            received += rig.Drain().Count;
        }
        if (recovery)
        {
            Assert.True(received >= 4);
            Assert.Contains("enc28j60 reinit (configuration-lost)", rig.DriverLines());
        }
        else
        {
            Assert.Equal(0, received);
        }
    }

    [Fact]
    public void ADeadChipIsRetriedAtTheReinitIntervalWithoutThrowing()
    {
        var rig = new Enc28j60Rig(o => o.ReinitIntervalMs = 1000).Up();
        rig.Chip.RecoverOnReset = false;
        rig.Chip.SetUnresponsive(0xFF);
        rig.Clock.Advance(20);
        rig.ReceiveOne();
        Assert.False(rig.Driver.IsRunning);
        long failures = rig.Driver.Counters.InitFailures;
        for (int i = 0; i < 50; i++)
        {
            rig.Clock.Advance(10);
            Assert.Null(rig.ReceiveOne());
            Assert.False(rig.Send(Enc28j60Rig.Frame(60, i, dst: Enc28j60Rig.PeerMac)));
        }
        Assert.InRange(rig.Driver.Counters.InitFailures - failures, 0, 1);
        rig.Chip.RecoverOnReset = true;
        rig.Clock.Advance(1000);
        rig.ReceiveOne();
        Assert.True(rig.Driver.IsRunning);
    }

    // ---------------------------------------------------------------- link

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LinkChangesAreSeen(bool useInterrupt)
    {
        var rig = new Enc28j60Rig(useInterrupt: useInterrupt).Up();
        rig.ReceiveOne();
        Assert.True(rig.Driver.LinkUp);

        rig.Chip.SetLink(false);
        if (useInterrupt)
        {
            Assert.True(rig.Chip.IsAsserted);
            rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length, rig.NowMs); // same millisecond: the line is enough
        }
        else
        {
            rig.Clock.Advance(rig.Options.StatusIntervalMs);
            rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length, rig.NowMs);
        }
        Assert.False(rig.Driver.LinkUp);
        Assert.False(rig.Chip.IsAsserted); // PHIR read cleared LINKIF

        rig.Chip.SetLink(true);
        rig.Clock.Advance(rig.Options.StatusIntervalMs);
        rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length, rig.NowMs);
        Assert.True(rig.Driver.LinkUp);
        Assert.Equal(2, rig.Driver.Counters.LinkChanges);
        var lines = rig.DriverLines().ToList();
        Assert.Contains("enc28j60 phy link down", lines);
        Assert.Equal("enc28j60 phy link up", lines[^1]);
    }
}
