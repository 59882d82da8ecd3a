#nullable enable
using Stopwatch = System.Diagnostics.Stopwatch;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Pcap;
using NanoTcp.Sim.Serial;
using NanoTcp.Sim.Trace;
using NanoTcp.Trace;

namespace NanoTcp.Cli.Monitor;

/// <summary>
/// What `nanotcp monitor` does with the board's byte stream, without threads or devices (the
/// command feeds it; tests feed it directly): lines assembled as a terminal shows them, trace
/// lines rendered and filtered, the connection table kept live, frames written to the capture
/// and the raw bytes to the log as they arrive, monitor commands (":table", ":ladder 0", ...)
/// answered, and at the end the summary, the ladder and the SVG. Files are opened by the caller
/// (their paths checked first) and closed by <see cref="Dispose"/>.
/// </summary>
public sealed class MonitorSession : IDisposable
{
    private readonly MonitorOptions _o;
    private readonly TextWriter _out;
    private readonly bool _live;
    private readonly bool _terminal;
    private readonly SerialLineAssembler _lines = new();
    private readonly TraceRenderer _renderer = new();
    private readonly ConnectionTable _table = new();
    private readonly List<string> _boot = new();   // trace lines since the board's last start (for the ladder)
    private readonly PcapWriter? _pcap;
    private readonly TraceFrameComments? _comments;
    private readonly Stream? _log;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private string _shownPartial = "";
    private long _lastBoardMs = -1;
    private long _lastLineWallMs;
    private int? _connection;
    private int? _port;
    private TraceLevel _level;

    /// <param name="live">input from a serial port or a terminal: TIME-WAIT counts down on the wall clock</param>
    /// <param name="terminal">output to a terminal: the line being received (the prompt, echoed typing) shows as it grows</param>
    public MonitorSession(MonitorOptions o, TextWriter output, bool live, bool terminal, bool color, PcapWriter? pcap = null, Stream? log = null)
    {
        _o = o;
        _out = output;
        _live = live;
        _terminal = terminal;
        _renderer.Color = color;
        _renderer.Seq = o.Seq;
        _connection = o.Connection;
        _port = o.Port;
        _level = o.Level;
        _pcap = pcap;
        _log = log;
        if (pcap != null)
        {
            pcap.FlushEachFrame = true;
            if (pcap.Format == CaptureFormat.PcapNg) _comments = new TraceFrameComments(pcap);
        }
    }

    public int TraceLines { get; private set; }
    public int OtherLines { get; private set; }
    public long FramesWritten => _pcap?.Frames ?? 0;
    public int Restarts { get; private set; }
    public long LogBytes { get; private set; }

