using System.CommandLine;
using System.Globalization;
using NanoTcp.Trace;

namespace NanoTcp.Cli.CommandLine;

/// <summary>`nanotcp demo`: its options and how they reach <see cref="Demo.Run"/>.</summary>
public static class DemoCommandLine
{
    public const string DefaultPcap = "nanotcp-demo.pcap";
    public const string DefaultSvg = "nanotcp-demo.svg";

    public static Command Create()
    {
        var pcap = CliOptions.OutputFile("--pcap", $"where to write the wire at the board's port, for Wireshark (default {DefaultPcap}; a .pcapng name gets a comment per frame)");
        var svg = CliOptions.OutputFile("--svg", $"where to write the ladder diagram as SVG (default {DefaultSvg})");
        var ascii = CliOptions.Flag("--ascii", "draw the terminal diagram and LEDs with ASCII only");
        var speed = new Option<double>("--speed")
        {
            HelpName = "N",
            Description = "virtual time runs N times faster than real time (0 = no waiting)",
            DefaultValueFactory = _ => 20,
            CustomParser = r =>
            {
                string v = r.Tokens[0].Value;
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && double.IsFinite(s)) return s;
                r.AddError($"--speed wants a factor >= 0 (0 = as fast as possible), not '{v}'");
                return 20;
            },
        };
        var trace = CliOptions.Trace("how much of the serial traces is printed (default segments)");
        var seed = CliOptions.Seed(0, "vary the initial sequence numbers (the same N gives the same run)");
        var noColor = CliOptions.Flag("--no-color", "no colour in the LED panel (also when NO_COLOR is set or output is redirected)");

        var command = new Command("demo",
            "A virtual board and PC: ARP, ping, UDP and TCP echo, close and TIME-WAIT, then the ladder diagram (the default command).")
        {
            pcap, svg, ascii, speed, trace, seed, noColor,
        };
        var sizes = new BoardSizes.Symbols();
        foreach (var o in sizes.All) command.Options.Add(o);
        command.SetAction(r =>
        {
            string pcapPath = r.GetValue(pcap) ?? DefaultPcap, svgPath = r.GetValue(svg) ?? DefaultSvg;
            OutputFile.Check(pcapPath, "--pcap");
            OutputFile.Check(svgPath, "--svg");
            TextWriter output = r.InvocationConfiguration.Output;
            bool color = !r.GetValue(noColor) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null;
            BoardSizes boardSizes = sizes.Read(r);
            string invalid = boardSizes.Error();
            if (invalid != null)
            {
                r.InvocationConfiguration.Error.WriteLine("nanotcp demo: " + invalid);
                return 2;
            }
            return Demo.Run(output, pcapPath, svgPath, r.GetValue(ascii), r.GetValue(speed), r.GetValue(trace) ?? TraceLevel.Segments, r.GetValue(seed), color, boardSizes);
        });
        return command;
    }
}
