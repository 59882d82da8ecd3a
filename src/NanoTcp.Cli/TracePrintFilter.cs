using NanoTcp.Sim.Trace;
using NanoTcp.Trace;

namespace NanoTcp.Cli;

/// <summary>
/// What `--trace` shows of a run. The simulation always records at least segments (the ladder
/// diagram needs them); this decides which recorded lines are printed.
/// </summary>
public static class TracePrintFilter
{
    public static TraceLevel Recording(TraceLevel shown) => shown == TraceLevel.Frames ? TraceLevel.Frames : TraceLevel.Segments;

    /// <summary>True when a trace line belongs to the level the user asked for. Non-trace text always shows.</summary>
    public static bool Shows(string line, TraceLevel shown)
    {
        var p = TraceLineParser.Parse(line);
        if (p.Kind == TraceLineKind.Unknown) return true;
        switch (shown)
        {
            case TraceLevel.Off:
                return false;
            case TraceLevel.States:
                return p.Kind is TraceLineKind.TcpState or TraceLineKind.TcpTimer or TraceLineKind.Link
                    or TraceLineKind.Dhcp or TraceLineKind.Address or TraceLineKind.Other;
            case TraceLevel.Segments:
                return p.Kind != TraceLineKind.Frame;
            default:
                return true;
        }
    }

    /// <summary>Parses off|states|segments|frames; null when it is none of them.</summary>
    public static TraceLevel? Parse(string s) => s switch
    {
        "off" => TraceLevel.Off,
        "states" => TraceLevel.States,
        "segments" => TraceLevel.Segments,
        "frames" => TraceLevel.Frames,
        _ => null,
    };
}
