using Xunit;

namespace NanoTcp.Interpreter.Tests;

/// <summary>
/// Steady state inside nanoCLR, where every struct local, boxed value and string literal is a heap
/// object: answering ARP, ping and UDP echo, and TCP bulk transfer each way between two stacks,
/// allocate 0 heap blocks per frame, with tracing off and at `segments` (lines formatted into the
/// serial console as on the board). Counted by the interpreter (NfProbe) over 300 frames after a
/// warm-up; nanoframework/NanoTcp.Interpreter/AllocationChecks.cs makes the traffic.
/// </summary>
public class AllocationInNanoClrTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (string trace in new[] { "off", "segments" })
            foreach (string c in new[] { "arp", "ping", "udp-echo", "tcp-bulk-a-to-b", "tcp-bulk-b-to-a" })
                yield return new object[] { c, trace };
    }

    [Theory]
    [NanoClrData(nameof(Cases))]
    public void No_heap_block_per_frame_in_steady_state(string traffic, string trace)
    {
        var suite = InterpreterSuite.AtEsp32Heap;
        string key = traffic + "@" + trace;
        Assert.True(suite.Allocations.TryGetValue(key, out var result), key + ": no measurement from nanoCLR. " + suite.Describe());
        Assert.True(result["frames"] >= 300, key + ": only " + result["frames"] + " frames measured");
        Assert.True(result["answered"] > 0, key + ": nothing was answered or delivered");
        Assert.True(result["blocks"] == 0, key + ": " + result["blocks"] + " heap blocks in " + result["allocs"]
            + " allocations over " + result["frames"] + " frames (find them with NfProbe.Counters.Stat(8), the allocation trace)");
    }
}
