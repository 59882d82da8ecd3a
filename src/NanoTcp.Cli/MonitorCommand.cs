#nullable enable
using System.Diagnostics;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Pcap;
using NanoTcp.Sim.Trace;

namespace NanoTcp.Cli;

/// <summary>Options of `nanotcp monitor`.</summary>
public sealed class MonitorOptions
{
    public const string Usage =
        "usage: nanotcp monitor [FILE|-|/dev/ttyUSB0] [--baud N] [--pcap FILE] [--svg FILE] [--ascii] [--width N] [--quiet] [--connection N]";

    /// <summary>A trace file, a serial device (/dev/...), or null / "-" for standard input.</summary>
    public string? Input { get; set; }
    /// <summary>With a /dev/ path: the line is set up with `stty -F DEV BAUD raw` first.</summary>
    public int? Baud { get; set; }
    public string? PcapPath { get; set; }
    public string? SvgPath { get; set; }
    public bool Ascii { get; set; }
    public int Width { get; set; } = 100;
    /// <summary>Do not echo each line; print only the summary.</summary>
    public bool Quiet { get; set; }
    /// <summary>Which connection to draw (n-th address pair in the trace).</summary>
    public int Connection { get; set; }

    /// <summary>Parses the arguments after "monitor"; null and <paramref name="error"/> set when they are wrong.</summary>
    public static MonitorOptions? Parse(string[] args, out string error)
    {
        error = "";
        var o = new MonitorOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Value()
            {
                if (i + 1 < args.Length) return args[++i];
                return null;
            }
            switch (a)
            {
                case "--baud":
                    if (!int.TryParse(Value(), out int baud) || baud <= 0) { error = "--baud needs a positive number"; return null; }
                    o.Baud = baud;
                    break;
                case "--pcap":
                    o.PcapPath = Value();
                    if (o.PcapPath == null) { error = "--pcap needs a file name"; return null; }
                    break;
                case "--svg":
                    o.SvgPath = Value();
                    if (o.SvgPath == null) { error = "--svg needs a file name"; return null; }
                    break;
                case "--width":
                    if (!int.TryParse(Value(), out int w) || w < 60 || w > 400) { error = "--width needs a number from 60 to 400"; return null; }
                    o.Width = w;
                    break;
                case "--connection":
                    if (!int.TryParse(Value(), out int c) || c < 0) { error = "--connection needs a number from 0"; return null; }
                    o.Connection = c;
                    break;
                case "--ascii":
                    o.Ascii = true;
                    break;
                case "--quiet":
                case "-q":
                    o.Quiet = true;
                    break;
                default:
                    if (a.StartsWith("-", StringComparison.Ordinal) && a != "-") { error = $"unknown option '{a}'"; return null; }
                    if (o.Input != null) { error = $"more than one input ('{o.Input}', '{a}')"; return null; }
                    o.Input = a;
                    break;
            }
        }
        if (o.Baud != null && (o.Input == null || !o.Input.StartsWith("/dev/", StringComparison.Ordinal)))
        {
            error = "--baud applies to a serial device path (/dev/...)";
            return null;
        }
        return o;
    }
}

