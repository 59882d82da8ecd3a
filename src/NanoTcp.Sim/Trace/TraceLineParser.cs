using System.Globalization;
using System.Text.RegularExpressions;

namespace NanoTcp.Sim.Trace;

/// <summary>What a serial trace line is about (the subject after the time stamp).</summary>
public enum TraceLineKind
{
    /// <summary>Not a trace line, or a trace line whose body could not be read.</summary>
    Unknown,
    TcpSegment,
    TcpState,
    TcpTimer,
    Frame,
    Drop,
    Arp,
    Icmp,
    Udp,
    Dhcp,
    Link,
    Address,
    /// <summary>A well-formed "[time] ..." line of another kind (driver events, "event N"): kept as text.</summary>
    Other,
}

/// <summary>Direction of a segment or frame as seen by the node that wrote the line.</summary>
public enum TraceDirection
{
    None,
    /// <summary>"&lt;": received by this node.</summary>
    In,
    /// <summary>"&gt;": sent by this node.</summary>
    Out,
}

/// <summary>One TCP segment line: "tcp#0 &gt;  10.0.0.1:5000 &gt; 10.0.0.2:7 [S.] seq=1 ack=2 win=3 len=4 mss=1460".</summary>
public sealed record TraceSegment(
    TraceDirection Direction,
    string SrcIp,
    int SrcPort,
    string DstIp,
    int DstPort,
    string FlagsText,
    int Flags,
    uint Seq,
    uint? Ack,
    int Window,
    int Length,
    int Mss)
{
    public string Source => $"{SrcIp}:{SrcPort}";
    public string Destination => $"{DstIp}:{DstPort}";

    /// <summary>TCP flag bits (NanoTcp.Wire.TcpFlags values) from tcpdump letters ("S.", "F.", "R", "none").</summary>
    public static int ParseFlags(string text)
    {
        if (text == "none") return 0;
        int f = 0;
        foreach (char c in text)
        {
            f |= c switch
            {
                'F' => 0x01,
                'S' => 0x02,
                'R' => 0x04,
                'P' => 0x08,
                '.' => 0x10,
                'U' => 0x20,
                'E' => 0x40,
                'W' => 0x80,
                _ => -1,
            };
            if (f < 0) return -1;
        }
        return f;
    }
}

/// <summary>One parsed serial trace line. Fields that do not apply to <see cref="Kind"/> are null / default.</summary>
public sealed record ParsedTraceLine
{
    /// <summary>The line as read (without the line end).</summary>
    public required string Raw { get; init; }
    /// <summary>Whatever preceded "[time]": "board" for "board | [...]", null for none or a bare console prompt.</summary>
    public string? Source { get; init; }
    public long TimeMs { get; init; }
    public TraceLineKind Kind { get; init; }
    /// <summary>The text after "[time] ".</summary>
    public string Body { get; init; } = "";
    /// <summary>tcp#N, or -1 ("tcp " lines and non-TCP lines).</summary>
    public int Connection { get; init; } = -1;
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public TraceSegment? Segment { get; init; }
    public string? TimerName { get; init; }
    public long TimerValue { get; init; }
    /// <summary>True when the timer value was printed with " ms".</summary>
    public bool TimerValueIsMs { get; init; }
    /// <summary>Direction of a segment, frame, ARP, ICMP or UDP line.</summary>
    public TraceDirection Direction { get; init; }
    /// <summary>Frame bytes decoded from the hex dump (Kind == Frame only).</summary>
    public byte[]? FrameBytes { get; init; }
    /// <summary>"tcp bad-checksum" for "drop tcp bad-checksum from 10.0.0.9".</summary>
    public string? DropReason { get; init; }
    /// <summary>"10.0.0.9" for "drop ... from 10.0.0.9".</summary>
    public string? DropFrom { get; init; }
}

