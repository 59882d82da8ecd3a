using System.Text;
using NanoTcp.Device;
using NanoTcp.Hal;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Shell;

/// <summary>The board's composition with its console on a virtual serial line, and a PC stack on a memory cable.</summary>
internal sealed class ConsoleRig : ITraceSink
{
    public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);
    public static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);

    public readonly MemoryLink Cable = new();
    public readonly VirtualSerialLine Serial = new();
    public readonly DeviceComposition Board;
    public readonly NetInterface Pc;
    public readonly TcpStack PcTcp;
    /// <summary>The PC's own trace (segments), one line per event.</summary>
    public readonly List<string> PcTrace = new();
    private readonly TextLine _line = new(512);
    private readonly Tracer _pcTracer;
    public long Now;

    /// <summary>While true, console output is only counted (for allocation measurements).</summary>
    public bool Quiet
    {
        get => _quiet.On;
        set { _quiet.On = value; _pcTracer.Level = value ? TraceLevel.Off : TraceLevel.Segments; }
    }

    /// <summary>Bytes the console wrote while <see cref="Quiet"/>.</summary>
    public long QuietBytes => _quiet.Bytes;

    private readonly QuietSerial _quiet;

    private sealed class QuietSerial : ISerialLine
    {
        private readonly ISerialLine _inner;
        public bool On;
        public long Bytes;
        public QuietSerial(ISerialLine inner) { _inner = inner; }
        public int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public void Write(byte[] buffer, int offset, int count)
        {
            if (On) Bytes += count; else _inner.Write(buffer, offset, count);
        }
    }

    public ConsoleRig(TraceLevel boardLevel = TraceLevel.Off, int mslMs = 2000)
    {
        var cfg = new DeviceConfig { TraceLevel = boardLevel };
        cfg.Interface.Address = BoardIp;
        cfg.Tcp.MslMs = mslMs;
        _quiet = new QuietSerial(Serial);
        Board = new DeviceComposition(Cable.A, _quiet, null, cfg);
        var tracer = _pcTracer = new Tracer(this, TraceLevel.Segments);
        Pc = new NetInterface(Cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, tracer);
        PcTcp = new TcpStack(new TcpConfig { ReceiveBufferSize = 8192, MslMs = mslMs }, Pc, tracer);
        Pc.AttachTransport(PcTcp);
        Board.Start("board");
        Serial.TakeOutput();
    }

    public void OnTrace(TraceEvent e)
    {
        TraceFormatter.Format(e, _line);
        PcTrace.Add(_line.ToString());
    }

    public void Run(int ms)
    {
        for (int i = 0; i < ms; i++, Now++)
        {
            Board.Poll(Now);
            Pc.Poll(Now);
        }
    }

    /// <summary>Types a command, runs 1 ms, returns what the console printed.</summary>
    public string Type(string line)
    {
        Serial.Type(line + "\r");
        Run(1);
        return Serial.TakeOutput();
    }

    public string PcRead(int h)
    {
        var buf = new byte[4096];
        var sb = new StringBuilder();
        int n;
        while ((n = PcTcp.Receive(h, buf, 0, buf.Length)) > 0) sb.Append(Encoding.ASCII.GetString(buf, 0, n));
        return sb.ToString();
    }

    public void PcSend(int h, string text)
    {
        byte[] b = Encoding.ASCII.GetBytes(text);
        Assert.Equal(b.Length, PcTcp.Send(h, b, 0, b.Length));
    }
}