    /// <summary>Bytes from the board, as they arrived.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        if (_log != null)
        {
            _log.Write(bytes);
            _log.Flush();
            LogBytes += bytes.Length;
        }
        _lines.Feed(bytes, OnLine);
        ShowPartial();
    }

    /// <summary>Nothing arrived for a while: every pending frame goes to the capture file (with the comments it has).</summary>
    public void Idle() => _pcap?.Flush();

    /// <summary>A line the user typed that starts with ':' — a command for the monitor, not for the board.</summary>
    public void Command(string line)
    {
        string[] w = line.TrimStart(':').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string verb = w.Length > 0 ? w[0].ToLowerInvariant() : "help";
        ClearPartial();
        switch (verb)
        {
            case "t":
            case "table":
                _out.WriteLine(_table.Format(BoardNowMs));
                break;
            case "l":
            case "ladder":
                if (w.Length > 1 && int.TryParse(w[1], out int n)) _connection = n;
                DrawLadder(writeSvg: true);
                break;
            case "seq":
                _renderer.Seq = w.Length > 1 && w[1].StartsWith("abs", StringComparison.OrdinalIgnoreCase) ? SeqNumbers.Absolute : SeqNumbers.Relative;
                _out.WriteLine($"monitor: sequence numbers {(_renderer.Seq == SeqNumbers.Absolute ? "as the board prints them" : "relative to each side's first")}");
                break;
            case "filter":
                Filter(w.Skip(1).ToArray());
                break;
            default:
                _out.WriteLine("monitor commands (everything else goes to the board):");
                _out.WriteLine("  :table              connections: state, since when, addresses, TIME-WAIT time left");
                _out.WriteLine("  :ladder [N]         the ladder diagram of tcp#N (default: the chosen or the last connection)");
                _out.WriteLine("  :seq rel|abs        sequence numbers relative to each side's first, or as printed");
                _out.WriteLine("  :filter conn N | port P | level states|segments|frames | off");
                _out.WriteLine("  Ctrl-C              stop: close the files and print the summary");
                break;
        }
        ShowPartial(force: true);
    }

    /// <summary>End of input (or Ctrl-C): the last partial line, the summary, the table and the ladder; the files are complete after <see cref="Dispose"/>.</summary>
    public void Finish(string why)
    {
        // What is left is normally the board's prompt, waiting: not a line of its own.
        _lines.End((text, cut) =>
        {
            if (text != NanoTcp.Shell.SerialConsole.Prompt.TrimEnd()) OnLine(text, cut);
        });
        ClearPartial();
        _pcap?.Flush();
        _out.WriteLine();
        _out.WriteLine($"{why}: {TraceLines} trace lines, {OtherLines} other lines" +
            (_lines.GarbageBytes > 0 ? $", {_lines.GarbageBytes} bytes of line noise skipped" : "") +
            (Restarts > 0 ? $", {Restarts} board restart{(Restarts > 1 ? "s" : "")}" : ""));
        if (_pcap != null) _out.WriteLine($"capture: {_pcap.Frames} frames written to {OutputFile.Shown(_o.PcapPath!)}" +
            (_pcap.Frames == 0 ? " (frames appear with the board's `trace frames`)" : ""));
        if (_log != null) _out.WriteLine($"log: {LogBytes} bytes written to {OutputFile.Shown(_o.LogPath!)}");
        if (_table.Count > 0)
        {
            _out.WriteLine();
            _out.WriteLine(_table.Format(BoardNowMs));
        }
        DrawLadder(writeSvg: true);
    }

    public void Dispose()
    {
        _pcap?.Dispose();
        _log?.Dispose();
    }

    /// <summary>The board's clock now: the last trace time, plus the wall time since it when live.</summary>
    private long BoardNowMs => _lastBoardMs < 0 ? 0 : _lastBoardMs + (_live ? _wall.ElapsedMilliseconds - _lastLineWallMs : 0);

    private void OnLine(string text, bool cut)
    {
        if (text.Length == 0) return;
        var p = TraceLineParser.Parse(text);
        if (p.Kind == TraceLineKind.Unknown)
        {
            OtherLines++;
            if (!_o.Quiet)
            {
                ClearPartial();
                _out.WriteLine(cut ? text + "  (cut off)" : text);
            }
            return;
        }
        if (_lastBoardMs >= 0 && p.TimeMs + 1000 < _lastBoardMs && p.Source == null)
        {
            // The clock went back: the board started again, and its connections are gone.
            Restarts++;
            ClearPartial();
            _out.WriteLine($"-- the board restarted (its clock went from {_lastBoardMs} ms back to {p.TimeMs} ms)");
            _table.Clear();
            _renderer.Clear();
            _boot.Clear();
        }
        TraceLines++;
        _lastBoardMs = Math.Max(p.TimeMs, p.Source == null ? p.TimeMs : _lastBoardMs);
        _lastLineWallMs = _wall.ElapsedMilliseconds;
        _boot.Add(p.Raw);
        _table.Learn(p);
        _renderer.Learn(p);
        if (_pcap != null)
        {
            // A new frame: the earlier ones have all their comments (their lines came before this one).
            if (p.Kind == TraceLineKind.Frame) _pcap.Flush();
            TraceToPcap.Write(p, _pcap);
            _comments?.OnTraceLine(p);
        }
        if (_o.Quiet || !Shown(p)) return;
        ClearPartial();
        _out.WriteLine(_renderer.Render(p));
    }

    private bool Shown(ParsedTraceLine p)
    {
        if (!TracePrintFilter.Shows(p.Raw, _level)) return false;
        if (_connection is int c && p.Connection != c) return false;
        if (_port is int port)
        {
            if (p.Segment is { } s) return s.SrcPort == port || s.DstPort == port;
            if (p.Connection >= 0) return _table.Rows.Any(r => r.Name.EndsWith("tcp#" + p.Connection, StringComparison.Ordinal)
                && (r.Local?.EndsWith(":" + port, StringComparison.Ordinal) == true || r.Remote?.EndsWith(":" + port, StringComparison.Ordinal) == true));
            return p.Kind == TraceLineKind.Udp && p.Body.Contains(":" + port + " ", StringComparison.Ordinal);
        }
        return true;
    }

    private void Filter(string[] w)
    {
        string what = w.Length > 0 ? w[0] : "";
        string? v = w.Length > 1 ? w[1] : null;
        if (what == "off") { _connection = null; _port = null; _level = TraceLevel.Frames; }
        else if (what == "conn" && int.TryParse(v, out int c)) _connection = c;
        else if (what == "port" && int.TryParse(v, out int port)) _port = port;
        else if (what == "level" && TracePrintFilter.Parse(v ?? "") is TraceLevel l) _level = l;
        else
        {
            _out.WriteLine("monitor: :filter conn N | port P | level states|segments|frames | off");
            return;
        }
        _out.WriteLine($"monitor: showing {(_connection is int n ? "tcp#" + n : "every connection")}" +
            $"{(_port is int pp ? ", port " + pp : "")}, trace up to {_level.ToString().ToLowerInvariant()}");
    }

    private void DrawLadder(bool writeSvg)
    {
        var diagram = MonitorCommand.Ladder(_boot, _connection);
        if (diagram == null || diagram.Items.Count == 0)
        {
            _out.WriteLine();
            _out.WriteLine(_connection is int c
                ? $"no segments of tcp#{c} in the trace: no ladder diagram (:table lists the connections)"
                : "no TCP segments in the trace: no ladder diagram (the board prints them with `trace segments`)");
            return;
        }
        _out.WriteLine();
        _out.Write(LadderTerminalRenderer.Render(diagram, _o.Ascii, _o.Width));
        if (writeSvg && _o.SvgPath != null)
        {
            OutputFile.WriteAllText(_o.SvgPath, LadderSvgRenderer.Render(diagram));
            _out.WriteLine($"ladder diagram written to {OutputFile.Shown(_o.SvgPath)}");
        }
    }

    /// <summary>On a terminal, the line being received (the prompt and the echo of what is typed) shows as it grows.</summary>
    private void ShowPartial(bool force = false)
    {
        if (!_terminal || _o.Quiet) return;
        string partial = _lines.Partial;
        if (partial == _shownPartial && !force) return;
        _out.Write("\r\u001b[K" + partial + (partial.EndsWith('>') ? " " : ""));
        _out.Flush();
        _shownPartial = partial;
    }

    private void ClearPartial()
    {
        if (!_terminal || _shownPartial.Length == 0) return;
        _out.Write("\r\u001b[K");
        _shownPartial = "";
    }
}
