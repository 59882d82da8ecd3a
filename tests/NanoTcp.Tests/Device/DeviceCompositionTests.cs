using System.Text;
using NanoTcp.Device;
using NanoTcp.Iface;
using NanoTcp.Leds;
using NanoTcp.Phy;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Device;

/// <summary>The board's composition (as the firmware and the simulator build it) against a PC stack.</summary>
public class DeviceCompositionTests
{
    private static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);
    private static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);

    private sealed class Rig
    {
        public readonly MemoryLink Cable = new();
        public readonly VirtualSerialLine Serial = new();
        public readonly DeviceComposition Board;
        public readonly NetInterface Pc;
        public readonly TcpStack PcTcp;
        public long Now;

        public Rig()
        {
            var cfg = new DeviceConfig { Leds = LedLayout.FourLeds, TraceLevel = TraceLevel.States };
            cfg.Interface.Address = BoardIp;
            Board = new DeviceComposition(Cable.A, Serial, null, cfg);
            Pc = new NetInterface(Cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, null);
            PcTcp = new TcpStack(new TcpConfig { ReceiveBufferSize = 8192 }, Pc, null);
            Pc.AttachTransport(PcTcp);
            Board.Start("NanoTcp test board");
        }

        public void Run(int ms)
        {
            for (int i = 0; i < ms; i++, Now++)
            {
                Board.Poll(Now);
                Pc.Poll(Now);
            }
        }
    }

    [Fact]
    public void ServesTheHttpStatusPageWithTheConnectionTable()
    {
        var r = new Rig();
        int h = r.PcTcp.Connect(BoardIp, 80, 0);
        r.Run(20);
        byte[] get = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: board\r\n\r\n");
        Assert.True(r.PcTcp.GetState(h) == TcpState.Established, r.PcTcp.GetState(h) + " " + r.PcTcp.GetCloseReason(h) + " " + r.Serial.Output);
        Assert.Equal(get.Length, r.PcTcp.Send(h, get, 0, get.Length));
        var page = new StringBuilder();
        var buf = new byte[1024];
        for (int i = 0; i < 2000; i++)
        {
            r.Run(1);
            int n;
            while ((n = r.PcTcp.Receive(h, buf, 0, buf.Length)) > 0) page.Append(Encoding.ASCII.GetString(buf, 0, n));
            if (n < 0) break;
        }
        string text = page.ToString();
        Assert.StartsWith("HTTP/1.0 200 OK", text);
        Assert.Contains("ESTABLISHED", text);
        Assert.Contains("192.168.7.10", text);
    }

    [Fact]
    public void EchoDiscardAndChargenAnswer()
    {
        var r = new Rig();
        int echo = r.PcTcp.Connect(BoardIp, 7, 0);
        r.Run(20);
        int chargen = r.PcTcp.Connect(BoardIp, 19, 0);
        r.Run(20);
        byte[] hello = Encoding.ASCII.GetBytes("hello");
        r.PcTcp.Send(echo, hello, 0, hello.Length);
        r.Run(20);
        var buf = new byte[8192];
        Assert.Equal(5, r.PcTcp.Receive(echo, buf, 0, buf.Length));
        Assert.True(r.PcTcp.Receive(chargen, buf, 0, buf.Length) > 100);
        Assert.Equal("!\"#$%&'()*+,-./0123456789:", Encoding.ASCII.GetString(buf, 0, 26));
    }

    [Fact]
    public void ConsoleAndLedsFollowTheConnection()
    {
        var r = new Rig();
        r.Run(5);
        Assert.Equal(LedPhase.Listening, r.Board.Leds.Phase);
        Assert.Contains("NanoTcp test board\r\n" + NanoTcp.Shell.SerialConsole.Prompt, r.Serial.TakeOutput());
        int h = r.PcTcp.Connect(BoardIp, 7, 0);
        r.Run(20);
        Assert.Equal(LedPhase.Established, r.Board.Leds.Phase);
        r.Serial.Type("netstat\r");
        r.Run(1);
        string o = r.Serial.TakeOutput();
        Assert.Contains("ESTABLISHED", o);
        Assert.Contains("LISTEN -> SYN-RECEIVED", o); // the state trace reached the console too
        r.PcTcp.Abort(h);
        r.Run(5);
        Assert.Equal(LedPhase.Error, r.Board.Leds.Phase); // reset by the peer
        r.Run(3000);
        Assert.Equal(LedPhase.Listening, r.Board.Leds.Phase);
    }

    [Fact]
    public void AServiceWithoutAListenerIsReportedNotCrashed()
    {
        var cfg = new DeviceConfig();
        cfg.Interface.Address = BoardIp;
        cfg.Tcp.Listeners = 2;
        var serial = new VirtualSerialLine();
        var board = new DeviceComposition(new MemoryLink().A, serial, null, cfg);
        board.Start("board");
        Assert.Equal(2, board.ServicesNotStarted);
        Assert.Contains("error: service on port 19 not started: no free TCP listener (raise TcpConfig.Listeners)", serial.Output);
        Assert.Contains("error: service on port 80 not started", serial.Output);
    }

    [Fact]
    public void DefaultFootprintStaysUnder36KilobytesForTheStack()
    {
        var r = new Rig();
        Assert.InRange(r.Board.FootprintBytes, 20_000, 36 * 1024);
    }
}
