#nullable enable
using System.Diagnostics;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Pcap;
using NanoTcp.Sim.Trace;

namespace NanoTcp.Cli;

/// <summary>Options of `nanotcp monitor`.</summary>
public sealed class MonitorOptions
{
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
}

/// <summary>
/// `nanotcp monitor`: reads a board's serial trace (a file, standard input or a serial device),
/// echoes each line in a compact form as it arrives, and at the end prints a connection table
/// and the ladder diagram of a TCP connection; frame-level lines can be turned into a pcap
/// and the ladder into an SVG.
/// </summary>
public static class MonitorCommand
{
    public static int Run(MonitorOptions o, TextReader input, TextWriter output, TextWriter? error = null)
    {
        error ??= output;
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
                        error.WriteLine($"nanotcp monitor: {err}");
                        return 2;
                    }
                }
                if (Directory.Exists(o.Input))
                {
                    error.WriteLine($"nanotcp monitor: cannot read {o.Input}: it is a directory (give a trace file, - or a serial device)");
                    return 2;
                }
                try
                {
                    opened = new StreamReader(new FileStream(o.Input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"nanotcp monitor: cannot read {o.Input}: {OutputFile.Reason(e, reading: true)}");
                    return 2;
                }
                input = opened;
            }

            using PcapWriter? pcap = o.PcapPath != null ? new PcapWriter(OutputFile.Create(o.PcapPath)) : null;
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
            output.WriteLine($"{parsed} trace lines, {unknown} other lines" + (pcap != null ? $", {frames} frames written to {OutputFile.Shown(o.PcapPath)}" : ""));
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
                OutputFile.WriteAllText(o.SvgPath, LadderSvgRenderer.Render(diagram));
                output.WriteLine($"ladder diagram written to {OutputFile.Shown(o.SvgPath)}");
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
