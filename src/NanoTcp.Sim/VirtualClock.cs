using NanoTcp.Hal;

namespace NanoTcp.Sim;

/// <summary>A virtual millisecond clock: <see cref="Sleep"/> advances time at once.</summary>
public sealed class VirtualClock : IClock, IMicrosecondClock
{
    public VirtualClock(long startMs = 0)
    {
        NowMs = startMs;
    }

    public long NowMs { get; set; }

    /// <summary>Whole milliseconds: a virtual clock has no finer steps.</summary>
    public long NowUs => NowMs * 1000;

    /// <summary>Total milliseconds spent in <see cref="Sleep"/>.</summary>
    public long SleptMs { get; private set; }

    public void Sleep(int milliseconds)
    {
        if (milliseconds > 0)
        {
            NowMs += milliseconds;
            SleptMs += milliseconds;
        }
    }

    public void Advance(long milliseconds) => NowMs += milliseconds;
}
