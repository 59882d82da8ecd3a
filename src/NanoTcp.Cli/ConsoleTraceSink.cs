using NanoTcp.Trace;

namespace NanoTcp.Cli;

/// <summary>Prints trace lines as the board's serial console would, prefixed with the node's name.</summary>
public sealed class ConsoleTraceSink : ITraceSink
{
    private readonly TextLine _line = new(4096);
    private readonly string _prefix;
    private readonly TextWriter _out;

    public ConsoleTraceSink(string prefix, TextWriter output, TraceLevel shown = TraceLevel.Frames)
    {
        _prefix = prefix;
        _out = output;
        Shown = shown;
    }

    /// <summary>Which lines are printed (all are kept in <see cref="Lines"/>).</summary>
    public TraceLevel Shown { get; }

    /// <summary>Every line printed, without the prefix (for the ladder diagram).</summary>
    public List<string> Lines { get; } = new();

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        string line = _line.ToString();
        Lines.Add(line);
        if (TracePrintFilter.Shows(line, Shown))
        {
            _out.Write(_prefix);
            _out.WriteLine(line);
        }
    }
}
