using System.Diagnostics;
using NanoTcp.Scenarios;
using NanoTcp.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Tcp;

/// <summary>The big transfers and the allocation budget: too slow for the device suite, run on the host.</summary>
public class TcpTransferTests
{
    private readonly ITestOutputHelper _out;

    public TcpTransferTests(ITestOutputHelper output)
    {
        _out = output;
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(20261121u)]
    public void EightMegabytesEachWayThroughLossDuplicationAndReordering(uint seed)
    {
        var c = new TcpConfig { RtoMinMs = 200, SendBufferSize = 16384, ReceiveBufferSize = 16384 };
        var s = new TwoStacks(c, c, seed);
        s.SetFaults(dropPerMille: 100, duplicatePerMille: 50, reorderPerMille: 50, corruptPerMille: 5, delayMs: 1);
        var t = new BulkTransfer(s);
        var rec = new TraceRecorder(4000);
        s.TracerA.Sink = rec;
        s.TracerA.Level = NanoTcp.Trace.TraceLevel.Segments;
        var sw = Stopwatch.StartNew();
        bool ok = t.Run(80, 8L * 1024 * 1024, 24L * 3600 * 1000);
        sw.Stop();
        _out.WriteLine($"{sw.ElapsedMilliseconds} ms real, {s.Now} ms virtual, dropped {s.FaultsA.Dropped + s.FaultsB.Dropped}, " +
            $"duplicated {s.FaultsA.Duplicated + s.FaultsB.Duplicated}, reordered {s.FaultsA.Reordered + s.FaultsB.Reordered}, corrupted {s.FaultsA.Corrupted + s.FaultsB.Corrupted}, " +
            $"segments {s.A.SegmentsOut}/{s.B.SegmentsOut}, retransmits {s.A.GetConnection(t.HandleA)?.Retransmits}/{s.B.GetConnection(t.HandleB)?.Retransmits}");
        Assert.True(ok, t.Error + rec.Tail(400));
        Assert.Equal(8L * 1024 * 1024, t.ReceivedA);
        Assert.Equal(8L * 1024 * 1024, t.ReceivedB);
        double dropRate = (double)(s.FaultsA.Dropped + s.FaultsB.Dropped) / (s.A.SegmentsOut + s.B.SegmentsOut);
        Assert.InRange(dropRate, 0.07, 0.13);
        Assert.True(s.FaultsA.Duplicated + s.FaultsB.Duplicated > 1000);
        Assert.True(s.FaultsA.Reordered + s.FaultsB.Reordered > 1000);
    }

