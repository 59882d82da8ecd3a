#nullable enable
using System.Text.RegularExpressions;
using NanoTcp.Sim.Trace;

namespace NanoTcp.Cli.Monitor;

/// <summary>
/// One trace line as the monitor shows it: the board's time, the line coloured by layer (TCP
/// states bold green, segments cyan, timers magenta, drops red, ARP/ICMP/UDP/DHCP/link each their
/// own), sequence numbers relative to each side's first one (or as printed), frame dumps as a
/// one-line summary.
/// </summary>
public sealed partial class TraceRenderer
{
    private const string Reset = "\u001b[0m";
    private readonly Dictionary<string, uint> _base = new(StringComparer.Ordinal);

    public bool Color { get; set; }
    public SeqNumbers Seq { get; set; } = SeqNumbers.Relative;

    /// <summary>Forgets the sequence bases (the board restarted).</summary>
    public void Clear() => _base.Clear();

    /// <summary>Learns sequence bases from a line (call for every line, shown or not).</summary>
    public void Learn(ParsedTraceLine p)
    {
        if (p.Segment is not { } s) return;
        string dir = $"{s.Source}>{s.Destination}", back = $"{s.Destination}>{s.Source}";
        // A SYN starts the direction afresh (a new connection on the same ports); otherwise the first seq seen.
        if ((s.Flags & 0x02) != 0 || !_base.ContainsKey(dir)) _base[dir] = s.Seq;
        if (s.Ack is uint ack && !_base.ContainsKey(back)) _base[back] = ack - 1;
    }

    public string Render(ParsedTraceLine p)
    {
        string who = p.Source != null ? p.Source + " " : "";
        string body = p.Kind == TraceLineKind.Frame
            ? "frame " + (p.Direction == TraceDirection.Out ? "> " : "< ") + MonitorCommand.FrameSummary(p.FrameBytes!)
            : p.Body;
        if (Seq == SeqNumbers.Relative && p.Segment is { } s) body = Relative(body, s);
        string time = $"{p.TimeMs,8}";
        if (!Color) return $"{time} {who}{body}";
        return $"\u001b[2m{time}{Reset} {who}{ColorOf(p)}{body}{Reset}";
    }

    private string Relative(string body, TraceSegment s)
    {
        string dir = $"{s.Source}>{s.Destination}", back = $"{s.Destination}>{s.Source}";
        body = SeqRx().Replace(body, m => _base.TryGetValue(dir, out uint b) ? $"seq={s.Seq - b}" : m.Value, 1);
        if (s.Ack is uint ack) body = AckRx().Replace(body, m => _base.TryGetValue(back, out uint b) ? $"ack={ack - b}" : m.Value, 1);
        return body;
    }

    private static string ColorOf(ParsedTraceLine p) => p.Kind switch
    {
        TraceLineKind.TcpState => "\u001b[1;32m",
        TraceLineKind.TcpSegment => p.Direction == TraceDirection.Out ? "\u001b[36m" : "\u001b[96m",
        TraceLineKind.TcpTimer => "\u001b[35m",
        TraceLineKind.Drop => "\u001b[31m",
        TraceLineKind.Frame => "\u001b[2m",
        TraceLineKind.Arp => "\u001b[34m",
        TraceLineKind.Icmp => "\u001b[94m",
        TraceLineKind.Udp or TraceLineKind.Dhcp => "\u001b[33m",
        TraceLineKind.Link or TraceLineKind.Address => "\u001b[1;34m",
        _ => "",
    };

    [GeneratedRegex(@"seq=\d+")]
    private static partial Regex SeqRx();

    [GeneratedRegex(@"ack=\d+")]
    private static partial Regex AckRx();
}
