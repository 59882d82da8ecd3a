using NanoTcp.Trace;

namespace NanoTcp.Tests.Support;

/// <summary>Formats every event into a preallocated line and counts it, keeping nothing: what a serial console does.</summary>
public sealed class FormattingSink : ITraceSink
{
    private readonly TextLine _line = new(4096);
    public long Events;
    public long Characters;

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        Events++;
        Characters += _line.Length;
    }
}
