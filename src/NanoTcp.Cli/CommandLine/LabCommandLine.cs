using System.CommandLine;
using NanoTcp.Cli.Lab;
using NanoTcp.Trace;

namespace NanoTcp.Cli.CommandLine;

/// <summary>`nanotcp lab [scenario]`: its options and how they reach <see cref="LabCommand"/>.</summary>
public static class LabCommandLine
{
    public static Command Create()
    {
        var name = new Argument<string>("scenario")
        {
            HelpName = "scenario",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "the scenario to run (without one: the list)",
        };
        name.CompletionSources.Add(_ => LabScenarios.All.Select(s => new System.CommandLine.Completions.CompletionItem(s.Name)));
        name.Validators.Add(r =>
        {
            string v = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
            if (v == null) return;
            if (v.StartsWith('-')) r.AddError($"unknown option '{v}'");
            else if (LabScenarios.Find(v) == null) r.AddError($"no scenario '{v}' (nanotcp lab lists them)");
        });
        var pcap = CliOptions.OutputFile("--pcap", "where to write the wire at the board's port (default nanotcp-lab-<scenario>.pcap; a .pcapng name gets a comment per frame)");
        var svg = CliOptions.OutputFile("--svg", "where to write the ladder diagram as SVG (default nanotcp-lab-<scenario>.svg)");
        var ascii = CliOptions.Flag("--ascii", "draw the terminal diagram with ASCII only");
        var trace = CliOptions.Trace("how much of the serial traces is printed (default segments)");
        var seed = CliOptions.Seed(0, "vary the initial sequence numbers (the same N gives the same run)");

        var command = new Command("lab",
            "Textbook questions on the wire: lists the scenarios, or runs one with the fault it needs and draws its ladder.")
        {
            name, pcap, svg, ascii, trace, seed,
        };
        command.SetAction(r =>
        {
            TextWriter output = r.InvocationConfiguration.Output;
            string scenario = r.GetValue(name);
            if (scenario == null) return LabCommand.List(output);
            string pcapPath = r.GetValue(pcap) ?? $"nanotcp-lab-{scenario}.pcap", svgPath = r.GetValue(svg) ?? $"nanotcp-lab-{scenario}.svg";
            OutputFile.Check(pcapPath, "--pcap");
            OutputFile.Check(svgPath, "--svg");
            return LabCommand.Run(scenario, output, pcapPath, svgPath, r.GetValue(ascii), r.GetValue(trace) ?? TraceLevel.Segments, r.GetValue(seed));
        });
        return command;
    }
}