/// <summary>
/// `nanotcp monitor`: reads a board's serial trace (a file, standard input or a serial device),
/// echoes each line in a compact form as it arrives, and at the end prints a connection table
/// and the ladder diagram of a TCP connection; frame-level lines can be turned into a pcap
/// and the ladder into an SVG.
/// </summary>
public static class MonitorCommand
{
    public static int Run(MonitorOptions o, TextReader input, TextWriter output)
    {
        TextReader? opened = null;
        try
        {
            if (o.Input != null && o.Input != "-")
            {
                if (o.Input.StartsWith("/dev/", StringComparison.Ordinal) && o.Baud is int baud)
                {
                    string? err = ConfigureSerial(o.Input, baud);
                    if (err != null)
                    {
                        output.WriteLine($"nanotcp monitor: {err}");
                        return 2;
                    }
                }
                try
                {
                    opened = new StreamReader(new FileStream(o.Input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    output.WriteLine($"nanotcp monitor: cannot read {o.Input}: {e.Message}");
                    return 2;
                }
                input = opened;
            }

            using PcapWriter? pcap = o.PcapPath != null ? PcapWriter.Create(o.PcapPath) : null;
            var lines = new List<string>();
            var table = new SortedDictionary<string, (string State, long Time)>(StringComparer.Ordinal);
            int parsed = 0, unknown = 0, frames = 0;
            string? line;
            while ((line = input.ReadLine()) != null)
            {
                var p = TraceLineParser.Parse(line);
                if (p.Kind == TraceLineKind.Unknown)
                {
                    unknown++;
                    if (!o.Quiet && line.Trim().Length > 0) output.WriteLine("  ? " + line.Trim());
                    continue;
                }
                parsed++;
                lines.Add(p.Raw);
                if (pcap != null && TraceToPcap.Write(p, pcap)) frames++;
                if (p.Kind == TraceLineKind.TcpState && p.Connection >= 0)
                    table[(p.Source != null ? p.Source + " " : "") + "tcp#" + p.Connection] = (p.ToState!, p.TimeMs);
                if (!o.Quiet) output.WriteLine(Compact(p));
            }

            output.WriteLine();
            output.WriteLine($"{parsed} trace lines, {unknown} other lines" + (pcap != null ? $", {frames} frames written to {o.PcapPath}" : ""));
            if (table.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("connection     last state      since (ms)");
                foreach (var (conn, (state, time)) in table)
                    output.WriteLine($"{conn,-14} {state,-15} {time,10}");
            }

            var diagram = Ladder(lines, o.Connection);
            if (diagram == null || !diagram.Items.Any())
            {
                output.WriteLine();
                output.WriteLine("no TCP connection in the trace: no ladder diagram");
                return 0;
            }
            output.WriteLine();
            output.Write(LadderTerminalRenderer.Render(diagram, o.Ascii, o.Width));
            if (o.SvgPath != null)
            {
                File.WriteAllText(o.SvgPath, LadderSvgRenderer.Render(diagram));
                output.WriteLine($"ladder diagram written to {o.SvgPath}");
            }
            return 0;
        }
        finally
        {
            opened?.Dispose();
        }
    }

    /// <summary>
    /// The ladder of the trace: from two sides when the lines carry two prefixes ("pc | ",
    /// "board | "), else from the one side (the board, the peer drawn from its segments).
    /// </summary>
    public static LadderDiagram? Ladder(IReadOnlyList<string> lines, int connection = 0)
    {
        var sources = lines.Select(l => TraceLineParser.Parse(l).Source).Distinct().ToList();
        var options = new LadderOptions { ConnectionIndex = connection };
        if (sources.Count == 2 && sources.All(s => s != null))
        {
            // The side that sent the first SYN is drawn on the left.
            var first = lines.Select(TraceLineParser.Parse).FirstOrDefault(p => p.Segment is { Direction: TraceDirection.Out } s && (s.Flags & 0x12) == 0x02);
            string a = first?.Source ?? sources[0]!, b = sources.First(s => s != a)!;
            return LadderBuilder.FromTwoSides(lines.Where(l => TraceLineParser.Parse(l).Source == a), a,
                lines.Where(l => TraceLineParser.Parse(l).Source == b), b, options);
        }
        string name = sources.FirstOrDefault(s => s != null) ?? "board";
        return LadderBuilder.FromOneSide(lines, name, "peer", options);
    }

    /// <summary>One line per trace line; frame dumps become a short decoded summary.</summary>
    public static string Compact(ParsedTraceLine p)
    {
        string who = p.Source != null ? p.Source + " " : "";
        string body = p.Kind == TraceLineKind.Frame ? "frame " + (p.Direction == TraceDirection.Out ? "> " : "< ") + FrameSummary(p.FrameBytes!) : p.Body;
        return $"{p.TimeMs,8} {who}{body}";
    }

    /// <summary>"60 bytes ARP", "74 bytes IPv4 TCP 10.0.0.1 > 10.0.0.2".</summary>
    public static string FrameSummary(byte[] f)
    {
        string s = $"{f.Length} bytes";
        if (f.Length < 14) return s;
        int type = f[12] << 8 | f[13];
        if (type == 0x0806) return s + " ARP";
        if (type != 0x0800 || f.Length < 34) return s + $" ethertype 0x{type:x4}";
        string src = $"{f[26]}.{f[27]}.{f[28]}.{f[29]}", dst = $"{f[30]}.{f[31]}.{f[32]}.{f[33]}";
        string proto = f[23] switch { 1 => "ICMP", 6 => "TCP", 17 => "UDP", _ => $"proto {f[23]}" };
        int ihl = (f[14] & 0x0F) * 4;
        if ((f[23] == 6 || f[23] == 17) && f.Length >= 14 + ihl + 4)
        {
            int o = 14 + ihl;
            return s + $" IPv4 {proto} {src}:{f[o] << 8 | f[o + 1]} > {dst}:{f[o + 2] << 8 | f[o + 3]}";
        }
        return s + $" IPv4 {proto} {src} > {dst}";
    }

    /// <summary>`stty -F DEV BAUD raw`; an error message, or null when done.</summary>
    private static string? ConfigureSerial(string device, int baud)
    {
        var psi = new ProcessStartInfo("stty") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-F");
        psi.ArgumentList.Add(device);
        psi.ArgumentList.Add(baud.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("raw");
        try
        {
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"stty -F {device} {baud} raw failed: {err.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run stty: {e.Message}";
        }
    }
}
