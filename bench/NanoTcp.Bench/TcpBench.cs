using System.Diagnostics;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Scenarios;
using NanoTcp.Tcp;

namespace NanoTcp.Bench;

/// <summary>
/// TCP on this machine: static footprint of the default and large configurations, then bulk
/// transfers between two complete stacks (NetInterface + TcpStack) over a MemoryLink: MB/s of
/// payload (both directions together), ns per segment, bytes allocated per segment.
/// Run: dotnet run -c Release --project bench/NanoTcp.Bench -- tcp [megabytes each way, default 32] [seeds, default 31]
/// </summary>
public static class TcpBench
{
    public static int Run(string[] args)
    {
        long mb = args.Length > 0 && long.TryParse(args[0], out long m) ? m : 32;
        int runs = args.Length > 1 && int.TryParse(args[1], out int r) && r > 0 ? r : 31;
        Footprint("default TcpConfig (4 connections, 2 listeners, 2 KB rings)", new TcpConfig());
        Footprint("large TcpConfig (64 KB rings)", Large());
        Console.WriteLine();
        Bulk("default, clean link", new TcpConfig(), mb, 0);
        Bulk("large (64 KB rings), clean link", Large(), mb, 0);
        Bulk("default, 10% loss 5% dup 5% reorder", Lossy(new TcpConfig()), Math.Max(1, mb / 8), 100);
        Bulk("large, 10% loss 5% dup 5% reorder", Lossy(Large()), Math.Max(1, mb / 8), 100);
        // One seed is one path through the losses: RTO back-off runs make single figures vary a lot.
        Seeds("default, 10% loss, 1 MB each way", () => Lossy(new TcpConfig()), runs);
        Seeds("large, 10% loss, 1 MB each way", () => Lossy(Large()), runs);
        return 0;
    }

    /// <summary>
    /// Virtual time of a 1 MB transfer each way through 10 % loss, 5 % duplication and 5 % reordering,
    /// over many seeds (31 by default): runs of RTO back-off make the median of a handful swing by half.
    /// </summary>
    private static void Seeds(string name, Func<TcpConfig> config, int runs)
    {
        var seconds = new List<double>();
        long overflowed = 0;
        for (int seed = 1; seed <= runs; seed++)
        {
            var s = new TwoStacks(config(), config(), (uint)seed);
            s.SetFaults(100, 50, 50, 0, 1);
            bool ok = new BulkTransfer(s).Run(80, 1 << 20, long.MaxValue / 4);
            seconds.Add(ok ? s.Now / 1000.0 : double.NaN);
            overflowed += s.FaultsA.Overflowed + s.FaultsB.Overflowed;
        }
        seconds.Sort();
        Console.WriteLine($"{name,-40} virtual seconds over {runs} seeds: min {seconds[0]:F1}, median {seconds[runs / 2]:F1}, "
            + $"mean {seconds.Average():F1}, max {seconds[runs - 1]:F1}; frames the link's queues could not hold: {overflowed:N0}");
    }

    private static TcpConfig Large() => new TcpConfig { SendBufferSize = 65536, ReceiveBufferSize = 65535 };

    private static TcpConfig Lossy(TcpConfig c)
    {
        c.RtoMinMs = 200;
        return c;
    }

    private static void Footprint(string name, TcpConfig config)
    {
        var iface = new NetInterface(new MemoryLink().A, new InterfaceConfig { Address = 0x0A000001 }, null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var tcp = new TcpStack(config, iface, null);
        long measured = GC.GetAllocatedBytesForCurrentThread() - before;
        int total = tcp.StaticFootprintBytes + iface.FootprintBytes;
        Console.WriteLine($"footprint, {name}: tcp {tcp.StaticFootprintBytes:N0} (measured on .NET: {measured:N0}) + interface (frame buffers, ARP, UDP) {iface.FootprintBytes:N0} = {total:N0} bytes");
    }

    private static void Bulk(string name, TcpConfig config, long megabytes, int lossPerMille)
    {
        // Warm-up (JIT, ARP) on a fresh pair, then the measured run on another.
        var warm = new TwoStacks(config, config, 3);
        new BulkTransfer(warm).Run(80, 1 << 20, long.MaxValue / 4);

        var s = new TwoStacks(config, config, 11);
        if (lossPerMille > 0)
        {
            s.SetFaults(lossPerMille, 50, 50, 0, 1);
            s.FaultsA.ReserveTransmit(); // the injectors' queues are the link's, not the stacks' allocation
            s.FaultsB.ReserveTransmit();
        }
        var t = new BulkTransfer(s);
        long bytes = megabytes << 20;
        var sw = new Stopwatch();
        long alloc0 = GC.GetAllocatedBytesForCurrentThread();
        sw.Start();
        bool ok = t.Run(80, bytes, long.MaxValue / 4);
        sw.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        long segments = s.A.SegmentsOut + s.B.SegmentsOut;
        double seconds = sw.Elapsed.TotalSeconds;
        double mbs = 2.0 * bytes / seconds / 1e6;
        double ns = sw.Elapsed.TotalMilliseconds * 1e6 / segments;
        long overflowed = lossPerMille > 0 ? s.FaultsA.Overflowed + s.FaultsB.Overflowed : 0;
        Console.WriteLine($"{name,-40} {(ok ? "ok" : "FAILED " + t.Error)}: {2 * megabytes} MB in {seconds:F2} s = {mbs,7:F1} MB/s, " +
            $"{segments:N0} segments, {ns,6:F0} ns/segment, virtual {s.Now / 1000.0:F1} s, allocated {allocated:N0} bytes (handshake included)"
            + (lossPerMille > 0 ? $", frames the link's queues could not hold: {overflowed:N0}" : ""));
    }
}
