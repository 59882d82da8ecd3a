using System.Collections.Concurrent;
using System.Security.Cryptography;
using NanoTcp.Device;
using NanoTcp.Drivers.Enc28j60;
using Enc28j60Driver = NanoTcp.Drivers.Enc28j60.Enc28j60;
using NanoTcp.Hal;
using NanoTcp.Phy;
using NanoTcp.Sim.Enc28j60;
using NanoTcp.Sim.Pcap;
using NanoTcp.Shell;
using NanoTcp.Sim.Serial;
using NanoTcp.Sim.Trace;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Sim.Board;

/// <summary>How to build a <see cref="VirtualBoard"/>. Rates are per mille, as in <see cref="FaultInjector"/>.</summary>
public sealed class VirtualBoardOptions
{
    /// <summary>The board's address and subnet (default 192.168.77.2/24, gateway 192.168.77.1: the TAP link).</summary>
    public uint Address = Ipv4Address.Make(192, 168, 77, 2);
    public uint Netmask = 0xFFFFFF00;
    public uint Gateway = Ipv4Address.Make(192, 168, 77, 1);
    public byte[] MacAddress = { 0x02, 0x4E, 0x54, 0x00, 0x00, 0x02 };

    public TraceLevel TraceLevel = TraceLevel.States;

    /// <summary>Where the serial console's output is echoed as it is written (null: only collected in <see cref="VirtualBoard.Serial"/>).</summary>
    public TextWriter? Console;

    /// <summary>Seed for the fault injector and the interface's random choices.</summary>
    public uint Seed = 1;
    public int DropPerMille, DuplicatePerMille, ReorderPerMille, CorruptPerMille, DelayMs, JitterMs;

    /// <summary>Capture of the board's side of the wire (what the chip receives, after faults, and sends, before them).</summary>
    public PcapWriter? Pcap;

    /// <summary>RFC 6528 key; null draws 16 random bytes (as the firmware does at boot).</summary>
    public byte[]? IsnKey;

    /// <summary>The device composition's configuration; the addresses, trace level and ISN key above are written into it.</summary>
    public DeviceConfig Device = new();

    public string Banner = "NanoTcp virtual board (ENC28J60 emulator)";

    /// <summary>
    /// The cable's bit rate between the bridge and the emulated chip. 10,000,000 is the ENC28J60's
    /// real line rate: frames enter the receive ring no faster than that and a burst the driver does
    /// not keep up with overflows it, as on a board. 0 (the default) is host speed: frames move as
    /// fast as the host can, and the bridge waits for room in the receive ring instead of letting a
    /// frame overflow it (no real cable can), so overflow never happens unless injected.
    /// </summary>
    public long WireBitsPerSecond;

    /// <summary>Longest sleep of the board's loop (see <see cref="MainLoop"/>).</summary>
    public int MaxIdleMs = MainLoop.DefaultMaxIdleMs;

    public bool HasFaults => DropPerMille > 0 || DuplicatePerMille > 0 || ReorderPerMille > 0 || CorruptPerMille > 0 || DelayMs > 0 || JitterMs > 0;
}

/// <summary>
/// The simulated board as the firmware runs it: the ENC28J60 emulator, the driver over it (SPI
/// bus and interrupt line = the chip), and the device composition over the driver with a virtual
/// serial console. The chip's cable side is pumped to and from another device (a TAP interface,
/// a memory link) through an optional fault injector, with an optional pcap capture on the
/// board's side. <see cref="Poll"/> is the main loop body: pump in, board, pump out.
/// Not thread-safe except <see cref="Type"/>.
/// </summary>
public sealed class VirtualBoard : IStatsSource
{
    private const int FramesPerPump = 64;
    private int _heldLength;                 // a frame from the peer waiting for room in the chip (host-speed cable)
    private readonly byte[] _held = new byte[1514];
    private readonly INetworkDevice _link;   // the peer, behind the fault injector when there is one
    private readonly INetworkDevice _board;  // the chip's cable side, behind the pcap when there is one
    private readonly byte[] _frame = new byte[1514];
    private readonly ConcurrentQueue<string> _typed = new();
    private readonly Tracer _driverTracer;
    private readonly ForwardingSink _driverTrace;
    private bool _rebootRequested;

