#nullable enable
using System.Collections.Concurrent;
using System.IO.Ports;
using System.Runtime.InteropServices;
using System.Text;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Trace;

namespace NanoTcp.Cli.Monitor;

/// <summary>
/// `nanotcp monitor`: a serial terminal for the board's console. It opens a serial port by name
/// (System.IO.Ports: Linux, macOS, Windows), a saved console log or trace, or standard input; shows
/// the board's lines with trace lines rendered (<see cref="MonitorSession"/>); passes what you type to
/// the board, which echoes and edits the line itself, except lines starting with ':' (monitor
/// commands); writes the capture and the log as it goes; and on Ctrl-C (SIGINT, SIGTERM) or the end
/// of input closes its files and prints the summary, the connection table and the ladder.
/// </summary>
public static class MonitorCommand
{
    /// <summary>Input quiet this long: pending frames go to the capture file.</summary>
    private const int IdleMs = 200;

    private abstract record Event;
    private sealed record Bytes(byte[] Data) : Event;
    private sealed record LocalCommand(string Line) : Event;
    private sealed record Echo(string Text) : Event;
    private sealed record InputEnded(string? Error) : Event;

    /// <summary>Runs the monitor on <paramref name="o"/>'s input until it ends or <paramref name="ct"/> is cancelled.
    /// <paramref name="keyboard"/>: lines for the board (and ':' commands), null for none; <paramref name="keys"/>:
    /// forward key presses from the terminal instead.</summary>
    public static int Run(MonitorOptions o, TextReader stdin, TextWriter output, TextWriter? error = null,
        CancellationToken ct = default, TextReader? keyboard = null, bool keys = false, bool terminal = false, bool color = false)
    {
        error ??= output;
        Stream source;
        SerialPort? port = null;
        bool live;
        try
        {
            if (o.InputIsSerialPort)
            {
                port = OpenPort(o);
                source = port.BaseStream;
                live = true;
            }
            else if (o.Input != null && o.Input != "-")
            {
                if (Directory.Exists(o.Input))
                {
                    error.WriteLine($"nanotcp monitor: cannot read {o.Input}: it is a directory (give a trace file, - or a serial device)");
                    return 2;
                }
                source = new FileStream(o.Input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                live = false;
            }
            else
            {
                source = stdin == Console.In ? Console.OpenStandardInput()
                    : stdin is StreamReader sr ? sr.BaseStream
                    : new MemoryStream(Encoding.Latin1.GetBytes(stdin.ReadToEnd()));
                live = !Console.IsInputRedirected && stdin == Console.In;
                keyboard = null; // standard input is the board's output here
                keys = false;
            }
        }
        catch (CliError e)
        {
            error.WriteLine($"nanotcp monitor: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"nanotcp monitor: cannot read {o.Input}: {OutputFile.Reason(e, reading: true)}");
            return 2;
        }

        using var session = new MonitorSession(o, output, live, terminal, color,
            o.PcapPath != null ? OutputFile.CreateCapture(o.PcapPath, Sim.Pcap.PcapWriter.NowUnixMs) : null,
            o.LogPath != null ? OutputFile.Create(o.LogPath) : null);
        var events = new BlockingCollection<Event>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (port != null)
        {
            output.WriteLine($"monitor: {o.Input} at {o.Baud} baud {o.DataBits}{ParityLetter(o.Parity)}{StopBitsText(o.StopBits)}; " +
                (keys || keyboard != null ? "type commands for the board, :help for the monitor's own; " : "") + "Ctrl-C stops");
        }
        foreach (var (what, path) in new[] { ("capture", o.PcapPath), ("log", o.LogPath), ("ladder", o.SvgPath) })
            if (path != null) output.WriteLine($"monitor: {what} goes to {OutputFile.Shown(path)}");
        output.Flush();

        StartReader(source, events, stop.Token);
        Action<byte[]>? toBoard = port != null ? b => port.BaseStream.Write(b) : null;
        if (keyboard != null) StartLines(keyboard, events, toBoard, stop.Token);
        else if (keys) StartKeys(events, toBoard, stop.Token);

        string why = "end of input";
        try
        {
            while (true)
            {
                if (!events.TryTake(out Event? e, IdleMs, stop.Token))
                {
                    session.Idle();
                    continue;
                }
                if (e is Bytes b) session.Feed(b.Data);
                else if (e is LocalCommand c) session.Command(c.Line);
                else if (e is Echo echo) output.Write(echo.Text);
                else if (e is InputEnded end)
                {
                    if (end.Error != null) why = $"input ended ({end.Error})";
                    break;
                }
                output.Flush();
            }
        }
        catch (OperationCanceledException)
        {
            why = "stopped";
            // What already arrived is shown and saved before the summary.
            while (events.TryTake(out Event? e)) if (e is Bytes b) session.Feed(b.Data);
        }
        finally
        {
            stop.Cancel();
            try
            {
                session.Finish(why);
            }
            finally
            {
                port?.Dispose();
                if (port == null && o.Input != null && o.Input != "-") source.Dispose();
                output.Flush();
            }
        }
        return 0;
    }

    /// <summary>Entry point for the command line: Ctrl-C, SIGTERM and SIGHUP stop the monitor cleanly.</summary>
    public static int Execute(MonitorOptions o, TextWriter output, TextWriter error)
    {
        using var cts = new CancellationTokenSource();
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                cts.Cancel();
            }));
        }
        try
        {
            bool terminal = !Console.IsOutputRedirected;
            bool color = terminal && !o.NoColor && Environment.GetEnvironmentVariable("NO_COLOR") == null;
            bool board = o.InputIsSerialPort;
            TextReader? lines = board && Console.IsInputRedirected ? Console.In : null;
            bool keys = board && !Console.IsInputRedirected;
            return Run(o, Console.In, output, error, cts.Token, lines, keys, terminal, color);
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    private static SerialPort OpenPort(MonitorOptions o)
    {
        var port = new SerialPort(o.Input!, o.Baud, o.Parity, o.DataBits, o.StopBits) { Handshake = o.Flow, ReadTimeout = SerialPort.InfiniteTimeout };
        try
        {
            port.Open();
            return port;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            string[] known = SerialPort.GetPortNames();
            // System.IO.Ports reports a missing device as access denied on Unix: look first.
            string why = !OperatingSystem.IsWindows() && !File.Exists(o.Input) ? "no such serial port"
                : e is UnauthorizedAccessException
                    ? OperatingSystem.IsWindows() ? "in use by another program" : "permission denied (on Linux, join the dialout group: sudo usermod -aG dialout $USER)"
                    : e.Message;
            throw new CliError($"cannot open {o.Input}: {why}" + (known.Length > 0 ? $" (serial ports here: {string.Join(", ", known)})" : ""));
        }
    }

    private static void StartReader(Stream source, BlockingCollection<Event> events, CancellationToken ct)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[4096];
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    int n = source.Read(buffer, 0, buffer.Length);
                    if (n <= 0) break;
                    events.Add(new Bytes(buffer.AsSpan(0, n).ToArray()));
                }
                events.Add(new InputEnded(null));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // A serial adapter pulled out, or the port closed on the way out.
                if (!ct.IsCancellationRequested) events.Add(new InputEnded(e.Message));
            }
        })
        { IsBackground = true, Name = "nanotcp monitor input" };
        thread.Start();
    }

    /// <summary>Lines from a pipe: each goes to the board with Enter (CR), except ':' lines, which are the monitor's.</summary>
    private static void StartLines(TextReader keyboard, BlockingCollection<Event> events, Action<byte[]>? toBoard, CancellationToken ct)
    {
        var thread = new Thread(() =>
        {
            try
            {
                string? line;
                while (!ct.IsCancellationRequested && (line = keyboard.ReadLine()) != null)
                {
                    if (line.StartsWith(':')) events.Add(new LocalCommand(line));
                    else toBoard?.Invoke(Encoding.Latin1.GetBytes(line + "\r"));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        })
        { IsBackground = true, Name = "nanotcp monitor lines" };
        thread.Start();
    }

    /// <summary>Key presses from the terminal: passed to the board as typed (it echoes and edits); ':' at the
    /// start of a line begins a monitor command, edited here.</summary>
    private static void StartKeys(BlockingCollection<Event> events, Action<byte[]>? toBoard, CancellationToken ct)
    {
        var thread = new Thread(() =>
        {
            var local = new StringBuilder();
            bool atLineStart = true, inLocal = false;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                    char c = key.Key == ConsoleKey.Enter ? '\r' : key.Key == ConsoleKey.Backspace ? '\b' : key.KeyChar;
                    if (c == '\0') continue;
                    if (atLineStart && c == ':') inLocal = true;
                    if (inLocal)
                    {
                        if (c == '\r')
                        {
                            events.Add(new Echo("\r\n"));
                            events.Add(new LocalCommand(local.ToString()));
                            local.Clear();
                            inLocal = false;
                            atLineStart = true;
                        }
                        else if (c == '\b')
                        {
                            if (local.Length > 0) local.Length--;
                            events.Add(new Echo("\b \b"));
                            if (local.Length == 0) inLocal = false;
                        }
                        else if (c >= ' ')
                        {
                            local.Append(c);
                            events.Add(new Echo(c.ToString()));
                            atLineStart = false;
                        }
                        continue;
                    }
                    toBoard?.Invoke(new[] { (byte)c });
                    atLineStart = c == '\r' || c == (char)21;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
            }
        })
        { IsBackground = true, Name = "nanotcp monitor keys" };
        thread.Start();
    }

    private static string ParityLetter(Parity p) => p switch { Parity.Even => "E", Parity.Odd => "O", Parity.Mark => "M", Parity.Space => "S", _ => "N" };

    private static string StopBitsText(StopBits s) => s switch { StopBits.Two => "2", StopBits.OnePointFive => "1.5", _ => "1" };

    /// <summary>
    /// The ladder of a trace: from two sides when the lines carry two prefixes ("pc | ",
    /// "board | "; lines without one, like the demo's LED lines, do not count as a side), else
    /// from the one side (the board, the peer drawn from its segments). <paramref name="connection"/>
    /// is tcp#N as the trace prints it (of the left side); null draws the last connection.
    /// </summary>
    public static LadderDiagram? Ladder(IReadOnlyList<string> lines, int? connection = null)
    {
        var parsed = lines.Select(TraceLineParser.Parse).Where(p => p.Kind != TraceLineKind.Unknown).ToList();
        var sources = parsed.Select(p => p.Source).Where(s => s != null).Distinct().ToList();
        if (sources.Count == 2)
        {
            // The side that sent the first SYN is drawn on the left.
            var first = parsed.FirstOrDefault(p => p.Segment is { Direction: TraceDirection.Out } s && (s.Flags & 0x12) == 0x02 && p.Source != null);
            string a = first?.Source ?? sources[0]!, b = sources.First(s => s != a)!;
            var sideA = parsed.Where(p => p.Source == a).Select(p => p.Raw).ToList();
            int? index = ConnectionIndex(sideA, connection);
            if (index == null) return null;
            return LadderBuilder.FromTwoSides(sideA, a, parsed.Where(p => p.Source == b).Select(p => p.Raw), b,
                new LadderOptions { ConnectionIndex = index.Value });
        }
        var raw = parsed.Select(p => p.Raw).ToList();
        int? i = ConnectionIndex(raw, connection);
        if (i == null) return null;
        string name = sources.FirstOrDefault() ?? "board";
        return LadderBuilder.FromOneSide(raw, name, "peer", new LadderOptions { ConnectionIndex = i.Value });
    }

    /// <summary>Which address pair (in <see cref="LadderBuilder.Connections"/> order) tcp#N carried last; null if none.</summary>
    private static int? ConnectionIndex(List<string> lines, int? connection)
    {
        var pairs = LadderBuilder.Connections(lines);
        if (pairs.Count == 0) return null;
        if (connection == null) return pairs.Count - 1;
        var last = lines.Select(TraceLineParser.Parse).LastOrDefault(p => p.Connection == connection && p.Segment != null);
        if (last == null) return null;
        string x = last.Segment!.Source, y = last.Segment.Destination;
        string key = string.CompareOrdinal(x, y) < 0 ? $"{x} {y}" : $"{y} {x}";
        int index = pairs.ToList().IndexOf(key);
        return index < 0 ? null : index;
    }

    /// <summary>"60 bytes ARP", "74 bytes IPv4 TCP 10.0.0.1:5000 > 10.0.0.2:7".</summary>
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
}