/// <summary>
/// Reads serial trace lines (the format of NanoTcp.Trace.TraceFormatter) back into records.
/// Never throws: a line that is not a trace line parses as <see cref="TraceLineKind.Unknown"/>
/// (or null from <see cref="TryParse"/>). Accepts prefixes before the time stamp: the board's
/// console prompt "nanotcp> ", the demo's "board | ", or both.
/// </summary>
public static partial class TraceLineParser
{
    [GeneratedRegex(@"^(?<pre>.*?)\[\s*(?<t>\d{1,18})\] (?<body>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LineRx();

    [GeneratedRegex(@"^(?<d>[<>])  (?<sip>\d{1,3}(?:\.\d{1,3}){3}):(?<sp>\d{1,5}) > (?<dip>\d{1,3}(?:\.\d{1,3}){3}):(?<dp>\d{1,5}) \[(?<f>[^\]]{1,8})\] seq=(?<seq>\d{1,10})(?: ack=(?<ack>\d{1,10}))? win=(?<win>\d{1,10})(?: len=(?<len>\d{1,10}))?(?: mss=(?<mss>\d{1,10}))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentRx();

    [GeneratedRegex(@"^(?<from>[A-Z][A-Z0-9-]*) -> (?<to>[A-Z][A-Z0-9-]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex StateRx();

    [GeneratedRegex(@"^timer (?<name>[a-z0-9-]+|\?) (?<v>-?\d{1,18})(?<ms> ms)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TimerRx();

    [GeneratedRegex(@"^frame (?<d>[<>]) (?<n>\d{1,6}) (?<hex>[0-9a-fA-F]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex FrameRx();

    [GeneratedRegex(@"^drop (?<r>.+?)(?: (?:from|to) (?<ip>\d{1,3}(?:\.\d{1,3}){3}))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DropRx();

    /// <summary>Parses one line; a line that is not a trace line gives Kind Unknown (never null, never throws).</summary>
    public static ParsedTraceLine Parse(string? line)
    {
        try
        {
            return ParseCore(line ?? "");
        }
        catch (Exception)
        {
            // Defensive: the parser must survive any garbage a serial line delivers.
            return new ParsedTraceLine { Raw = line ?? "", Kind = TraceLineKind.Unknown };
        }
    }

    /// <summary>Parses one line; null when it is not a readable trace line.</summary>
    public static ParsedTraceLine? TryParse(string? line)
    {
        var p = Parse(line);
        return p.Kind == TraceLineKind.Unknown ? null : p;
    }

    /// <summary>Parses every line, skipping those that are not trace lines.</summary>
    public static IEnumerable<ParsedTraceLine> ParseAll(IEnumerable<string> lines)
    {
        foreach (string l in lines)
        {
            var p = TryParse(l);
            if (p != null) yield return p;
        }
    }

    private static ParsedTraceLine ParseCore(string raw)
    {
        string line = raw.TrimEnd('\r', '\n');
        if (line.Length > 1_000_000) return new ParsedTraceLine { Raw = raw };
        var m = LineRx().Match(line);
        if (!m.Success) return new ParsedTraceLine { Raw = line };
        if (!long.TryParse(m.Groups["t"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long time))
            return new ParsedTraceLine { Raw = line };
        string body = m.Groups["body"].Value;
        var b = new ParsedTraceLine { Raw = line, Source = CleanPrefix(m.Groups["pre"].Value), TimeMs = time, Body = body, Kind = TraceLineKind.Other };

        if (body.StartsWith("tcp", StringComparison.Ordinal))
            return ParseTcp(b, body);
        if (body.StartsWith("frame ", StringComparison.Ordinal))
            return ParseFrame(b, body);
        if (body.StartsWith("drop ", StringComparison.Ordinal))
        {
            var d = DropRx().Match(body);
            if (!d.Success) return b with { Kind = TraceLineKind.Unknown };
            return b with
            {
                Kind = TraceLineKind.Drop,
                DropReason = d.Groups["r"].Value,
                DropFrom = d.Groups["ip"].Success ? d.Groups["ip"].Value : null,
            };
        }
        if (body.StartsWith("arp ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Arp, Direction = DirectionAt(body, 4) };
        if (body.StartsWith("icmp ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Icmp, Direction = DirectionAt(body, 5) };
        if (body.StartsWith("udp ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Udp, Direction = DirectionAt(body, 4) };
        if (body.StartsWith("dhcp ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Dhcp };
        if (body.StartsWith("link ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Link };
        if (body.StartsWith("ip ", StringComparison.Ordinal)) return b with { Kind = TraceLineKind.Address };
        return b;
    }

    private static TraceDirection DirectionAt(string body, int i) =>
        i < body.Length ? body[i] switch { '<' => TraceDirection.In, '>' => TraceDirection.Out, _ => TraceDirection.None } : TraceDirection.None;

    private static string? CleanPrefix(string pre)
    {
        string s = pre.Trim();
        // The board's console prompt may precede a line (possibly repeated when the user pressed enter).
        while (s.StartsWith("nanotcp>", StringComparison.Ordinal)) s = s[8..].TrimStart();
        while (s.EndsWith("nanotcp>", StringComparison.Ordinal)) s = s[..^8].TrimEnd();
        s = s.Trim().TrimEnd('|', ':').Trim();
        return s.Length == 0 ? null : s;
    }

    private static ParsedTraceLine ParseTcp(ParsedTraceLine b, string body)
    {
        int conn = -1;
        string rest;
        if (body.StartsWith("tcp#", StringComparison.Ordinal))
        {
            int sp = body.IndexOf(' ');
            if (sp < 0 || !int.TryParse(body.AsSpan(4, sp - 4), NumberStyles.None, CultureInfo.InvariantCulture, out conn))
                return b with { Kind = TraceLineKind.Unknown };
            rest = body[(sp + 1)..];
        }
        else if (body.StartsWith("tcp ", StringComparison.Ordinal))
        {
            rest = body[4..];
        }
        else
        {
            return b;
        }
        b = b with { Connection = conn };

        if (rest.StartsWith("timer ", StringComparison.Ordinal))
        {
            var t = TimerRx().Match(rest);
            if (!t.Success || !long.TryParse(t.Groups["v"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                return b with { Kind = TraceLineKind.Unknown };
            return b with { Kind = TraceLineKind.TcpTimer, TimerName = t.Groups["name"].Value, TimerValue = v, TimerValueIsMs = t.Groups["ms"].Success };
        }
        if (rest.StartsWith("< ", StringComparison.Ordinal) || rest.StartsWith("> ", StringComparison.Ordinal))
        {
            var s = SegmentRx().Match(rest);
            if (!s.Success) return b with { Kind = TraceLineKind.Unknown };
            string flagsText = s.Groups["f"].Value;
            int flags = TraceSegment.ParseFlags(flagsText);
            if (flags < 0
                || !TryIp(s.Groups["sip"].Value) || !TryIp(s.Groups["dip"].Value)
                || !TryInt(s.Groups["sp"].Value, 65535, out int sport) || !TryInt(s.Groups["dp"].Value, 65535, out int dport)
                || !uint.TryParse(s.Groups["seq"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out uint seq)
                || !TryInt(s.Groups["win"].Value, int.MaxValue, out int win))
                return b with { Kind = TraceLineKind.Unknown };
            uint? ack = null;
            if (s.Groups["ack"].Success)
            {
                if (!uint.TryParse(s.Groups["ack"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out uint a))
                    return b with { Kind = TraceLineKind.Unknown };
                ack = a;
            }
            int len = 0, mss = 0;
            if (s.Groups["len"].Success && !TryInt(s.Groups["len"].Value, int.MaxValue, out len)) return b with { Kind = TraceLineKind.Unknown };
            if (s.Groups["mss"].Success && !TryInt(s.Groups["mss"].Value, 65535, out mss)) return b with { Kind = TraceLineKind.Unknown };
            var dir = s.Groups["d"].Value == ">" ? TraceDirection.Out : TraceDirection.In;
            return b with
            {
                Kind = TraceLineKind.TcpSegment,
                Direction = dir,
                Segment = new TraceSegment(dir, s.Groups["sip"].Value, sport, s.Groups["dip"].Value, dport,
                    flagsText, flags, seq, ack, win, len, mss),
            };
        }
        var st = StateRx().Match(rest);
        if (st.Success)
            return b with { Kind = TraceLineKind.TcpState, FromState = st.Groups["from"].Value, ToState = st.Groups["to"].Value };
        return b with { Kind = TraceLineKind.Unknown };
    }

    private static ParsedTraceLine ParseFrame(ParsedTraceLine b, string body)
    {
        var f = FrameRx().Match(body);
        if (!f.Success || !TryInt(f.Groups["n"].Value, 1 << 20, out int n)) return b with { Kind = TraceLineKind.Unknown };
        string hex = f.Groups["hex"].Value;
        // A truncated or garbled dump (lost serial characters) is not a frame: never guess bytes.
        if (hex.Length != 2 * n) return b with { Kind = TraceLineKind.Unknown };
        byte[] bytes = Convert.FromHexString(hex);
        var dir = f.Groups["d"].Value == ">" ? TraceDirection.Out : TraceDirection.In;
        return b with { Kind = TraceLineKind.Frame, Direction = dir, FrameBytes = bytes };
    }

    private static bool TryInt(string s, int max, out int v) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v <= max;

    private static bool TryIp(string s)
    {
        foreach (string part in s.Split('.'))
        {
            if (!TryInt(part, 255, out _)) return false;
        }
        return true;
    }
}
