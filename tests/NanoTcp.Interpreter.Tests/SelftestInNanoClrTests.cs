using NanoTcp.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace NanoTcp.Interpreter.Tests;

/// <summary>Skips every case (each one, by name) with the reason when nanoCLR cannot run here.</summary>
public sealed class NanoClrDataAttribute : MemberDataAttributeBase
{
    public NanoClrDataAttribute(string memberName) : base(memberName, Array.Empty<object>())
    {
        if (NanoClr.SkipReason != null) Skip = NanoClr.SkipReason;
    }

    protected override object[] ConvertDataItem(System.Reflection.MethodInfo testMethod, object item) => (object[])item;
}

public sealed class NanoClrFactAttribute : FactAttribute
{
    public NanoClrFactAttribute()
    {
        if (NanoClr.SkipReason != null) Skip = NanoClr.SkipReason;
    }
}

/// <summary>
/// The board's `selftest` in nanoFramework's interpreter, with the firmware's composition (driver,
/// interface, TCP, services, console, LEDs) allocated first, as on the board: at a roomy heap every
/// scenario must pass (the interpreter's IL semantics, type system, GC and compaction), and at the
/// ESP32's heap (112 KiB) too, and the runtime and the firmware must leave the application the
/// room README "nanoFramework in the loop" documents.
/// </summary>
public class SelftestInNanoClrTests
{
    private readonly ITestOutputHelper _output;

    public SelftestInNanoClrTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static IEnumerable<object[]> Names() => ScenarioRegistry.All().Select(s => new object[] { s.Name });

    [Theory]
    [NanoClrData(nameof(Names))]
    public void Scenario_passes_in_nanoCLR_beside_the_firmware(string name)
    {
        var suite = InterpreterSuite.AtRoomyHeap;
        Report(suite, name);
        if (suite.Passed.Contains(name)) return;
        Assert.True(suite.Failures.TryGetValue(name, out string error), name + ": no result from nanoCLR. " + suite.Describe());
        Assert.Fail(name + " in nanoCLR (heap " + suite.HeapBytes + " B): " + error);
    }

    [Theory]
    [NanoClrData(nameof(Names))]
    public void Scenario_fits_the_ESP32_heap_beside_the_firmware(string name)
    {
        var suite = InterpreterSuite.AtEsp32Heap;
        Report(suite, name);
        if (suite.Passed.Contains(name)) return;
        Assert.True(suite.Failures.TryGetValue(name, out string error), name + ": no result from nanoCLR. " + suite.Describe());
        // Running out of memory is a failure too: a WROOM board's selftest must run every scenario,
        // and with the reserve held aside, so that a board whose firmware leaves a little less still does.
        Assert.Fail(name + " in nanoCLR at the ESP32's heap (" + suite.HeapBytes + " B) beside the firmware, with "
            + MinimumReserveBytes + " B held aside: " + error + (error.Contains("OutOfMemoryException") ? OutOfMemoryAdvice : ""));
    }

    private void Report(InterpreterSuite suite, string name)
    {
        if (suite.Heap.TryGetValue(name, out var heap))
            _output.WriteLine("heap " + suite.HeapBytes + " B: cpu " + heap["cpu_us"] + " us, " + heap["gcs"] + " GCs, free after the last GC "
                + heap["free_after_gc"] + " B, live after " + heap["live"] + " B");
    }

    /// <summary>
    /// Heap every scenario must leave free at its lowest point at the ESP32's heap: the interpreter
    /// program holds this much aside while the scenarios run (FirmwareSelftest.ReserveBytes).
    /// </summary>
    public const int MinimumReserveBytes = 2048;

    private const string OutOfMemoryAdvice = ". The scenario no longer leaves the reserve free beside the firmware on a 112 KiB board. "
        + "Do not lower the reserve: size the scenario's harness from what it needs (TwoStacks.Small, a scripted peer's queue, "
        + "rings and link queues), drop what it keeps alive across steps, or make the firmware's composition smaller; "
        + "README \"nanoFramework in the loop\" lists where the heap goes and how to measure a scenario's headroom.";

    /// <summary>What the runtime and the firmware's composition leave of the ESP32's heap, at least (README).</summary>
    public const int ApplicationRoomBytes = 38 * 1024;

    [NanoClrFact]
    public void Both_runs_reach_their_end_on_the_32_bit_build_and_report_the_heap()
    {
        foreach (var suite in new[] { InterpreterSuite.AtEsp32Heap, InterpreterSuite.AtRoomyHeap })
        {
            Assert.True(suite.Result.ExitCode == 0 && suite.Complete, suite.Describe());
            Assert.Equal(ScenarioRegistry.All().Length, suite.Passed.Count + suite.Failures.Count);
            var composition = suite.Lines["firmware-composition"];
            Assert.Equal(12, composition["block"]); // the ESP32's heap block: the 32-bit build ran
            Assert.InRange(composition["heap"], suite.HeapBytes - 1024, suite.HeapBytes);
            Assert.InRange(composition["live"], 10_000, 100_000);
            // Every scenario ran with the reserve held aside: the margin at its lowest point.
            Assert.True(suite.Lines.ContainsKey("selftest-reserve"), "no selftest-reserve line. " + suite.Describe());
            Assert.True(suite.Lines["selftest-reserve"]["bytes"] >= MinimumReserveBytes, "the selftest held only "
                + suite.Lines["selftest-reserve"]["bytes"] + " B aside; scenarios must pass with " + MinimumReserveBytes + " B less than the board has");
            var peak = suite.Lines["selftest-peak"];
            _output.WriteLine("heap " + suite.HeapBytes + " B: firmware composition " + composition["live"] + " B live; lowest free heap after a GC during selftest "
                + peak["lowest_free_after_gc"] + " B with " + suite.Lines["selftest-reserve"]["bytes"] + " B held aside; scenarios passed " + suite.Passed.Count + ", failed: " + string.Join(", ", suite.Failures.Keys));
        }
        // The board itself: the runtime and the firmware's composition leave at least 38 KiB of the
        // ESP32's heap for the application (and the selftest's scenarios, which need up to about 36 KiB).
        var esp32 = InterpreterSuite.AtEsp32Heap;
        long used = esp32.Lines["program"]["live"] + esp32.Lines["firmware-composition"]["live"];
        Assert.True(used <= NanoClr.Esp32HeapBytes - ApplicationRoomBytes, "the runtime and the firmware's composition take " + used
            + " B of the ESP32's " + NanoClr.Esp32HeapBytes + " B, leaving less than " + ApplicationRoomBytes + " B");
    }
}
