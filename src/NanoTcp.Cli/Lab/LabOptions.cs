#nullable enable

using System.Globalization;
using NanoTcp.Trace;

namespace NanoTcp.Cli.Lab;

/// <summary>What `nanotcp lab` was asked to do.</summary>
public enum LabAction
{
    /// <summary>`nanotcp lab`: the list of scenarios.</summary>
    List,
    /// <summary>`nanotcp lab NAME` or `nanotcp lab run FILE`.</summary>
    Run,
    /// <summary>`nanotcp lab show NAME`: the scenario's text.</summary>
    Show,
    /// <summary>`nanotcp lab check FILE`: grades a filled-in worksheet.</summary>
    Check,
    Help,
}

/// <summary>
/// Every option of `nanotcp lab`, parsed in one place (the command line's only lab-specific
/// code): <see cref="Parse"/> reads the arguments after "lab", <see cref="LabCommand.Execute"/>
/// does the work. Errors are one line, for exit code 2.
/// </summary>
public sealed class LabOptions
{
    public const string Usage =
        "usage: nanotcp lab                          lists the scenarios\n" +
        "       nanotcp lab NAME [options]           runs a built-in scenario (nanotcp lab time-wait)\n" +
        "       nanotcp lab run FILE [options]       runs a scenario written in the lab's format (see nanotcp lab show NAME)\n" +
        "       nanotcp lab show NAME                prints a built-in scenario's text: a start for your own\n" +
        "       nanotcp lab check FILE               grades a filled-in worksheet (or an answer file) against its key\n" +
        "\n" +
        "options:\n" +
        "  --pcap FILE          the capture at the board's port (default nanotcp-lab-NAME.pcap)\n" +
        "  --svg FILE           the ladder diagram as a 16:9 slide (default nanotcp-lab-NAME.svg)\n" +
        "  --png FILE           the same slide as a 1920x1080 PNG\n" +
        "  --html FILE          a self-contained step-through page: one segment or event at a time, the states on\n" +
        "                       RFC 9293's diagram, the segment's fields, the explanation\n" +
        "  --compare [NAME|FILE] the slide shows this scenario beside another (no name: the scenario's own pair)\n" +
        "  --axis time|events   vertical axis proportional to time, or one row per event (default: the scenario's)\n" +
        "  --view full|textbook textbook hides what the lesson does not need (RTT samples, windows, the PC's drops)\n" +
        "  --exercise           writes a worksheet (Markdown and HTML) and its answer key for --seed\n" +
        "  --out DIR            where the worksheet files go (default: the current directory)\n" +
        "  --seed N             vary the initial sequence numbers (each seed is reproducible)\n" +
        "  --trace LEVEL        off|states|segments|frames: how much of the serial traces is printed (default segments)\n" +
        "  --ascii              draw the terminal diagram with ASCII only\n";

    public LabAction Action = LabAction.List;
    /// <summary>The built-in scenario's name, or the file of `run`, `show` or `check`.</summary>
    public string? Target;
    public bool TargetIsFile;
    public string? Pcap;
    public string? Svg;
    public string? Png;
    public string? Html;
    public string? Compare;
    /// <summary>null: the scenario's own axis.</summary>
    public bool? TimeAxis;
    public bool Textbook;
    public bool Exercise;
    public string OutDir = ".";
    public uint Seed;
    public bool SeedGiven;
    public TraceLevel Trace = TraceLevel.Segments;
    public bool Ascii;

    /// <summary>Reads the arguments after "lab"; null and a one-line <paramref name="error"/> when they are wrong.</summary>
    public static LabOptions? Parse(string[] args, out string error)
    {
        error = "";
        var o = new LabOptions();
        var positional = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Peek() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : null;
            string? Value()
            {
                if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) return args[++i];
                return null;
            }
            switch (a)
            {
                case "--help":
                case "-h":
                    o.Action = LabAction.Help;
                    return o;
                case "--ascii":
                    o.Ascii = true;
                    continue;
                case "--exercise":
                    o.Exercise = true;
                    continue;
                case "--compare" when Peek() == null:
                    o.Compare = ""; // the scenario's own pair
                    continue;
                case "--pcap":
                case "--svg":
                case "--png":
                case "--html":
                case "--compare":
                case "--out":
                case "--axis":
                case "--view":
                case "--seed":
                case "--trace":
                {
                    string? v = Value();
                    if (v == null)
                    {
                        error = $"{a} needs a value";
                        return null;
                    }
                    if (!Apply(o, a, v, out error)) return null;
                    continue;
                }
                default:
                    if (a.StartsWith('-'))
                    {
                        error = $"unknown argument '{a}' (try nanotcp lab --help)";
                        return null;
                    }
                    positional.Add(a);
                    continue;
            }
        }
        if (positional.Count == 0) return o;
        string first = positional[0];
        if (first is "run" or "show" or "check")
        {
            if (positional.Count != 2)
            {
                error = first switch
                {
                    "run" => "lab run takes one scenario file (nanotcp lab run my-lab.lab)",
                    "show" => "lab show takes one scenario name (nanotcp lab show time-wait)",
                    _ => "lab check takes one worksheet or answer file (nanotcp lab check worksheet.md)",
                };
                return null;
            }
            o.Action = first switch { "run" => LabAction.Run, "show" => LabAction.Show, _ => LabAction.Check };
            o.Target = positional[1];
            o.TargetIsFile = first != "show";
            return o;
        }
        if (positional.Count > 1)
        {
            error = $"unknown argument '{positional[1]}' (one scenario at a time; try nanotcp lab --help)";
            return null;
        }
        o.Action = LabAction.Run;
        o.Target = first;
        return o;
    }

    private static bool Apply(LabOptions o, string option, string v, out string error)
    {
        error = "";
        switch (option)
        {
            case "--pcap": o.Pcap = v; break;
            case "--svg": o.Svg = v; break;
            case "--png": o.Png = v; break;
            case "--html": o.Html = v; break;
            case "--compare": o.Compare = v; break;
            case "--out": o.OutDir = v; break;
            case "--axis":
                if (v is not ("time" or "events"))
                {
                    error = "--axis takes time or events";
                    return false;
                }
                o.TimeAxis = v == "time";
                break;
            case "--view":
                if (v is not ("full" or "textbook"))
                {
                    error = "--view takes full or textbook";
                    return false;
                }
                o.Textbook = v == "textbook";
                break;
            case "--seed":
                if (!uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out o.Seed))
                {
                    error = "--seed takes a whole number";
                    return false;
                }
                o.SeedGiven = true;
                break;
            case "--trace":
                var level = TracePrintFilter.Parse(v);
                if (level == null)
                {
                    error = "--trace takes off, states, segments or frames";
                    return false;
                }
                o.Trace = level.Value;
                break;
        }
        return true;
    }
}
