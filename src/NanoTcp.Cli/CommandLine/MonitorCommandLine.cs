using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO.Ports;
using NanoTcp.Cli.Monitor;
using NanoTcp.Trace;

namespace NanoTcp.Cli.CommandLine;

/// <summary>`nanotcp monitor`: its options and how they reach <see cref="MonitorCommand"/>.</summary>
public static class MonitorCommandLine
{
    private sealed class Symbols
    {
        public readonly Argument<string> Input = new("input")
        {
            HelpName = "PORT|FILE|-",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "a serial port (/dev/ttyUSB0, /dev/tty.usbserial-1410, COM3), a saved console log or trace, or - for standard input (the default)",
        };
        public readonly Option<int> Baud = CliOptions.Int("--baud", "N", 50, 4_000_000, 115200, "serial port speed (the board's console runs at 115200)", "a speed");
        public readonly Option<int> DataBits = CliOptions.Int("--data-bits", "N", 5, 8, 8, "serial port data bits");
        public readonly Option<Parity> Parity = Choice("--parity", "serial port parity: none, even, odd, mark, space", System.IO.Ports.Parity.None,
            ("none", System.IO.Ports.Parity.None), ("even", System.IO.Ports.Parity.Even), ("odd", System.IO.Ports.Parity.Odd),
            ("mark", System.IO.Ports.Parity.Mark), ("space", System.IO.Ports.Parity.Space));
        public readonly Option<StopBits> StopBits = Choice("--stop-bits", "serial port stop bits: 1, 1.5, 2", System.IO.Ports.StopBits.One,
            ("1", System.IO.Ports.StopBits.One), ("1.5", System.IO.Ports.StopBits.OnePointFive), ("2", System.IO.Ports.StopBits.Two));
        public readonly Option<Handshake> Flow = Choice("--flow", "serial port flow control: none, rts-cts, xon-xoff", Handshake.None,
            ("none", Handshake.None), ("rts-cts", Handshake.RequestToSend), ("xon-xoff", Handshake.XOnXOff));
        public readonly Option<string> Pcap = CliOptions.OutputFile("--pcap", "the frames of the board's `trace frames` as a capture for Wireshark, written frame by frame (a .pcapng name gets a comment per frame)");
        public readonly Option<string> Svg = CliOptions.OutputFile("--svg", "the ladder diagram as SVG (at the end, and at each :ladder)");
        public readonly Option<string> Log = CliOptions.OutputFile("--log", "everything the board sends, byte for byte, as it arrives (replay it with nanotcp monitor FILE)");
        public readonly Option<bool> Ascii = CliOptions.Flag("--ascii", "draw the terminal diagram with ASCII only");
        public readonly Option<int> Width = CliOptions.Int("--width", "N", 60, 400, 100, "width of the terminal diagram");
        public readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "do not show each line; print only the summary", "-q");
        public readonly Option<bool> NoColor = CliOptions.Flag("--no-color", "no colours (also when NO_COLOR is set or output is redirected)");
        public readonly Option<SeqNumbers> Seq = Choice("--seq", "sequence numbers: rel (from each side's first, as Wireshark) or abs (as printed)", SeqNumbers.Relative,
            ("rel", SeqNumbers.Relative), ("relative", SeqNumbers.Relative), ("abs", SeqNumbers.Absolute), ("absolute", SeqNumbers.Absolute));
        public readonly Option<int?> Connection = new("--connection")
        {
            HelpName = "N",
            Description = "show only tcp#N, and draw its ladder (default: every connection, the ladder of the last)",
            CustomParser = r => CliOptions.ParseInt(r, "--connection", 0, 1_000_000),
        };
        public readonly Option<int?> Port = new("--port")
        {
            HelpName = "P",
            Description = "show only segments and connections on port P",
            CustomParser = r => CliOptions.ParseInt(r, "--port", 1, 65535, "a port"),
        };
        public readonly Option<TraceLevel?> Level = CliOptions.Trace("show trace lines up to this level (default frames, i.e. all; console text always shows)");
        public readonly Option<bool> List = CliOptions.Flag("--list", "list the serial ports of this computer and exit");

        public Symbols()
        {
            Level.Aliases.Add("--level");
            Input.Validators.Add(r =>
            {
                string v = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (v != null && v.StartsWith('-') && v != "-") r.AddError($"unknown option '{v}'");
            });
        }

        public void AddTo(Command c)
        {
            c.Arguments.Add(Input);
            foreach (Option o in new Option[] { Baud, DataBits, Parity, StopBits, Flow, Pcap, Svg, Log, Ascii, Width, Quiet, NoColor, Seq, Connection, Port, Level, List })
                c.Options.Add(o);
            c.Validators.Add(r =>
            {
                // Only the presence of serial options matters here (their values have their own errors).
                string input = r.GetResult(Input)?.Tokens.FirstOrDefault()?.Value;
                if (MonitorOptions.IsSerialPortName(input)) return;
                foreach (Option o in new Option[] { Baud, DataBits, Parity, StopBits, Flow })
                    if (r.GetResult(o) is { Implicit: false, Tokens.Count: > 0 })
                    {
                        r.AddError($"{o.Name} applies to a serial port (/dev/..., COMn)");
                        return;
                    }
            });
        }
    }

    public static Command Create()
    {
        var s = new Symbols();
        var command = new Command("monitor",
            "A serial terminal for the board's console (or a saved log, or stdin): trace lines rendered, connections, ladder, capture.");
        s.AddTo(command);
        command.SetAction(r =>
        {
            TextWriter output = r.InvocationConfiguration.Output;
            if (r.GetValue(s.List))
            {
                string[] ports = SerialPort.GetPortNames();
                output.WriteLine(ports.Length == 0 ? "no serial ports found" : string.Join(Environment.NewLine, ports));
                return 0;
            }
            MonitorOptions o = Read(s, r);
            OutputFile.Check(o.PcapPath, "--pcap");
            OutputFile.Check(o.SvgPath, "--svg");
            OutputFile.Check(o.LogPath, "--log");
            return MonitorCommand.Execute(o, output, r.InvocationConfiguration.Error);
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
        DataBits = r.GetValue(s.DataBits),
        Parity = r.GetValue(s.Parity),
        StopBits = r.GetValue(s.StopBits),
        Flow = r.GetValue(s.Flow),
        PcapPath = r.GetValue(s.Pcap),
        SvgPath = r.GetValue(s.Svg),
        LogPath = r.GetValue(s.Log),
        Ascii = r.GetValue(s.Ascii),
        Width = r.GetValue(s.Width),
        Quiet = r.GetValue(s.Quiet),
        NoColor = r.GetValue(s.NoColor),
        Seq = r.GetValue(s.Seq),
        Connection = r.GetValue(s.Connection),
        Port = r.GetValue(s.Port),
        Level = r.GetValue(s.Level) ?? TraceLevel.Frames,
    };

    /// <summary>An option taking one word of a fixed list.</summary>
    private static Option<T> Choice<T>(string name, string description, T defaultValue, params (string Word, T Value)[] words) => new Option<T>(name)
    {
        HelpName = string.Join('|', words.Select(w => w.Word).Distinct()),
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string v = r.Tokens[0].Value;
            foreach (var (word, value) in words)
                if (string.Equals(word, v, StringComparison.OrdinalIgnoreCase)) return value;
            r.AddError($"{name} wants {string.Join(", ", words.Select(w => w.Word))}; not '{v}'");
            return defaultValue;
        },
    }.Completes(words.Select(w => w.Word).ToArray());
}
