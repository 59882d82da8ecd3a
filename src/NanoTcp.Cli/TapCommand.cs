using System.Globalization;
using System.Runtime.InteropServices;
using NanoTcp.Device;
using NanoTcp.Sim;
using NanoTcp.Sim.Board;
using NanoTcp.Sim.Pcap;
using NanoTcp.Sim.Tap;
using NanoTcp.Trace;

namespace NanoTcp.Cli;

/// <summary>Options of <c>nanotcp tap</c>.</summary>
public sealed class TapOptions
{
    public const string Usage =
        "usage: nanotcp tap [--name NAME] [--netns NAME] [--drop PCT] [--duplicate PCT] [--reorder PCT] [--corrupt PCT]\n" +
        "                   [--delay MS] [--seed N] [--pcap FILE] [--trace off|states|segments|frames]\n" +
        "                   [--connections N] [--rx-ring BYTES] [--tx-ring BYTES] [--mss BYTES] [--wire-mbps N]\n" +
        "sizes (the board's defaults): --connections 4 TCP connections, --rx-ring 2048 and --tx-ring 2048 bytes\n" +
        "per connection (the receive ring is the window offered, at most 65535), --mss 1460 (0: from the MTU);\n" +
        "--wire-mbps 10 paces the emulated cable at the ENC28J60's line rate, 0 (default) runs it at host speed";

    /// <summary>The TAP interface (default nt0).</summary>
    public string Name = "nt0";
    /// <summary>A network namespace to create for the host side (deleted on exit); null: the host's own.</summary>
    public string Netns;
    /// <summary>Fault rates in percent (0..100), applied in both directions by the bridge.</summary>
    public double Drop, Duplicate, Reorder, Corrupt;
    public int DelayMs;
    public uint Seed = 1;
    public string Pcap;
    public TraceLevel Trace = TraceLevel.Segments;
    public bool Help;
    /// <summary>Console commands for the board, one a line (the CLI passes stdin when it is redirected); null: none.</summary>
    public TextReader Input;
    /// <summary>Forward key presses from the terminal as they are typed (the CLI sets it when stdin is a terminal):
    /// the board's console echoes and edits the line (Backspace, Ctrl-U), as on a serial terminal.</summary>
    public bool Keys;
    /// <summary>Longest poll-loop wait when idle (woken at once by a frame from the TAP, sooner by the board's next deadline).</summary>
    public int IdleWaitMs = 10;
    /// <summary>TCP table and buffer sizes; 0 keeps the board's default (DeviceConfig).</summary>
    public int Connections, RxRing, TxRing, Mss;
    /// <summary>The emulated cable's rate in Mbit/s; 0: host speed (see VirtualBoardOptions.WireBitsPerSecond).</summary>
    public int WireMbps;

