using System.CommandLine;
using NanoTcp.Cli.Lab;

namespace NanoTcp.Cli.CommandLine;

/// <summary>
/// `nanotcp lab`: the lab reads its own options (Lab/LabOptions: scenarios, files, slides, worksheets,
/// `lab run FILE`, `lab check`), so the words after "lab" go to <see cref="LabCommand.Run"/> as they
/// are, `--help` included; this command is here for the top-level help and completion.
/// </summary>
public static class LabCommandLine
{
    public static Command Create()
    {
        var words = new Argument<string[]>("args")
        {
            HelpName = "scenario|run FILE|check ...",
            Arity = ArgumentArity.ZeroOrMore,
            Description = "nanotcp lab --help lists them",
        };
        words.CompletionSources.Add(_ => LabScenarios.All.Select(s => new System.CommandLine.Completions.CompletionItem(s.Name)));
        var command = new Command("lab", "Textbook questions on the wire: lists the scenarios, or runs one with the fault it needs and draws its ladder.")
        {
            words,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(r => Run(r.GetValue(words) ?? Array.Empty<string>(), r.InvocationConfiguration.Output, r.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>The lab's own command line (the words after "lab"); the files it names are checked first, as for
    /// every command (a path that cannot be written is one line and exit code 2).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        LabOptions o = LabOptions.Parse(args, out string problem);
        if (o == null)
        {
            error.WriteLine($"nanotcp lab: {problem}");
            return 2;
        }
        OutputFile.Check(o.Pcap, "--pcap");
        OutputFile.Check(o.Svg, "--svg");
        OutputFile.Check(o.Png, "--png");
        OutputFile.Check(o.Html, "--html");
        return LabCommand.Execute(o, output, error);
    }
}
