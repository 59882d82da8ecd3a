#nullable enable
using NanoTcp.Sim.Trace;

namespace NanoTcp.Cli.Monitor;

/// <summary>Each connection the trace has shown (tcp#N, per side): its state, since when, its addresses, and TIME-WAIT's end.</summary>
public sealed class ConnectionTable
{
    private readonly SortedDictionary<string, Row> _rows = new(StringComparer.Ordinal);

    public sealed class Row
    {
        public required string Name;
        public string State = "?";
        public long SinceMs;
        public string? Local;
        public string? Remote;
        /// <summary>When TIME-WAIT ends, board time; null outside TIME-WAIT.</summary>
        public long? TimeWaitEndsMs;
    }

    public int Count => _rows.Count;

    public IEnumerable<Row> Rows => _rows.Values;

    public void Clear() => _rows.Clear();

    public void Learn(ParsedTraceLine p)
    {
        if (p.Connection < 0 || p.Kind is not (TraceLineKind.TcpState or TraceLineKind.TcpSegment or TraceLineKind.TcpTimer)) return;
        string name = (p.Source != null ? p.Source + " " : "") + "tcp#" + p.Connection;
        if (!_rows.TryGetValue(name, out var row)) _rows[name] = row = new Row { Name = name, SinceMs = p.TimeMs };
        switch (p.Kind)
        {
            case TraceLineKind.TcpState:
                row.State = p.ToState!;
                row.SinceMs = p.TimeMs;
                if (p.ToState != "TIME-WAIT") row.TimeWaitEndsMs = null;
                if (p.FromState is "CLOSED" or "LISTEN") row.Local = row.Remote = null; // the slot carries a new connection
                break;
            case TraceLineKind.TcpSegment when p.Segment is { } s:
                row.Local = p.Direction == TraceDirection.Out ? s.Source : s.Destination;
                row.Remote = p.Direction == TraceDirection.Out ? s.Destination : s.Source;
                break;
            case TraceLineKind.TcpTimer when p.TimerName is "2msl-start" or "2msl-restart":
                row.TimeWaitEndsMs = p.TimeMs + p.TimerValue;
                break;
        }
    }

    /// <summary>The table as text; <paramref name="boardNowMs"/> is the board's clock now (for TIME-WAIT's time left).</summary>
    public string Format(long boardNowMs)
    {
        if (_rows.Count == 0) return "no TCP connection seen yet";
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"connection",-16} {"state",-12} {"since (ms)",10}  {"local",-21} {"remote",-21} ");
        foreach (var r in _rows.Values)
        {
            string note = r.TimeWaitEndsMs is long end
                ? (end > boardNowMs ? $"TIME-WAIT {FormatLeft(end - boardNowMs)} left" : "TIME-WAIT over")
                : "";
            sb.AppendLine($"{r.Name,-16} {r.State,-12} {r.SinceMs,10}  {r.Local ?? "",-21} {r.Remote ?? "",-21} {note}".TrimEnd());
        }
        return sb.ToString().TrimEnd('\n', '\r');
    }

    private static string FormatLeft(long ms) => ms >= 10_000 ? $"{ms / 1000} s" : $"{ms / 1000.0:0.0} s";
}