    /// <summary>Parses the arguments after "tap". Returns null and a one-line error when they are wrong.</summary>
    public static TapOptions Parse(string[] args, out string error)
    {
        var o = new TapOptions();
        error = null;
        string[] Known = { "--name", "--netns", "--drop", "--duplicate", "--reorder", "--corrupt", "--delay", "--seed", "--pcap", "--trace",
            "--connections", "--rx-ring", "--tx-ring", "--mss", "--wire-mbps" };
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "-h" || a == "--help")
            {
                o.Help = true;
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"nanotcp tap: unexpected argument '{a}' (try --help)";
                return null;
            }
            if (i + 1 >= args.Length)
            {
                error = Known.Contains(a)
                    ? $"nanotcp tap: {a} needs a value (try --help)"
                    : $"nanotcp tap: unknown option '{a}' (try --help)";
                return null;
            }
            string v = args[++i];
            switch (a)
            {
                case "--name":
                    if (!ValidName(v, 15)) { error = $"nanotcp tap: bad interface name '{v}' (1 to 15 letters, digits, '-', '_', '.')"; return null; }
                    o.Name = v;
                    break;
                case "--netns":
                    if (!ValidName(v, 64)) { error = $"nanotcp tap: bad namespace name '{v}' (letters, digits, '-', '_', '.')"; return null; }
                    o.Netns = v;
                    break;
                case "--drop": if (!Percent(a, v, out o.Drop, out error)) return null; break;
                case "--duplicate": if (!Percent(a, v, out o.Duplicate, out error)) return null; break;
                case "--reorder": if (!Percent(a, v, out o.Reorder, out error)) return null; break;
                case "--corrupt": if (!Percent(a, v, out o.Corrupt, out error)) return null; break;
                case "--delay":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out o.DelayMs) || o.DelayMs > 60000)
                    {
                        error = $"nanotcp tap: --delay wants milliseconds 0..60000, not '{v}'";
                        return null;
                    }
                    break;
                case "--seed":
                    if (!uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out o.Seed))
                    {
                        error = $"nanotcp tap: --seed wants a non-negative integer, not '{v}'";
                        return null;
                    }
                    break;
                case "--pcap":
                    o.Pcap = v;
                    break;
                case "--connections": if (!Count(a, v, 1, 64, out o.Connections, out error)) return null; break;
                case "--rx-ring": if (!Count(a, v, 536, 65535, out o.RxRing, out error)) return null; break;
                case "--tx-ring": if (!Count(a, v, 536, 1 << 20, out o.TxRing, out error)) return null; break;
                case "--mss": if (!Count(a, v, 64, 1460, out o.Mss, out error)) return null; break;
                case "--wire-mbps": if (!Count(a, v, 0, 10_000, out o.WireMbps, out error)) return null; break;
                case "--trace":
                    switch (v)
                    {
                        case "off": o.Trace = TraceLevel.Off; break;
                        case "states": o.Trace = TraceLevel.States; break;
                        case "segments": o.Trace = TraceLevel.Segments; break;
                        case "frames": o.Trace = TraceLevel.Frames; break;
                        default:
                            error = $"nanotcp tap: --trace wants off, states, segments or frames, not '{v}'";
                            return null;
                    }
                    break;
                default:
                    error = $"nanotcp tap: unknown option '{a}' (try --help)";
                    return null;
            }
        }
        return o;
    }

    /// <summary>The prefix for commands on the host side: "ip netns exec NAME " or "".</summary>
    public string CommandPrefix => Netns == null ? "" : $"ip netns exec {Netns} ";

    private static bool ValidName(string v, int max)
    {
        if (v.Length == 0 || v.Length > max || v == "." || v == "..") return false;
        foreach (char c in v)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) return false;
        }
        return true;
    }

    /// <summary>The board's configuration with the sizes given on the command line.</summary>
    public DeviceConfig DeviceConfig()
    {
        var cfg = new DeviceConfig();
        if (Connections > 0) cfg.Tcp.Connections = Connections;
        if (RxRing > 0) cfg.Tcp.ReceiveBufferSize = RxRing;
        if (TxRing > 0) cfg.Tcp.SendBufferSize = TxRing;
        if (Mss > 0) cfg.Tcp.Mss = Mss;
        return cfg;
    }

    private static bool Count(string option, string v, int min, int max, out int value, out string error)
    {
        error = null;
        if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return true;
        error = $"nanotcp tap: {option} wants a whole number {min}..{max}, not '{v}'";
        return false;
    }

    private static bool Percent(string option, string v, out double value, out string error)
    {
        error = null;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= 0 && value <= 100) return true;
        error = $"nanotcp tap: {option} wants a percentage 0..100, not '{v}'";
        return false;
    }
}

