using System.Text.RegularExpressions;

namespace NanoTcp.Interpreter.Tests;

/// <summary>
/// One run of nanoframework/NanoTcp.Interpreter in nanoCLR (the 32-bit build, the ESP32's heap,
/// compaction on) for the whole test class, parsed into per-scenario and per-check results.
/// </summary>
public sealed class InterpreterSuite
{
    /// <summary>A heap where every scenario fits beside the firmware (the interpreter's behaviour, not the board's memory).</summary>
    public const int RoomyHeapBytes = 1024 * 1024;

    private static readonly Lazy<InterpreterSuite> Esp32 = new Lazy<InterpreterSuite>(() => new InterpreterSuite(NanoClr.Esp32HeapBytes));
    private static readonly Lazy<InterpreterSuite> Roomy = new Lazy<InterpreterSuite>(() => new InterpreterSuite(RoomyHeapBytes));

    // Both runs start together (two cores): whichever a test asks for first, the other is on its way.
    private static readonly Lazy<Task[]> Started = new Lazy<Task[]>(() => new Task[]
    {
        Task.Run(() => Esp32.Value), Task.Run(() => Roomy.Value),
    });

    /// <summary>The run at the ESP32's heap: what fits on the board, and the allocation checks.</summary>
    public static InterpreterSuite AtEsp32Heap { get { _ = Started.Value; return Esp32.Value; } }

    /// <summary>The run at 1 MiB: every scenario's behaviour in the interpreter.</summary>
    public static InterpreterSuite AtRoomyHeap { get { _ = Started.Value; return Roomy.Value; } }

    public readonly int HeapBytes;
    public readonly ProcessResult Result;
    public readonly Dictionary<string, string> Failures = new Dictionary<string, string>();
    public readonly HashSet<string> Passed = new HashSet<string>();
    public readonly Dictionary<string, Dictionary<string, long>> Heap = new Dictionary<string, Dictionary<string, long>>();
    public readonly Dictionary<string, Dictionary<string, long>> Lines = new Dictionary<string, Dictionary<string, long>>();
    public readonly Dictionary<string, Dictionary<string, long>> Allocations = new Dictionary<string, Dictionary<string, long>>();
    public readonly bool Complete;
    public readonly string OutputFile;

    private static readonly string[] Assemblies = { "NanoTcp", "NanoTcp.Scenarios", "NanoTcp.Interpreter" };

    private InterpreterSuite(int heapBytes)
    {
        HeapBytes = heapBytes;
        string bin = Path.Combine(AppContext.BaseDirectory, "nanoframework");
        string work = Path.Combine(Path.GetTempPath(), "nanotcp-nanoclr-" + Environment.ProcessId + "-" + heapBytes);
        Directory.CreateDirectory(work);
        string probe = Path.Combine(NanoClr.ToolDir, "probe");
        NanoClr.Convert(work, Assemblies.Select(a => Path.Combine(bin, a + ".dll")), new[] { Path.Combine(probe, "NfProbe.dll") });
        var pes = new List<string> { Path.Combine(probe, "NfProbe.pe") };
        pes.AddRange(Assemblies.Select(a => Path.Combine(work, a + ".pe")));
        Result = NanoClr.RunPe(pes, heapBytes, TimeSpan.FromMinutes(20));
        OutputFile = Path.Combine(work, "nanoclr-output.txt");
        File.WriteAllText(OutputFile, Result.Raw);

        string failing = null;
        foreach (string line in Result.Output.Split('\n'))
        {
            if (failing != null && line.StartsWith("board|   ", StringComparison.Ordinal))
            {
                Failures[failing] += "\n" + line.Substring(7);
                continue;
            }
            failing = null;
            Match m;
            if ((m = Regex.Match(line, @"^board\| ok   (\S+)$")).Success)
                Passed.Add(m.Groups[1].Value);
            else if ((m = Regex.Match(line, @"^board\| FAIL (\S+): (.*)$")).Success)
            {
                failing = m.Groups[1].Value;
                Failures[failing] = m.Groups[2].Value;
            }
            else if ((m = Regex.Match(line, @"^heap (\S+) (.*)$")).Success)
                Heap[m.Groups[1].Value] = Fields(m.Groups[2].Value);
            else if ((m = Regex.Match(line, @"^alloc (\S+) trace=(\w+) (.*)$")).Success)
                Allocations[m.Groups[1].Value + "@" + m.Groups[2].Value] = Fields(m.Groups[3].Value);
            else if ((m = Regex.Match(line, @"^([a-z-]+) (\w+=-?\d+( \w+=-?\d+)*)$")).Success)
                Lines[m.Groups[1].Value] = Fields(m.Groups[2].Value);
            else if (line == "suite done")
                Complete = true;
        }
    }

    private static Dictionary<string, long> Fields(string text)
    {
        var d = new Dictionary<string, long>();
        foreach (Match f in Regex.Matches(text, @"(\w+)=(-?\d+)"))
            d[f.Groups[1].Value] = long.Parse(f.Groups[2].Value);
        return d;
    }

    /// <summary>What a failed assertion shows: the exit status, where the whole output is, and its last lines.</summary>
    public string Describe()
    {
        var lines = Result.Output.Split('\n');
        return "nanoCLR exit " + Result.ExitCode + " (" + (Complete ? "complete run" : "the run did not reach its end") + "), heap "
            + HeapBytes + " B; output in " + OutputFile + "; last lines:\n  " + string.Join("\n  ", lines.Skip(Math.Max(0, lines.Length - 15)));
    }
}
