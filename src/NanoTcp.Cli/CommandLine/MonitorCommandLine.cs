using System.CommandLine;
using System.CommandLine.Parsing;

namespace NanoTcp.Cli.CommandLine;

/// <summary>`nanotcp monitor`: its options and how they reach <see cref="MonitorCommand"/>.</summary>
public static class MonitorCommandLine
{
    private sealed class Symbols
    {
        public readonly Argument<string> Input = new("input")
        {
            HelpName = "FILE|-|DEVICE",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "a saved trace, - for standard input (the default), or a serial device (/dev/ttyUSB0)",
        };
        public readonly Option<int?> Baud = new("--baud")
        {
            HelpName = "N",
            Description = "with a serial device: its speed (the board's console runs at 115200)",
            CustomParser = r => CliOptions.ParseInt(r, "--baud", 50, 4_000_000, "a speed"),
        };
        public readonly Option<string> Pcap = CliOptions.OutputFile("--pcap", "turn the frame dumps of `trace frames` back into a capture for Wireshark");
        public readonly Option<string> Svg = CliOptions.OutputFile("--svg", "write the ladder diagram as SVG");
        public readonly Option<bool> Ascii = CliOptions.Flag("--ascii", "draw the terminal diagram with ASCII only");
        public readonly Option<int> Width = CliOptions.Int("--width", "N", 60, 400, 100, "width of the terminal diagram");
        public readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "do not echo each line; print only the summary", "-q");
        public readonly Option<int> Connection = CliOptions.Int("--connection", "N", 0, int.MaxValue, 0, "which connection to draw: the N-th address pair in the trace");

        public Symbols()
        {
            Input.Validators.Add(r =>
            {
                string v = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (v != null && v.StartsWith('-') && v != "-") r.AddError($"unknown option '{v}'");
            });
        }

        public void AddTo(Command c)
        {
            c.Arguments.Add(Input);
            foreach (Option o in new Option[] { Baud, Pcap, Svg, Ascii, Width, Quiet, Connection }) c.Options.Add(o);
            c.Validators.Add(r =>
            {
                // Only the presence of --baud matters here (its value has its own error).
                string input = r.GetResult(Input)?.Tokens.FirstOrDefault()?.Value;
                if (r.GetResult(Baud) is { Tokens.Count: > 0 } && (input == null || !input.StartsWith("/dev/", StringComparison.Ordinal)))
                    r.AddError("--baud applies to a serial device path (/dev/...)");
            });
        }
    }

    public static Command Create()
    {
        var s = new Symbols();
        var command = new Command("monitor",
            "A board's serial console (a serial port, a saved file or stdin): trace lines rendered, connections, ladder, pcap.");
        s.AddTo(command);
        command.SetAction(r =>
        {
            MonitorOptions o = Read(s, r);
            OutputFile.Check(o.PcapPath, "--pcap");
            OutputFile.Check(o.SvgPath, "--svg");
            return MonitorCommand.Run(o, Console.In, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>The options of a `nanotcp monitor` command line (the words after "monitor"); null and a one-line error when they are wrong.</summary>
    public static MonitorOptions Parse(string[] args, out string error)
    {
        var s = new Symbols();
        var command = new Command("monitor");
        s.AddTo(command);
        return CliOptions.ParseAlone(command, args, r => Read(s, r), out error);
    }

    private static MonitorOptions Read(Symbols s, ParseResult r) => new()
    {
        Input = r.GetValue(s.Input),
        Baud = r.GetValue(s.Baud),
        PcapPath = r.GetValue(s.Pcap),
        SvgPath = r.GetValue(s.Svg),
        Ascii = r.GetValue(s.Ascii),
        Width = r.GetValue(s.Width),
        Quiet = r.GetValue(s.Quiet),
        Connection = r.GetValue(s.Connection),
    };
}
