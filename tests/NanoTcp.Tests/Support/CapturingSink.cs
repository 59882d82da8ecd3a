using NanoTcp.Trace;

namespace NanoTcp.Tests.Support;

/// <summary>Keeps every trace line (formatted) for assertions.</summary>
public sealed class CapturingSink : ITraceSink
{
    private readonly TextLine _line = new(4096);
    public readonly List<string> Lines = new();
    public readonly List<TraceKind> Kinds = new();

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        Lines.Add(_line.ToString());
        Kinds.Add(e.Kind);
    }

    public bool Any(string fragment) => Lines.Exists(l => l.Contains(fragment));

    public override string ToString() => string.Join("\n", Lines);
}