    public VirtualBoard(INetworkDevice peer, IClock clock, VirtualBoardOptions? options = null)
    {
        Options = options ?? new VirtualBoardOptions();
        VirtualBoardOptions o = Options;
        Peer = peer;
        Clock = clock;
        Chip = new VirtualEnc28j60(clock) { LineRateBitsPerSecond = o.WireBitsPerSecond };
        Serial = new VirtualSerialLine(o.Console);

        // The board's configuration, as flashed: every boot starts from it (the RFC 6528 key included;
        // ISNs also follow the clock, so a new incarnation after a reboot does not reuse old numbers).
        DeviceConfig cfg = o.Device;
        cfg.TraceLevel = o.TraceLevel;
        cfg.Interface.Address = o.Address;
        cfg.Interface.Netmask = o.Netmask;
        cfg.Interface.Gateway = o.Gateway;
        cfg.Interface.MacAddress = (byte[])o.MacAddress.Clone();
        cfg.Interface.Seed = o.Seed;
        cfg.Tcp.IsnKey = o.IsnKey ?? RandomNumberGenerator.GetBytes(16);

        _driverTrace = new ForwardingSink();
        _driverTracer = new Tracer(_driverTrace, o.TraceLevel);
        Boot();

        if (o.HasFaults)
        {
            Faults = new FaultInjector(peer, o.Seed)
            {
                DropPerMille = o.DropPerMille,
                DuplicatePerMille = o.DuplicatePerMille,
                ReorderPerMille = o.ReorderPerMille,
                CorruptPerMille = o.CorruptPerMille,
                DelayMs = o.DelayMs,
                JitterMs = o.JitterMs,
            };
            _link = Faults;
        }
        else
        {
            _link = peer;
        }
        if (o.Pcap != null)
        {
            _capture = new PcapDevice(Chip.Wire, o.Pcap, FrameDirection.Inbound);
            _board = _capture;
            if (o.Pcap.Format == CaptureFormat.PcapNg)
            {
                // Comments from the board's own console lines, as a person reading it would relate them to the frames.
                _comments = new TraceFrameComments(o.Pcap);
                var lines = new SerialLineAssembler();
                Serial.Written += text => lines.Feed(SerialLineAssembler.Bytes(text), (line, _) => _comments.OnTraceLine(TraceLineParser.Parse(line)));
            }
        }
        else
        {
            _board = Chip.Wire;
        }
    }

    private readonly PcapDevice? _capture;
    private readonly TraceFrameComments? _comments;

    public VirtualBoardOptions Options { get; }

    /// <summary>The board's main loop over the composition, with the chip's INT line (as the firmware runs it).</summary>
    public MainLoop Loop { get; private set; } = null!;

    /// <summary>The `enc28j60` console command over the driver, as on the board.</summary>
    public Enc28j60Commands ChipCommands { get; private set; } = null!;
    public INetworkDevice Peer { get; }
    public IClock Clock { get; }
    public VirtualEnc28j60 Chip { get; }
    /// <summary>The driver and the composition of the current boot (new ones after `reboot`).</summary>
    public Enc28j60Driver Driver { get; private set; } = null!;
    public DeviceComposition Device { get; private set; } = null!;

    /// <summary>Times the board restarted (`reboot`); 0 until the first.</summary>
    public int Reboots { get; private set; }

    /// <summary>After a reboot, on the board's loop: the new <see cref="Device"/> is in place and its banner shown.</summary>
    public event Action<VirtualBoard>? Rebooted;
    public VirtualSerialLine Serial { get; }

    /// <summary>The fault injector between the chip and the peer, or null without faults.</summary>
    public FaultInjector? Faults { get; }

