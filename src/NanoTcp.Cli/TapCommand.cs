using System.Globalization;
using System.Runtime.InteropServices;
using NanoTcp.Cli.CommandLine;
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
    /// <summary>Console commands for the board, one a line (the CLI passes stdin when it is redirected); null: none.</summary>
    public TextReader Input;
    /// <summary>Forward key presses from the terminal as they are typed (the CLI sets it when stdin is a terminal):
    /// the board's console echoes and edits the line (Backspace, Ctrl-U), as on a serial terminal.</summary>
    public bool Keys;
    /// <summary>Longest poll-loop wait when idle (woken at once by a frame from the TAP, sooner by the board's next deadline).</summary>
    public int IdleWaitMs = 10;
    /// <summary>TCP table and buffer sizes; 0 keeps the board's default (DeviceConfig).</summary>
    public BoardSizes Sizes = new();
    /// <summary>The emulated cable's rate in Mbit/s; 0: host speed (see VirtualBoardOptions.WireBitsPerSecond).</summary>
    public int WireMbps;

    /// <summary>The prefix for commands on the host side: "ip netns exec NAME " or "".</summary>
    public string CommandPrefix => Netns == null ? "" : $"ip netns exec {Netns} ";

    /// <summary>The board's configuration with the sizes given on the command line.</summary>
    public DeviceConfig DeviceConfig() => Sizes.DeviceConfig();
}

/// <summary>
/// <c>nanotcp tap</c>: the virtual board (emulated ENC28J60 + driver + the firmware's composition)
/// on the wall clock, its cable bridged to a Linux TAP interface, so the host's own TCP/IP stack,
/// ping, curl, nc and Wireshark talk to it. Board 192.168.77.2/24, host side 192.168.77.1/24.
/// </summary>
public static class TapCommand
{
    /// <summary>Entry point for the command line: wires Ctrl-C/SIGTERM and the terminal, runs on the console.</summary>
    public static int Execute(TapOptions o, TextWriter output, TextWriter error)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            cts.Cancel();
        });
        try
        {
            if (Console.IsInputRedirected) o.Input = Console.In;
            else o.Keys = true;
            return Run(o, output, cts.Token, error);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled; errors go to <paramref name="error"/> (default: <paramref name="output"/>)
    /// as one line with exit code 1 (no root, no TAP); a capture path that cannot be written is a <see cref="CliError"/>.</summary>
    public static int Run(TapOptions o, TextWriter output, CancellationToken ct, TextWriter error = null)
    {
        error ??= output;
        string invalid = o.Sizes.Error();
        if (invalid != null)
        {
            error.WriteLine("nanotcp tap: " + invalid);
            return 2;
        }
        if (!OperatingSystem.IsLinux())
        {
            error.WriteLine("nanotcp tap: error: TAP devices need Linux");
            return 1;
        }
        if (!TapDevice.IsRoot)
        {
            error.WriteLine("nanotcp tap: error: " + TapDevice.NeedsRoot);
            return 1;
        }
        TapDevice tap = null;
        HostNetwork net = null;
        PcapWriter pcap = null;
        try
        {
            tap = new TapDevice(o.Name);
            net = HostNetwork.Configure(tap.Name, o.Netns);
            if (o.Pcap != null) pcap = OutputFile.CreateCapture(o.Pcap);

            var clock = new WallClock();
            if (pcap != null)
            {
                // Real dates in the capture (board time 0 = now), and every frame on disk at once, for Wireshark reading it live.
                pcap.OriginUnixMs = PcapWriter.NowUnixMs;
                pcap.FlushEachFrame = true;
            }
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
            if (o.Pcap != null) output.WriteLine($"capturing the board's side of the wire to {OutputFile.Shown(o.Pcap)}");
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
                + (pcap != null ? $", {pcap.Frames} captured in {OutputFile.Shown(o.Pcap)}" : ""));
            return 0;
        }
        catch (TapException e)
        {
            error.WriteLine("nanotcp tap: error: " + e.Message);
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
