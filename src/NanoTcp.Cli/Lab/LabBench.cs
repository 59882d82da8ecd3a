#nullable enable

using NanoTcp.Cli.Lab.Script;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Cli.Lab;

/// <summary>One side of a lab exchange: a full NanoTcp stack and the serial trace it printed.</summary>
public sealed class LabNode : ITraceSink
{
    private readonly TextLine _line = new(4096);
    private readonly List<string> _shared;
    private readonly List<(string State, Action Action)> _hooks = new();
    public readonly string Name;
    public readonly LabSide Side;
    public readonly uint Address;
    public readonly NetInterface Iface;
    public readonly TcpStack Tcp;
    public readonly LabPort Port;
    public readonly List<string> Trace = new();

    public LabNode(string name, LabSide side, uint address, byte macLast, LabPort port, TcpConfig tcp, List<string> shared, TraceLevel level)
    {
        Name = name;
        Side = side;
        _shared = shared;
        Address = address;
        Port = port;
        var tracer = new Tracer(this, level);
        Iface = new NetInterface(port, new InterfaceConfig { Address = address, MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, macLast } }, tracer);
        Tcp = new TcpStack(tcp, Iface, tracer);
        Iface.AttachTransport(Tcp);
        port.Stack = Tcp;
    }

    /// <summary>The state this side's connection last entered (CLOSED before any).</summary>
    public string State { get; private set; } = "CLOSED";

    /// <summary>Runs <paramref name="action"/> once, the instant this side enters <paramref name="state"/> (inside the stack's event).</summary>
    public void OnState(string state, Action action) => _hooks.Add((state, action));

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        Note(_line.ToString());
        if (e.Kind != TraceKind.TcpState) return;
        State = TcpStates.Name((TcpState)e.To);
        // The line is formatted and logged: the event object may be reused by what the hook does.
        for (int i = 0; i < _hooks.Count; i++)
        {
            if (_hooks[i].State != State) continue;
            var action = _hooks[i].Action;
            _hooks.RemoveAt(i);
            action();
            break;
        }
    }

    /// <summary>Told of every line of this side's trace (the capture's frame comments listen to the board's).</summary>
    public Action<string>? Listen { get; set; }

    /// <summary>Adds a line to this side's trace and to the bench's log, in the order things happened.</summary>
    public void Note(string line)
    {
        Trace.Add(line);
        Listen?.Invoke(line);
        _shared.Add((Name + "      ").Substring(0, 6) + "| " + line);
    }
}

/// <summary>
/// The lab's bench: a PC (192.168.7.10) and a board (192.168.7.50), two NanoTcp stacks on an
/// in-memory cable, each behind a <see cref="LabPort"/> (time on the wire, targeted faults), a
/// capture at the board's port, a virtual clock in 1 ms steps. Deterministic: the same scenario
/// and seed always print the same exchange.
/// </summary>
public sealed class LabBench : IDisposable
{
    public static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);
    public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);

    public readonly MemoryLink Cable = new(64, 1514);
    public readonly LabNode Pc;
    public readonly LabNode Board;
    /// <summary>Both traces, interleaved in the order the events happened.</summary>
    public readonly List<string> Log = new();
    private readonly PcapWriter? _pcap;
    private readonly uint _seed;
    public long Now;

    public LabBench(string? pcapPath, TcpConfig? pcTcp = null, TcpConfig? boardTcp = null, uint seed = 0, TraceLevel level = TraceLevel.Segments, int transitMs = 0)
    {
        _seed = seed;
        _pcap = pcapPath != null ? PcapWriter.Create(pcapPath) : null;
        var boardPort = new LabPort(Cable.A, LabSide.Board, _pcap) { TransitMs = transitMs };
        var pcPort = new LabPort(Cable.B, LabSide.Pc, null) { TransitMs = transitMs };
        var boardConfig = boardTcp ?? new TcpConfig();
        var pcConfig = pcTcp ?? new TcpConfig();
        boardConfig.IsnKey ??= Key(1);
        pcConfig.IsnKey ??= Key(2);
        Board = new LabNode("board", LabSide.Board, BoardIp, 0x50, boardPort, boardConfig, Log, level);
        Pc = new LabNode("pc", LabSide.Pc, PcIp, 0x10, pcPort, pcConfig, Log, level);
        if (_pcap is { Format: CaptureFormat.PcapNg })
        {
            // pcapng: each frame at the board's port says what the board's trace says about it.
            var comments = new TraceFrameComments(_pcap);
            Board.Listen = line => comments.OnTraceLine(NanoTcp.Sim.Trace.TraceLineParser.Parse(line));
        }
        foreach (var node in new[] { Pc, Board })
            node.Port.OnFault = (fault, seg, t) => node.Note($"[{t,7}] {FaultNote(fault, seg)}");
        // Resolve each other first so that the exchange shown is TCP only.
        Pc.Iface.Arp.Update(BoardIp, Board.Iface.MacAddress, 0, 0, true);
        Board.Iface.Arp.Update(PcIp, Pc.Iface.MacAddress, 0, 0, true);
    }

    public LabNode Node(LabSide side) => side == LabSide.Pc ? Pc : Board;
    public LabNode Other(LabSide side) => side == LabSide.Pc ? Board : Pc;

    /// <summary>"lost on the wire: [S.] seq=... ack=..." — names the segment, so it reads alone (also when segment lines are not shown).</summary>
    private static string FaultNote(FaultStep f, WireSegment s)
    {
        string seg = $"[{TcpFlags.Format(s.Flags)}] seq={s.Seq}" + (s.Has(0x10) ? $" ack={s.Ack}" : "") + (s.Payload.Length > 0 ? $" len={s.Payload.Length}" : "");
        return f.Action switch
        {
            LabFaultAction.Drop => $"lost on the wire: {seg}",
            LabFaultAction.Delay => $"held on the wire for {f.ExtraMs} ms more: {seg}",
            _ => $"duplicated on the wire, the copy {f.ExtraMs} ms late: {seg}",
        };
    }

    /// <summary>ISN key of one side: fixed by default (the same numbers every run), varied by --seed.</summary>
    private byte[] Key(byte b)
    {
        var k = new byte[16];
        var rand = new Rand(_seed * 2654435761u + b);
        for (int i = 0; i < k.Length; i++) k[i] = (byte)(b * 31 + i + (_seed == 0 ? 0 : rand.NextUInt()));
        return k;
    }

    /// <summary>Runs both stacks for <paramref name="ms"/> milliseconds of virtual time.</summary>
    public void Run(long ms, Action<long>? each = null)
    {
        for (long i = 0; i < ms; i++)
        {
            Board.Iface.Poll(Now);
            Pc.Iface.Poll(Now);
            each?.Invoke(Now);
            Now++;
        }
    }

    /// <summary>Runs until <paramref name="done"/> holds (checked every millisecond), at most <paramref name="limitMs"/>.</summary>
    public bool RunUntil(Func<bool> done, long limitMs, Action<long>? each = null)
    {
        for (long i = 0; i < limitMs; i++)
        {
            if (done()) return true;
            Run(1, each);
        }
        return done();
    }

    /// <summary>Puts a frame on the cable as if <paramref name="from"/>'s side had sent it long ago.</summary>
    public void InjectFrom(LabSide from, byte[] frame)
    {
        var end = from == LabSide.Pc ? Cable.B : Cable.A;
        end.Transmit(frame, 0, frame.Length, Now);
    }

    public void Dispose() => _pcap?.Dispose();
}
