using System.Diagnostics;
using NanoTcp.Hal;

namespace NanoTcp.Sim;

/// <summary>The host's monotonic clock in milliseconds since construction; <see cref="Sleep"/> really sleeps.</summary>
public sealed class WallClock : IClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public long NowMs => _watch.ElapsedMilliseconds;

    public void Sleep(int milliseconds)
    {
        if (milliseconds > 0) Thread.Sleep(milliseconds);
    }
}
