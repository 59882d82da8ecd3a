using Stopwatch = System.Diagnostics.Stopwatch;
using System.Text;
using NanoTcp.Cli.CommandLine;
using NanoTcp.Device;
using NanoTcp.Iface;
using NanoTcp.Leds;
using NanoTcp.Phy;
using NanoTcp.Sim;
using NanoTcp.Sim.Board;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Cli;

/// <summary>
/// `nanotcp demo`: the virtual board — the very composition the firmware runs (driver over the
/// emulated ENC28J60, interface, TCP, services, console, LEDs) — and a PC on an in-memory cable,
/// on a virtual clock. The PC resolves the board with ARP, pings it, uses its UDP echo, then
/// opens a TCP connection to the echo service, sends a line, gets it back and closes first; its
/// TIME-WAIT is counted down. The board's serial console, the PC's trace and the board's LED
/// panel are printed as they happen; the ladder diagram of the TCP connection closes the show.
/// </summary>
public static class Demo
{
    public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);
    public static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);

    /// <param name="speed">virtual milliseconds per real millisecond; 0 runs as fast as possible</param>
    public static int Run(TextWriter output, string pcapPath = null, string svgPath = null, bool ascii = false, double speed = 20,
        TraceLevel trace = TraceLevel.Segments, uint seed = 0, bool color = false, BoardSizes sizes = null)
    {
        using PcapWriter pcap = pcapPath != null ? OutputFile.CreateCapture(pcapPath) : null;
        var clock = new VirtualClock(0);
        var cable = new MemoryLink();
        var options = new VirtualBoardOptions
        {
            Address = BoardIp,
            Gateway = Ipv4Address.Make(192, 168, 7, 1),
            MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0x50 },
            TraceLevel = TracePrintFilter.Recording(trace),
            Pcap = pcap,
            IsnKey = seed == 0 ? Encoding.ASCII.GetBytes("nanotcp demo key") : KeyFrom(seed, 1),
            Banner = "NanoTcp virtual board: ESP32 + ENC28J60 (emulated), 192.168.7.50",
        };
        options.Device.Leds = LedLayout.FourLeds;
        sizes?.Apply(options.Device);
        var board = new VirtualBoard(cable.B, clock, options);

        var pcSink = new ConsoleTraceSink("pc    | ", output, trace);
        var pc = new NetInterface(cable.A,
            new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 0x02, 0x50, 0x43, 0, 0, 0x10 } },
            new Tracer(pcSink, TracePrintFilter.Recording(trace)));
        var pcTcp = new TcpStack(new TcpConfig { IsnKey = seed == 0 ? Encoding.ASCII.GetBytes("nanotcp the pc!!") : KeyFrom(seed, 2) }, pc, pc.Tracer);
        pc.AttachTransport(pcTcp);
        var udp = pc.OpenUdp(40000);
        var replies = new ReplyCounter();
        pc.PingListener = replies;

        var panel = new LedPanel(board.Device.Leds, output, ascii, color);
        var boardLines = new List<string>();
        var pacer = new Pacer(speed);

        output.WriteLine("NanoTcp demo: the board's firmware on a virtual board (emulated ENC28J60, virtual LEDs and");
        output.WriteLine("serial console) and a PC, on an in-memory Ethernet cable. \"board |\" lines are the board's");
        output.WriteLine("serial console, \"pc |\" lines the PC's trace, \"LEDs\" the board's four LEDs.");
        output.WriteLine(speed > 0
            ? $"Virtual time runs {speed:0.#}x faster than real time (--speed 1 for real time)."
            : "Virtual time runs as fast as the machine allows.");
        output.WriteLine();

        void Step(long ms, Action<long> each = null)
        {
            for (long i = 0; i < ms; i++)
            {
                long now = clock.NowMs;
                board.Poll(now);
                PrintConsole(board.Serial.TakeOutput(), output, boardLines, trace);
                panel.Update(now);
                pc.Poll(now);
                each?.Invoke(now);
                clock.Advance(1);
                pacer.Wait(clock.NowMs);
            }
        }

        board.Start();
        Step(1);
        output.WriteLine("-- the PC pings the board three times (the first ping waits for ARP: it is not lost)");
        for (int seq = 1; seq <= 3; seq++)
        {
            pc.SendPing(BoardIp, 0x4E54, seq, 56, clock.NowMs);
            Step(1000);
        }

        output.WriteLine("-- the PC sends a datagram to the board's UDP echo service (port 7)");
        byte[] hello = Encoding.ASCII.GetBytes("hello, board");
        udp.SendTo(BoardIp, 7, hello, 0, hello.Length, clock.NowMs);
        Step(10);
        var buffer = new byte[64];
        int n = udp.Receive(buffer, 0, buffer.Length, out uint from, out int port);
        string echoed = n > 0 ? Encoding.ASCII.GetString(buffer, 0, n) : "(nothing)";

        output.WriteLine("-- the PC opens a TCP connection to the board's echo service: SYN, SYN-ACK, ACK");
        int h = pcTcp.Connect(BoardIp, 7, 50000);
        Step(10);
        byte[] line = Encoding.ASCII.GetBytes("hello over tcp");
        pcTcp.Send(h, line, 0, line.Length);
        Step(10);
        int tn = pcTcp.Receive(h, buffer, 0, buffer.Length);
        string tcpEchoed = tn > 0 ? Encoding.ASCII.GetString(buffer, 0, tn) : "(nothing)";

        // Three segments, not the textbook's four: say so, and where the four are shown.
        output.WriteLine("-- the PC closes first (FIN); the board's echo service closes at once, so the board's ACK of that FIN");
        output.WriteLine("   rides on its own FIN (FIN, ACK); the PC's ACK ends it and the PC waits in TIME-WAIT");
        output.WriteLine("   (nanotcp lab three-way-close explains it; nanotcp lab four-way-close shows four segments)");
        pcTcp.Shutdown(h);
        long timeWaitStart = -1;
        Step(300, now =>
        {
            if (timeWaitStart < 0 && pcTcp.GetState(h) == TcpState.TimeWait) timeWaitStart = now;
        });
        TcpState afterClose = pcTcp.GetState(h);
        output.WriteLine("-- TIME-WAIT lasts 2 x MSL = 60 s, so that a lost last ACK can still be answered");
        long timeWaitEnds = timeWaitStart + 60_000;
        Step(60_000, now =>
        {
            long left = timeWaitEnds - now;
            if (left > 0 && left < 60_000 && left % 10_000 == 0 && pcTcp.GetState(h) == TcpState.TimeWait)
            {
                output.WriteLine($"pc    | [{now,7}] TIME-WAIT: {left / 1000} s left");
            }
        });
        TcpState afterTimeWait = pcTcp.GetState(h);

        output.WriteLine();
        output.WriteLine($"ping: 3 sent, {replies.Count} received; udp echo from {Ipv4Address.Format(from)}:{port}: \"{echoed}\"");
        output.WriteLine($"tcp echo: \"{tcpEchoed}\"; PC after the close: {TcpStates.Name(afterClose)}, 60 s later: {TcpStates.Name(afterTimeWait)}");
        DeviceComposition dev = board.Device;
        output.WriteLine($"board: {dev.Interface.Counters.RxFrames} frames in, {dev.Interface.Counters.TxFrames} out, " +
                         $"{dev.Interface.Counters.RxDropped} dropped; {board.Driver.Counters.SpiTransactions} SPI transactions; " +
                         $"static footprint {dev.FootprintBytes} bytes");
        if (pcap != null)
        {
            output.WriteLine($"capture: {pcap.Frames} frames written to {OutputFile.Shown(pcapPath)} (open it with Wireshark or tshark -r)");
        }
        Diagrams.Show(pcSink.Lines, boardLines, output, svgPath, ascii, "The demo's TCP connection: PC and board");
        bool ok = replies.Count == 3 && echoed == "hello, board" && tcpEchoed == "hello over tcp"
            && afterClose == TcpState.TimeWait && afterTimeWait == TcpState.Closed;
        return ok ? 0 : 1;
    }

    /// <summary>Prints what the board wrote to its serial port, one line at a time, without the prompt.</summary>
    private static void PrintConsole(string text, TextWriter output, List<string> traceLines, TraceLevel shown)
    {
        if (text.Length == 0) return;
        foreach (string raw in text.Split('\n'))
        {
            // A line written over the prompt starts after its last carriage return.
            string l = raw.TrimEnd('\r');
            int cr = l.LastIndexOf('\r');
            if (cr >= 0) l = l[(cr + 1)..];
            l = l.TrimEnd();
            if (l.Length == 0 || l.StartsWith(NanoTcp.Shell.SerialConsole.Prompt.TrimEnd(), StringComparison.Ordinal)) continue;
            if (l.StartsWith('[')) traceLines.Add(l);
            if (TracePrintFilter.Shows(l, shown)) output.WriteLine("board | " + l);
        }
    }

    /// <summary>A 16-byte ISN key from a seed (--seed), different for each side.</summary>
    private static byte[] KeyFrom(uint seed, uint side)
    {
        var rand = new Rand(seed * 2654435761u + side);
        var key = new byte[16];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)rand.NextUInt();
        return key;
    }

    private sealed class ReplyCounter : IPingListener
    {
        public int Count;
        public void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs) => Count++;
    }

    /// <summary>Sleeps so that virtual time runs <c>speed</c> times faster than real time.</summary>
    private sealed class Pacer
    {
        private readonly double _speed;
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public Pacer(double speed) => _speed = speed;

        public void Wait(long virtualMs)
        {
            if (_speed <= 0) return;
            double ahead = virtualMs / _speed - _watch.Elapsed.TotalMilliseconds;
            if (ahead >= 5) Thread.Sleep((int)ahead);
        }
    }
}