    [Fact]
    public void BulkTransferAllocatesNothingPerSegment()
    {
        var c = new TcpConfig { RtoMinMs = 200 };
        var s = new TwoStacks(c, c, 7);
        var t = new BulkTransfer(s);
        // Warm up to a steady state: handshake, ARP, every code path of a bulk transfer JIT-compiled and tiered up.
        Assert.True(t.Run(80, 8L * 1024 * 1024, 24L * 3600 * 1000), t.Error);
        s.A.Close(t.HandleA);
        s.B.Close(t.HandleB);
        for (int i = 0; i < 100; i++) { s.Poll(); s.Now++; }

        var t2 = new BulkTransfer(s);
        int l = s.B.Listen(81);
        t2.HandleA = s.A.Connect(TwoStacks.AddressB, 81, 0);
        t2.HandleB = s.RunUntilAccept(l, 10000);
        Assert.True(t2.HandleB >= 0);
        int segmentsBefore = s.A.SegmentsOut + s.B.SegmentsOut;
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = t2.Pump(8L * 1024 * 1024, 24L * 3600 * 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        int segments = s.A.SegmentsOut + s.B.SegmentsOut - segmentsBefore;
        _out.WriteLine($"{segments} segments, {allocated} bytes allocated");
        Assert.True(ok, t2.Error);
        Assert.True(segments >= 10000, "segments: " + segments);
        Assert.Equal(0, allocated);
    }
}

public class TcpFootprintTests
{
    [Fact]
    public void DefaultConfigurationFitsIn36KilobytesWithFrameBuffers()
    {
        var iface = new NanoTcp.Iface.NetInterface(new NanoTcp.Phy.MemoryLink().A, new NanoTcp.Iface.InterfaceConfig { Address = 0x0A000001 }, null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var tcp = new TcpStack(new TcpConfig(), iface, null);
        long measured = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(tcp.StaticFootprintBytes + iface.FootprintBytes <= 36 * 1024, "footprint " + (tcp.StaticFootprintBytes + iface.FootprintBytes));
        // The estimate is not below what .NET (16-byte object headers) actually allocates.
        Assert.True(tcp.StaticFootprintBytes >= measured, $"estimate {tcp.StaticFootprintBytes} < measured {measured}");
    }
}

public class TcpStressTests
{
    /// <summary>
    /// Many seeds and configurations (rings from 1000 bytes to 30 KB, Nagle on/off, delayed ACK 0-200 ms,
    /// 0-20% loss, duplication, reordering, corruption, delay): every transfer completes byte-exact and
    /// the cross-stack invariant (nobody receives beyond the other's SND.MAX) holds. This found the
    /// fast-retransmit overrun and the lost-window-update stall.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TransfersSurviveEveryCombination(int batch)
    {
        for (uint seed = (uint)(batch * 15 + 1); seed <= (uint)(batch * 15 + 15); seed++)
        {
            var c = new TcpConfig
            {
                RtoMinMs = 200,
                // Faults act on both sides of each device: 20 % per side is about 36 % per frame, so a
                // retransmission goes unanswered 64 % of the time and eight in a row (MaxRetries' default)
                // happen often enough to end a transfer legitimately. This test is about correctness.
                MaxRetries = 15,
                DelayedAckMs = (int)(seed % 3) * 100,
                Nagle = seed % 2 == 0,
                SendBufferSize = seed % 4 == 0 ? 2048 : (seed % 4 == 1 ? 8192 : 30000),
                ReceiveBufferSize = seed % 5 == 0 ? 1000 : (seed % 5 == 1 ? 3000 : 16384),
            };
            var s = new TwoStacks(c, c, seed * 2654435761u);
            s.SetFaults((int)(seed % 3) * 100, 50, 80, 20, (int)(seed % 4));
            var t = new BulkTransfer(s);
            Assert.True(t.Run(80, 256 * 1024, 24L * 3600 * 1000), $"seed {seed}: {t.Error}");
        }
    }
}

public class TcpLifecycleStressTests
{
    /// <summary>
    /// Connection after connection over a lossy link (10% loss, duplication, reordering, corruption),
    /// each with data both ways, then closed in turn server-first, simultaneously, or by a client abort;
    /// 2MSL shortened to 4 s: every connection
    /// completes, and at the end every slot on both stacks is free again (FIN retransmission,
    /// LAST-ACK, TIME-WAIT, TIME-WAIT reuse all work under loss).
    /// </summary>
    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(3u)]
    public void ManyConnectionsOpenTransferCloseAndFreeTheirSlots(uint seed)
    {
        var c = new TcpConfig { RtoMinMs = 200, MslMs = 2000, DelayedAckMs = 100 };
        var s = new TwoStacks(c, c, seed * 7919);
        s.SetFaults(100, 50, 80, 20, 1);
        int l = s.B.Listen(80);
        for (int round = 0; round < 25; round++)
        {
            var t = new BulkTransfer(s);
            Assert.True(t.Run2(l, 2000 + round * 300, 24L * 3600 * 1000), $"round {round}: {t.Error}");
            switch (round % 3)
            {
                case 0: // the server closes first, the client a little later
                    s.B.Close(t.HandleB);
                    for (int i = 0; i < 3; i++) { s.Poll(); s.Advance(10); }
                    s.A.Close(t.HandleA);
                    break;
                case 1: // both at once
                    s.A.Close(t.HandleA);
                    s.B.Close(t.HandleB);
                    break;
                default: // the client aborts (RST), the server closes
                    s.A.Abort(t.HandleA);
                    s.B.Close(t.HandleB);
                    break;
            }
            for (int i = 0; i < 20; i++) { s.Poll(); s.Advance(100); }
        }
        for (int i = 0; i < 2000; i++) { s.Poll(); s.Advance(1000); }
        for (int i = 0; i < 4; i++)
        {
            Assert.False(s.A.ConnectionAt(i).IsInUse, $"A slot {i}: {TcpStates.Name(s.A.ConnectionAt(i).CurrentState)}");
            Assert.False(s.B.ConnectionAt(i).IsInUse, $"B slot {i}: {TcpStates.Name(s.B.ConnectionAt(i).CurrentState)}");
        }
    }
}
