using System.Text;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Sim;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Support;

/// <summary>
/// The virtual board (the firmware's composition over the emulated ENC28J60) and a PC stack on
/// an in-memory cable, with the board's serial console as a byte stream: every byte the firmware
/// writes is kept (<see cref="Written"/>) and handed to <see cref="SerialOut"/>, and typed bytes go
/// in through <see cref="Type"/>. What a serial terminal on the board's console would see.
/// </summary>
public sealed class ConsoleBoard
{
    public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);
    public static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);

    public readonly VirtualClock Clock = new(0);
    public readonly VirtualBoard Board;
    public readonly NetInterface Pc;
    public readonly TcpStack PcTcp;
    public readonly MemoryStream Written = new();
    private readonly object _gate = new();

    /// <summary>Called with each write of the firmware to its serial port, as it happens.</summary>
    public Action<byte[]> SerialOut { get; set; }

    public ConsoleBoard()
    {
        var cable = new MemoryLink();
        var options = new VirtualBoardOptions
        {
            Address = BoardIp,
            Gateway = Ipv4Address.Make(192, 168, 7, 1),
            MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0x50 },
            TraceLevel = TraceLevel.Segments,
            IsnKey = Encoding.ASCII.GetBytes("nanotcp fixture!"),
            Banner = "NanoTcp virtual board: ESP32 + ENC28J60 (emulated), 192.168.7.50",
        };
        Board = new VirtualBoard(cable.B, Clock, options);
        Board.Serial.Written += text =>
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            Written.Write(bytes);
            SerialOut?.Invoke(bytes);
        };
        Pc = new NetInterface(cable.A, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 0x02, 0x50, 0x43, 0, 0, 0x10 } }, new Tracer());
        PcTcp = new TcpStack(new TcpConfig { IsnKey = Encoding.ASCII.GetBytes("nanotcp the pc!!") }, Pc, Pc.Tracer);
        Pc.AttachTransport(PcTcp);
    }

    /// <summary>Keys typed on the serial terminal (thread-safe).</summary>
    public void Type(string text) => Board.Type(text);

    public void Start()
    {
        lock (_gate) Board.Start();
    }

    /// <summary>Runs both for <paramref name="ms"/> virtual milliseconds; <paramref name="pace"/> sleeps 1 ms of real time per step.</summary>
    public void Step(long ms, bool pace = false)
    {
        for (long i = 0; i < ms; i++)
        {
            lock (_gate)
            {
                Board.Poll(Clock.NowMs);
                Pc.Poll(Clock.NowMs);
                Clock.Advance(1);
            }
            if (pace) Thread.Sleep(1);
        }
    }

    /// <summary>The PC opens a connection to the board's echo service, sends a line, reads it back and closes first.</summary>
    public void EchoExchange(bool pace = false, string text = "hello over tcp")
    {
        int h;
        lock (_gate) h = PcTcp.Connect(BoardIp, 7, 50000);
        Step(20, pace);
        byte[] line = Encoding.ASCII.GetBytes(text);
        lock (_gate) PcTcp.Send(h, line, 0, line.Length);
        Step(20, pace);
        var buffer = new byte[64];
        int n;
        lock (_gate) n = PcTcp.Receive(h, buffer, 0, buffer.Length);
        Assert.Equal(text, Encoding.ASCII.GetString(buffer, 0, Math.Max(0, n)));
        lock (_gate) PcTcp.Shutdown(h);
        Step(300, pace);
    }

    /// <summary>The session recorded in Fixtures/board-console.raw: boot, `trace frames` typed, an echo
    /// exchange, then `netstat` typed.</summary>
    public static byte[] RecordFixture()
    {
        var b = new ConsoleBoard();
        b.Start();
        b.Step(5);
        b.Type("trace frames\r");
        b.Step(5);
        b.EchoExchange();
        b.Type("netstat\r");
        b.Step(5);
        return b.Written.ToArray();
    }
}
