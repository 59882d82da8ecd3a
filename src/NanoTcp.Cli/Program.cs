using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using NanoTcp.Cli.CommandLine;

namespace NanoTcp.Cli;

/// <summary>
/// The `nanotcp` command: the board simulator and the lab tools. Each command defines its options
/// in its own file under CommandLine/; this file only puts them together and applies the rules
/// every command shares: `--help` and `--version` everywhere, a wrong argument or a file that cannot
/// be written is one line on stderr with exit code 2, and no arguments at all runs the demo.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>All commands, as the parser, help and shell completion see them.</summary>
    public static RootCommand CreateCommandLine()
    {
        var root = new RootCommand(
            "NanoTcp, a TCP/IP stack for ESP32 + ENC28J60, and its simulator: watch ARP, SYN, FIN and TIME-WAIT on a virtual " +
            "board, a lab of textbook questions, a real board's serial console, the virtual board against your PC's own TCP.")
        {
            DemoCommandLine.Create(),
            LabCommandLine.Create(),
            MonitorCommandLine.Create(),
            TapCommandLine.Create(),
        };
        return root;
    }

    private static int RunLab(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return LabCommandLine.Run(args, output, error);
        }
        catch (CliError e)
        {
            error.WriteLine($"nanotcp lab: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"nanotcp lab: {OutputFile.Reason(e)}");
            return 2;
        }
    }

    /// <summary>Runs a command line; what a run prints goes to <paramref name="output"/>, errors to <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0) args = new[] { "demo" };
        // "nanotcp help" and "nanotcp help monitor" read as --help.
        if (args[0] == "help") args = args.Length > 1 ? new[] { args[1], "--help" } : new[] { "--help" };
        // The lab reads its own options, its help included (Lab/LabOptions).
        if (args[0] == "lab") return RunLab(args[1..], output, error);

        ParseResult result = CreateCommandLine().Parse(args);
        if (result.Action is ParseErrorAction)
        {
            error.WriteLine(CommandLineErrors.OneLine(result));
            return 2;
        }
        if (result.Action is HelpAction)
        {
            // Help names the command as people type it, whatever the executable is called (NanoTcp.Cli under dotnet run).
            var text = new StringWriter();
            result.Invoke(new InvocationConfiguration { Output = text, Error = error });
            output.Write(text.ToString().Replace("\n  " + result.RootCommandResult.Command.Name, "\n  nanotcp", StringComparison.Ordinal));
            return 0;
        }
        string command = CommandLineErrors.CommandPath(result.CommandResult);
        try
        {
            // Ctrl-C is each command's business (tap and monitor close their files first).
            return result.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (CliError e)
        {
            output.Flush();
            error.WriteLine($"{command}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file or device that failed while a run used it: one line, never a stack trace.
            output.Flush();
            error.WriteLine($"{command}: {OutputFile.Reason(e)}");
            return 2;
        }
    }
}