    /// <summary>Frames carried each way by the pump.</summary>
    public long FramesToBoard { get; private set; }
    public long FramesFromBoard { get; private set; }

    /// <summary>Shows the banner and the prompt on the console.</summary>
    public void Start() => Device.Start(Options.Banner);

    /// <summary>Queues console input (a line is executed when it ends with "\r"); safe from any thread.</summary>
    public void Type(string text) => _typed.Enqueue(text);

    /// <summary>
    /// One turn: frames from the peer into the chip, the board's main loop turn, frames from the chip
    /// to the peer. Returns how long the caller may wait for the peer before the next turn (0: at
    /// once), never past a deadline of the board or of the paced cable.
    /// </summary>
    public int Poll(long nowMs)
    {
        while (_typed.TryDequeue(out string? text)) Serial.Type(text);
        _driverTracer.Level = Device.Tracer.Level; // the console's trace command covers the driver too
        PumpToBoard(nowMs);
        int sleepMs = Loop.Turn(nowMs);
        PumpFromBoard(nowMs);
        if (_rebootRequested)
        {
            Reboot();
            return 0;
        }
        // What this turn captured has its comments now: out to the file, for a capture read while it grows.
        if (Options.Pcap is { FlushEachFrame: true } pcap) pcap.Flush();
        if (_heldLength > 0) return 0; // the chip's ring was full: the driver reads, then the frame goes in
        long cable = Chip.NextCableEventUs;
        if (cable != long.MaxValue)
        {
            long untilMs = (cable - Chip.NowUs + 999) / 1000;
            if (untilMs < sleepMs) sleepMs = (int)Math.Max(0, untilMs);
        }
        return sleepMs;
    }

    /// <summary>
    /// What the firmware does at power-on, over this board's chip, serial line and clock: the driver
    /// resets and sets up the chip, a new composition (interface, TCP, services, console) starts from
    /// its configuration, and the board's own console commands are added.
    /// </summary>
    private void Boot()
    {
        VirtualBoardOptions o = Options;
        DeviceConfig cfg = o.Device;

        // The driver traces through the composition's tracer, so it is built first with a
        // forwarding tracer and attached once the composition exists.
        _driverTrace.Target = null;
        _driverTracer.Level = o.TraceLevel;
        Driver = new Enc28j60Driver(Chip, Chip, Chip.ResetPin, Clock, new Enc28j60Options { MacAddress = (byte[])o.MacAddress.Clone() }, _driverTracer);
        if (!Driver.Initialize()) throw new InvalidOperationException("the ENC28J60 driver did not initialise the emulated chip");
        Device = new DeviceComposition(Driver, Serial, null, cfg);
        Device.Console.Add(new NanoTcp.Scenarios.SelftestCommands()); // `selftest`, as the firmware adds it
        Device.Console.Add(new RebootCommand(this));                  // `reboot`, as the firmware's board commands
        _driverTrace.Target = Device.Tracer;
        ChipCommands = new Enc28j60Commands(Driver, 0);
        Device.Console.Add(ChipCommands);
        Device.AddStatsSource(ChipCommands);
        Device.AddStatsSource(this);
        Loop = new MainLoop(Device, Chip) { MaxIdleMs = o.MaxIdleMs };
    }

    /// <summary>
    /// `reboot`, between two turns of the loop (the console that ran it belongs to the composition it
    /// replaces): everything the firmware held is gone (connections, ARP cache, counters), the chip is
    /// reset by the new driver; the emulated chip's own counts and the bridge go on, as the hardware would.
    /// </summary>
    private void Reboot()
    {
        _rebootRequested = false;
        Reboots++;
        Boot();
        Start();
        Rebooted?.Invoke(this);
    }

    /// <summary>The simulator's `reboot`: the board restarts at the end of this turn (the firmware calls Power.RebootDevice).</summary>
    private sealed class RebootCommand : ICommandSet
    {
        private readonly VirtualBoard _board;

        public RebootCommand(VirtualBoard board) => _board = board;

