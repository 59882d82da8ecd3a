using NanoTcp.Trace;

namespace NanoTcp.Cli.Lab;

/// <summary>`nanotcp lab [scenario]`: lists the textbook scenarios, or runs one and shows its exchange.</summary>
public static class LabCommand
{
    public static int List(TextWriter output)
    {
        output.WriteLine("Lab scenarios (run one with: nanotcp lab <name>):");
        output.WriteLine();
        foreach (var s in LabScenarios.All)
        {
            output.WriteLine($"  {s.Name,-20} {s.Title}");
        }
        return 0;
    }

    /// <summary>Runs a scenario; returns the two traces for further rendering.</summary>
    public static LabResult Execute(LabScenario scenario, string pcapPath, uint seed = 0, TraceLevel level = TraceLevel.Segments)
    {
        using var bench = new LabBench(pcapPath, seed: seed, level: level);
        string outcome = scenario.Run(bench);
        return new LabResult(scenario, outcome, bench.Pc.Trace.ToList(), bench.Board.Trace.ToList(), bench.Log.ToList());
    }

    public static int Run(string name, TextWriter output, string pcapPath, string svgPath = null, bool ascii = false,
        TraceLevel trace = TraceLevel.Segments, uint seed = 0)
    {
        var scenario = LabScenarios.Find(name);
        if (scenario == null)
        {
            output.WriteLine($"nanotcp lab: no scenario '{name}' (nanotcp lab lists them)");
            return 2;
        }
        var result = Execute(scenario, pcapPath, seed, TracePrintFilter.Recording(trace));
        output.WriteLine($"{scenario.Title}  [{scenario.Name}]");
        output.WriteLine();
        output.WriteLine(scenario.LookFor);
        output.WriteLine();
        foreach (string line in result.Log)
        {
            if (TracePrintFilter.Shows(line, trace)) output.WriteLine(line);
        }
        Diagrams.Show(result.PcTrace, result.BoardTrace, output, svgPath, ascii, scenario.Title);
        output.WriteLine();
        output.WriteLine("outcome: " + result.Outcome);
        if (pcapPath != null)
        {
            output.WriteLine($"capture at the board's port: {OutputFile.Shown(pcapPath)}");
        }
        return 0;
    }
}

/// <summary>What a lab run produced: both serial traces, their interleaving, and the outcome line.</summary>
public sealed record LabResult(LabScenario Scenario, string Outcome, List<string> PcTrace, List<string> BoardTrace, List<string> Log);
