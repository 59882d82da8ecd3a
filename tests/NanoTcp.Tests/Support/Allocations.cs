namespace NanoTcp.Tests.Support;

/// <summary>
/// Measures what a piece of the data path allocates in steady state. The runtime itself can
/// allocate on the calling thread the first times code runs (tiered JIT, type loading), so
/// the work runs once as warm-up, then is measured; the smallest of a few measurements is
/// returned. Code that allocates per packet allocates in every measurement and still fails.
/// </summary>
public static class Allocations
{
    public static long SteadyState(Action work, int attempts = 3)
    {
        work();
        long best = long.MaxValue;
        for (int i = 0; i < attempts && best > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return best;
    }
}