        public void WriteHelp(SerialConsole c) => c.WriteLine("  reboot                    restart the board (connections and tables are lost)");

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name != "reboot") return false;
            c.WriteLine("rebooting: the firmware starts again over the same (emulated) ENC28J60; connections, ARP cache and counters are lost");
            _board._rebootRequested = true;
            return true;
        }
    }

    /// <summary>The emulated chip's side under `stats`: what the cable brought and what the chip dropped.</summary>
    public void WriteStats(SerialConsole c)
    {
        VirtualEnc28j60Stats k = Chip.Stats;
        string wire = Options.WireBitsPerSecond > 0 ? $"{Options.WireBitsPerSecond / 1_000_000.0:0.##} Mbit/s" : "host speed";
        c.WriteLine($"chip    (emulated, cable {wire}) from-cable {k.FramesFromWire} stored {k.FramesStored} to-cable {k.FramesToWire}");
        c.WriteLine($"chip    dropped: overflow {k.FramesDroppedOverflow} in {k.OverflowEpisodes} overflows, cable-queue {k.FramesDroppedCableQueue}, filtered {k.FramesFiltered}, rx-off {k.FramesDroppedRxDisabled}");
        c.WriteLine($"bridge  to-board {FramesToBoard} from-board {FramesFromBoard} waits-for-room {WaitsForRoom}"
            + $" tcp-segments-from-board {Retransmissions.Segments} retransmitted {Retransmissions.Retransmitted}");
    }

    /// <summary>TCP segments the board sent again, counted on its side of the wire.</summary>
    public TcpRetransmissionCounter Retransmissions { get; } = new();

    /// <summary>Turns in which a frame from the peer waited for room in the chip's ring (host-speed cable).</summary>
    public long WaitsForRoom { get; private set; }

    private void PumpToBoard(long nowMs)
    {
        bool paced = Options.WireBitsPerSecond > 0;
        if (_heldLength > 0)
        {
            if (!Chip.HasRoomFor(_heldLength)) return;
            _board.Transmit(_held, 0, _heldLength, nowMs);
            _heldLength = 0;
            FramesToBoard++;
        }
        for (int i = 0; i < FramesPerPump; i++)
        {
            int n = _link.Receive(_frame, 0, _frame.Length, nowMs);
            if (n <= 0) break;
            if (!paced && !Chip.HasRoomFor(n))
            {
                // A host-speed cable has no line rate to pace it: hold the frame until the driver
                // has made room, rather than let the host's speed overflow the chip.
                Array.Copy(_frame, _held, n);
                _heldLength = n;
                WaitsForRoom++;
                return;
            }
            _board.Transmit(_frame, 0, n, nowMs);
            FramesToBoard++;
        }
    }

    private void PumpFromBoard(long nowMs)
    {
        for (int i = 0; i < FramesPerPump; i++)
        {
            int n = _board.Receive(_frame, 0, _frame.Length, nowMs);
            if (n <= 0) break;
            long dropped = Faults?.Dropped ?? 0, corrupted = Faults?.Corrupted ?? 0, duplicated = Faults?.Duplicated ?? 0;
            Retransmissions.Observe(_frame, n);
            _link.Transmit(_frame, 0, n, nowMs);
            FramesFromBoard++;
            if (_comments != null && Faults != null)
            {
                if (Faults.Dropped > dropped) _comments.Comment(_capture!.LastFrame, "lost on the wire (the bridge dropped it)");
                if (Faults.Corrupted > corrupted) _comments.Comment(_capture!.LastFrame, "corrupted on the wire (the bridge flipped a bit)");
                if (Faults.Duplicated > duplicated) _comments.Comment(_capture!.LastFrame, "duplicated on the wire (the bridge sent it twice)");
            }
        }
    }

    private sealed class ForwardingSink : ITraceSink
    {
        public Tracer? Target;

        public void OnTrace(TraceEvent e) => Target?.Sink?.OnTrace(e);
    }
}