/// <summary>
/// <c>nanotcp tap</c>: the virtual board (emulated ENC28J60 + driver + the firmware's composition)
/// on the wall clock, its cable bridged to a Linux TAP interface, so the host's own TCP/IP stack,
/// ping, curl, nc and Wireshark talk to it. Board 192.168.77.2/24, host side 192.168.77.1/24.
/// </summary>
public static class TapCommand
{
    /// <summary>Entry point for Program: parses, wires Ctrl-C/SIGTERM, runs on the console.</summary>
    public static int Execute(string[] args)
    {
        TapOptions o = TapOptions.Parse(args, out string error);
        if (o == null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }
        if (o.Help)
        {
            Console.WriteLine(TapOptions.Usage);
            return 0;
        }
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            cts.Cancel();
        });
        if (Console.IsInputRedirected) o.Input = Console.In;
        else o.Keys = true;
        return Run(o, Console.Out, cts.Token);
    }

    public static int Run(TapOptions o, TextWriter output, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            output.WriteLine("nanotcp tap: error: TAP devices need Linux");
            return 1;
        }
        if (!TapDevice.IsRoot)
        {
            output.WriteLine("nanotcp tap: error: " + TapDevice.NeedsRoot);
            return 1;
        }
        TapDevice tap = null;
        HostNetwork net = null;
        PcapWriter pcap = null;
        try
        {
            tap = new TapDevice(o.Name);
            net = HostNetwork.Configure(tap.Name, o.Netns);
            if (o.Pcap != null) pcap = PcapWriter.Create(o.Pcap);

            var clock = new WallClock();
            var options = new VirtualBoardOptions
            {
                Console = output,
                TraceLevel = o.Trace,
                Seed = o.Seed,
                DropPerMille = PerMille(o.Drop),
                DuplicatePerMille = PerMille(o.Duplicate),
                ReorderPerMille = PerMille(o.Reorder),
                CorruptPerMille = PerMille(o.Corrupt),
                DelayMs = o.DelayMs,
                Pcap = pcap,
                Banner = "NanoTcp virtual board on TAP " + tap.Name,
                Device = o.DeviceConfig(),
                WireBitsPerSecond = o.WireMbps * 1_000_000L,
                MaxIdleMs = o.IdleWaitMs,
            };
            var board = new VirtualBoard(tap, clock, options);

            string where = o.Netns == null ? "" : $" in network namespace {o.Netns}";
            output.WriteLine($"board 192.168.77.2/24 (mac 02:4e:54:00:00:02) <-> {tap.Name} 192.168.77.1/24{where}");
            if (options.HasFaults)
            {
                output.WriteLine($"faults (both ways): drop {o.Drop}% duplicate {o.Duplicate}% reorder {o.Reorder}% corrupt {o.Corrupt}% delay {o.DelayMs} ms, seed {o.Seed}");
            }
            var tcp = options.Device.Tcp;
            output.WriteLine($"tcp: {tcp.Connections} connections, rings {tcp.ReceiveBufferSize} B receive (the window) / {tcp.SendBufferSize} B send, mss {board.Device.Tcp.LocalMss}; "
                + $"{board.Device.FootprintBytes} bytes of buffers");
            output.WriteLine(options.WireBitsPerSecond > 0
                ? $"wire: paced at {o.WireMbps} Mbit/s; a burst the driver does not keep up with overflows the chip's receive ring, as on a board"
                : "wire: host speed, not paced at the ENC28J60's 10 Mbit/s (--wire-mbps 10 for that); the bridge waits for room in the chip's receive ring, so nothing overflows it");
            if (o.Pcap != null) output.WriteLine($"capturing the board's side of the wire to {o.Pcap}");
            output.WriteLine("from another terminal, try:");
            output.WriteLine($"  {o.CommandPrefix}ping 192.168.77.2");
            output.WriteLine($"  {o.CommandPrefix}curl http://192.168.77.2/");
            output.WriteLine($"  {o.CommandPrefix}nc 192.168.77.2 7");
            output.WriteLine("type console commands here (help, netstat, stats, trace ...); Ctrl-C stops and removes the TAP"
                + (o.Netns == null ? "" : " and the namespace"));
            output.Flush();

            StartInput(o.Input, board, ct);
            if (o.Keys) StartKeys(board, ct);
            board.Start();
            long turns = 0;
            while (!ct.IsCancellationRequested)
            {
                int sleepMs = board.Poll(clock.NowMs);
                if (++turns % 1024 == 0) board.Serial.TakeOutput(); // echoed already; keep memory flat
                if (sleepMs > 0) tap.WaitReadable(sleepMs);
            }
            output.WriteLine();
            output.WriteLine($"stopped: {board.FramesToBoard} frames to the board, {board.FramesFromBoard} from it"
                + (pcap != null ? $", {pcap.Frames} captured in {o.Pcap}" : ""));
            return 0;
        }
        catch (TapException e)
        {
            output.WriteLine("nanotcp tap: error: " + e.Message);
            return 1;
        }
        catch (IOException e) when (o.Pcap != null && pcap == null)
        {
            output.WriteLine($"nanotcp tap: error: cannot write {o.Pcap}: {e.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException e) when (o.Pcap != null && pcap == null)
        {
            output.WriteLine($"nanotcp tap: error: cannot write {o.Pcap}: {e.Message}");
            return 1;
        }
        finally
        {
            pcap?.Dispose();
            tap?.Dispose();   // closing the descriptor deletes the TAP interface...
            net?.Dispose();   // ...then the namespace goes
            output.Flush();
        }
    }

    private static int PerMille(double percent) => (int)Math.Round(percent * 10);

    private static void StartKeys(VirtualBoard board, CancellationToken ct)
    {
        var reader = new Thread(() =>
        {
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                    char c = key.Key == ConsoleKey.Enter ? '\r' : key.Key == ConsoleKey.Backspace ? '\b' : key.KeyChar;
                    if (c != '\0') board.Type(c.ToString());
                }
            }
            catch (InvalidOperationException)
            {
            }
            catch (IOException)
            {
            }
        })
        { IsBackground = true, Name = "nanotcp tap keys" };
        reader.Start();
    }

    private static void StartInput(TextReader input, VirtualBoard board, CancellationToken ct)
    {
        if (input == null) return;
        var reader = new Thread(() =>
        {
            try
            {
                string line;
                while (!ct.IsCancellationRequested && (line = input.ReadLine()) != null)
                {
                    board.Type(line + "\r");
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true, Name = "nanotcp tap stdin" };
        reader.Start();
    }
}
