using NanoTcp.Sim.Pcap;

namespace NanoTcp.Sim.Trace;

/// <summary>
/// Rebuilds a capture from frame-level trace lines ("[t] frame &lt; 60 ffff...", trace level
/// Frames): each readable frame line becomes one pcap record at its trace time. Lines of
/// other kinds, and truncated dumps, are skipped.
/// </summary>
public static class TraceToPcap
{
    /// <summary>Writes the frames of <paramref name="lines"/> to <paramref name="writer"/>; returns how many.
    /// <paramref name="source"/> keeps only lines of that prefix ("board" for "board | [...]"), when given.</summary>
    public static int Convert(IEnumerable<string> lines, PcapWriter writer, string? source = null)
    {
        int n = 0;
        foreach (string line in lines)
        {
            if (Write(TraceLineParser.Parse(line), writer, source)) n++;
        }
        return n;
    }

    /// <summary>Writes the frames of <paramref name="lines"/> into a new pcap file; returns how many.</summary>
    public static int Convert(IEnumerable<string> lines, string pcapPath, string? source = null)
    {
        using var writer = PcapWriter.Create(pcapPath);
        return Convert(lines, writer, source);
    }

    /// <summary>Writes one parsed line if it is a frame (of <paramref name="source"/>, when given).</summary>
    public static bool Write(ParsedTraceLine line, PcapWriter writer, string? source = null)
    {
        if (line.Kind != TraceLineKind.Frame || line.FrameBytes == null) return false;
        if (source != null && line.Source != source) return false;
        writer.Write(line.TimeMs, line.FrameBytes, line.Direction == TraceDirection.In ? FrameDirection.Inbound : FrameDirection.Outbound);
        return true;
    }
}