/// <summary>The board's LEDs as a line of text, printed whenever one changes.</summary>
public sealed class LedPanel
{
    private static readonly string[] Names = { "ready", "handshake", "established", "closing" };
    private readonly LedController _leds;
    private readonly TextWriter _output;
    private readonly bool _ascii;
    private readonly bool _color;
    private string _last = "";

    public LedPanel(LedController leds, TextWriter output, bool ascii, bool color)
    {
        _leds = leds;
        _output = output;
        _ascii = ascii;
        _color = color;
    }

    public void Update(long nowMs)
    {
        var sb = new StringBuilder("LEDs  ");
        bool[] levels = _leds.Levels;
        for (int i = 0; i < levels.Length; i++)
        {
            string mark = levels[i] ? (_ascii ? "*" : "●") : (_ascii ? "." : "○");
            if (_color && levels[i]) mark = "\u001b[1;32m" + mark + "\u001b[0m"; // a lit LED in green
            sb.Append(mark).Append(' ').Append(i < Names.Length ? Names[i] : "led" + i).Append("  ");
        }
        sb.Append("(").Append(LedPhases.Name(_leds.Phase)).Append(')');
        string text = sb.ToString();
        if (text != _last)
        {
            _last = text;
            _output.WriteLine($"      | [{nowMs,7}] {text}");
        }
    }
}
