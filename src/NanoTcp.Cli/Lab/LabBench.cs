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
    public readonly string Name;
    public readonly uint Address;
    public readonly NetInterface Iface;
    public readonly TcpStack Tcp;
    public readonly FaultInjector Faults;
    public readonly List<string> Trace = new();
    private readonly List<string> _shared;

    public LabNode(string name, uint address, byte macLast, INetworkDevice cableEnd, uint seed, TcpConfig tcp, List<string> shared, TraceLevel level)
    {
        Name = name;
        _shared = shared;
        Address = address;
        Faults = new FaultInjector(cableEnd, seed) { FaultsOnReceive = false };
        var tracer = new Tracer(this, level);
        Iface = new NetInterface(Faults, new InterfaceConfig { Address = address, MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, macLast } }, tracer);
        Tcp = new TcpStack(tcp, Iface, tracer);
        Iface.AttachTransport(Tcp);
    }

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        Note(_line.ToString());
    }

    /// <summary>Adds a line to this side's trace and to the bench's log, in the order things happened.</summary>
    public void Note(string line)
    {
        Trace.Add(line);
        _shared.Add((Name + "      ").Substring(0, 6) + "| " + line);
    }
}

/// <summary>The portable segment filter, telling the lab's log when it takes a segment.</summary>
public sealed class TcpFlagsFilter : TcpSegmentFilter
{
    public TcpFlagsFilter(int mask, int value, int minPayload = 0, int maxPayload = int.MaxValue)
        : base(mask, value, minPayload, maxPayload)
    {
    }

    /// <summary>Called when a segment matches (and is therefore dropped).</summary>
    public Action OnMatch { get; set; }

    protected override bool MatchesSegment(byte[] frame, int ipOffset, int tcpOffset)
    {
        OnMatch?.Invoke();
        return true;
    }
}

/// <summary>
/// The lab's bench: a PC (192.168.7.10) and a board (192.168.7.50), two NanoTcp stacks on an
/// in-memory cable, a capture at the board's port, targeted faults on either side, a virtual
/// clock in 1 ms steps. Deterministic: the same scenario always prints the same exchange.
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
    private readonly PcapWriter _pcap;
    public long Now;

    public LabBench(string pcapPath, TcpConfig pcTcp = null, TcpConfig boardTcp = null, uint seed = 0, TraceLevel level = TraceLevel.Segments)
    {
        _seed = seed;
        _pcap = pcapPath != null ? PcapWriter.Create(pcapPath) : null;
        INetworkDevice boardEnd = _pcap != null ? new PcapDevice(Cable.A, _pcap) : Cable.A;
        Board = new LabNode("board", BoardIp, 0x50, boardEnd, 11, boardTcp ?? new TcpConfig { IsnKey = Key(1) }, Log, level);
        Pc = new LabNode("pc", PcIp, 0x10, Cable.B, 23, pcTcp ?? new TcpConfig { IsnKey = Key(2) }, Log, level);
        // Resolve each other first so that the exchange shown is TCP only.
        Pc.Iface.Arp.Update(BoardIp, Board.Iface.MacAddress, 0, 0, true);
        Board.Iface.Arp.Update(PcIp, Pc.Iface.MacAddress, 0, 0, true);
    }

    private readonly uint _seed;

    /// <summary>ISN key of one side: fixed by default (the same numbers every run), varied by --seed.</summary>
    private byte[] Key(byte b)
    {
        var k = new byte[16];
        var rand = new Rand(_seed * 2654435761u + b);
        for (int i = 0; i < k.Length; i++) k[i] = (byte)(b * 31 + i + (_seed == 0 ? 0 : rand.NextUInt()));
        return k;
    }

    /// <summary>Loses the next <paramref name="count"/> segments <paramref name="sender"/> sends that match the filter; the log says so.</summary>
    public void DropNext(LabNode sender, TcpFlagsFilter filter, int count = 1)
    {
        filter.OnMatch = () => sender.Note($"[{Now,7}] ^^^ this segment is lost on the wire");
        sender.Faults.DropFilter = filter;
        sender.Faults.TargetedDrops = count;
    }

    /// <summary>Runs both stacks for <paramref name="ms"/> milliseconds of virtual time.</summary>
    public void Run(long ms, Action<long> each = null)
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
    public bool RunUntil(Func<bool> done, long limitMs, Action<long> each = null)
    {
        for (long i = 0; i < limitMs; i++)
        {
            if (done()) return true;
            Run(1, each);
        }
        return done();
    }

    public void Dispose() => _pcap?.Dispose();
}
