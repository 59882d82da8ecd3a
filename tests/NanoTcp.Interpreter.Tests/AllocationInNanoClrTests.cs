using Xunit;

namespace NanoTcp.Interpreter.Tests;

/// <summary>
/// Steady state inside nanoCLR, where every struct local, boxed value and string literal is a heap
/// object: answering ARP, ping and UDP echo, TCP bulk transfer each way between two stacks, and bulk
/// transfer through loss, duplication, reordering and corruption, allocate 0 heap blocks per frame,
/// with tracing off and at `segments` (lines formatted into the serial console as on the board).
/// Counted by the interpreter (NfProbe) over 300 frames (1000 for the lossy link) after a warm-up;
/// nanoframework/NanoTcp.Interpreter/AllocationChecks.cs makes the traffic.
/// </summary>
public class AllocationInNanoClrTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (string trace in new[] { "off", "segments" })
            foreach (string c in new[] { "arp", "ping", "udp-echo", "tcp-bulk-a-to-b", "tcp-bulk-b-to-a", "tcp-lossy" })
                yield return new object[] { c, trace };
    }

    [Theory]
    [NanoClrData(nameof(Cases))]
    public void No_heap_block_per_frame_in_steady_state(string traffic, string trace)
    {
        var suite = InterpreterSuite.AtEsp32Heap;
        string key = traffic + "@" + trace;
        Assert.True(suite.Allocations.TryGetValue(key, out var result), key + ": no measurement from nanoCLR. " + suite.Describe());
        Assert.True(result["frames"] >= (traffic == "tcp-lossy" ? 1000 : 300), key + ": only " + result["frames"] + " frames measured");
        Assert.True(result["answered"] > 0, key + ": nothing was answered or delivered");
        Assert.True(result["blocks"] == 0, key + ": " + result["blocks"] + " heap blocks in " + result["allocs"]
            + " allocations over " + result["frames"] + " frames (find them with NfProbe.Counters.Stat(8), the allocation trace)");
    }

    /// <summary>
    /// The lossy case measures the recovery paths, not a clean transfer: in its measured frames the
    /// receiver held out-of-order data (answered with SACK blocks and duplicate ACKs), the sender made
    /// fast retransmits and took retransmission timeouts.
    /// </summary>
    [Theory]
    [NanoClrData(nameof(Traces))]
    public void Lossy_case_exercises_every_recovery_path(string trace)
    {
        var suite = InterpreterSuite.AtEsp32Heap;
        string key = "tcp-lossy@" + trace;
        Assert.True(suite.Allocations.TryGetValue(key, out var r), key + ": no measurement from nanoCLR. " + suite.Describe());
        foreach (string counter in new[] { "outoforder", "fastrtx", "rto" })
        {
            Assert.True(r.ContainsKey(counter) && r[counter] > 0, key + ": no " + counter + " in the measured frames");
        }
    }

    public static IEnumerable<object[]> Traces()
    {
        yield return new object[] { "off" };
        yield return new object[] { "segments" };
    }
}
