using System.Diagnostics;
using NanoTcp.Hal;

namespace NanoTcp.Sim;

/// <summary>The host's monotonic clock in milliseconds since construction; <see cref="Sleep"/> really sleeps.</summary>
public sealed class WallClock : IClock, IMicrosecondClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public long NowMs => _watch.ElapsedMilliseconds;

    public long NowUs => (long)(_watch.ElapsedTicks * (1_000_000.0 / Stopwatch.Frequency));

    public void Sleep(int milliseconds)
    {
        if (milliseconds > 0) Thread.Sleep(milliseconds);
    }
}
