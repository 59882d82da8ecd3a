using NanoTcp.Cli.Lab;

namespace NanoTcp.Cli;

/// <summary>The `nanotcp` command: the board simulator and the lab tools.</summary>
public static class Program
{
    private const string Usage =
        "usage: nanotcp [command] [options]\n" +
        "\n" +
        "commands:\n" +
        "  demo                 (default) a virtual board and PC: ARP, ping, UDP and TCP echo, four-way close,\n" +
        "                       TIME-WAIT, on a virtual clock; ends with the ladder diagram\n" +
        "  lab [scenario]       lists the textbook scenarios, or runs one (nanotcp lab time-wait); slides, PNG,\n" +
        "                       step-through pages, worksheets; your own scenarios (nanotcp lab --help)\n" +
        "  monitor [FILE|-|DEV] renders trace lines from a board's serial port, a file or stdin\n" +
        "  tap                  the virtual board bridged to a Linux TAP (root): board 192.168.77.2, host 192.168.77.1;\n" +
        "                       --netns NAME, --drop/--duplicate/--reorder/--corrupt PCT, --delay MS, --seed N,\n" +
        "                       --pcap FILE, --trace LEVEL (nanotcp tap --help)\n" +
        "  help                 this text\n" +
        "\n" +
        "options of demo (lab has its own: nanotcp lab --help):\n" +
        "  --pcap FILE          where to write the wire at the board's port, for Wireshark\n" +
        "                       (default nanotcp-demo.pcap, nanotcp-lab-<scenario>.pcap)\n" +
        "  --svg FILE           where to write the ladder diagram as SVG (default nanotcp-demo.svg, ...)\n" +
        "  --ascii              draw the terminal diagram with ASCII only\n" +
        "  --speed N            demo: virtual time N times faster than real time (default 20; 0 = no waiting)\n" +
        "  --trace LEVEL        off|states|segments|frames: how much of the serial traces is printed (default segments)\n" +
        "  --seed N             vary the initial sequence numbers (runs stay reproducible for the same N)\n" +
        "  --no-color           no colour in the LED panel (also when NO_COLOR is set or output is redirected)\n";

    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "demo";
        string[] rest = args.Length > 0 ? args[1..] : Array.Empty<string>();
        switch (command)
        {
            case "demo":
            {
                var o = DiagramOptions.Parse("demo", rest, allowName: false);
                if (o == null) return 2;
                if (o.Help) return PrintUsage();
                bool color = !o.NoColor && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null;
                return Demo.Run(Console.Out, o.Pcap ?? "nanotcp-demo.pcap", o.Svg ?? "nanotcp-demo.svg", o.Ascii, o.Speed, o.Trace, o.Seed, color);
            }
            case "lab":
                return LabCommand.Run(rest, Console.Out, Console.Error);
            case "tap":
                return TapCommand.Execute(rest);
            case "monitor":
            {
                if (rest.Contains("--help") || rest.Contains("-h"))
                {
                    Console.WriteLine(MonitorOptions.Usage);
                    return 0;
                }
                var mo = MonitorOptions.Parse(rest, out string error);
                if (mo == null)
                {
                    Console.Error.WriteLine($"nanotcp monitor: {error} (try nanotcp monitor --help)");
                    return 2;
                }
                return MonitorCommand.Run(mo, Console.In, Console.Out);
            }
            case "-h":
            case "--help":
            case "help":
                return PrintUsage();
            default:
                Console.Error.WriteLine($"nanotcp: unknown command '{command}' (try nanotcp --help)");
                return 2;
        }
    }

    private static int PrintUsage()
    {
        Console.Write(Usage);
        return 0;
    }

    /// <summary>The options demo and lab share; prints a one-line error and returns null when they are wrong.</summary>
    private sealed class DiagramOptions
    {
        public string Name;
        public string Pcap;
        public string Svg;
        public bool Ascii;
        public double Speed = 20;
        public NanoTcp.Trace.TraceLevel Trace = NanoTcp.Trace.TraceLevel.Segments;
        public uint Seed;
        public bool NoColor;
        public bool Help;

        public static DiagramOptions Parse(string command, string[] args, bool allowName)
        {
            var o = new DiagramOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a == "--help" || a == "-h")
                {
                    o.Help = true;
                    continue;
                }
                if ((a == "--pcap" || a == "--svg") && i + 1 < args.Length)
                {
                    if (a == "--pcap") o.Pcap = args[++i]; else o.Svg = args[++i];
                }
                else if (a == "--speed" && i + 1 < args.Length)
                {
                    if (!double.TryParse(args[++i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out o.Speed) || o.Speed < 0)
                    {
                        Console.Error.WriteLine($"nanotcp {command}: --speed takes a factor >= 0 (0 = as fast as possible)");
                        return null;
                    }
                }
                else if (a == "--trace" && i + 1 < args.Length)
                {
                    var level = TracePrintFilter.Parse(args[++i]);
                    if (level == null)
                    {
                        Console.Error.WriteLine($"nanotcp {command}: --trace takes off, states, segments or frames");
                        return null;
                    }
                    o.Trace = level.Value;
                }
                else if (a == "--seed" && i + 1 < args.Length)
                {
                    if (!uint.TryParse(args[++i], out o.Seed))
                    {
                        Console.Error.WriteLine($"nanotcp {command}: --seed takes a whole number");
                        return null;
                    }
                }
                else if (a == "--no-color")
                {
                    o.NoColor = true;
                }
                else if (a == "--ascii")
                {
                    o.Ascii = true;
                }
                else if (allowName && o.Name == null && !a.StartsWith('-'))
                {
                    o.Name = a;
                }
                else
                {
                    Console.Error.WriteLine(a is "--pcap" or "--svg" or "--trace" or "--seed" or "--speed"
                        ? $"nanotcp {command}: {a} needs a value"
                        : $"nanotcp {command}: unknown argument '{a}' (try nanotcp --help)");
                    return null;
                }
            }
            return o;
        }
    }
}
