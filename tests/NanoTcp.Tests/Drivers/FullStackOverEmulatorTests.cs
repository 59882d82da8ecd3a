using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Iface;
using NanoTcp.Services;
using NanoTcp.Sim;
using NanoTcp.Sim.Enc28j60;
using NanoTcp.Tcp;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Drivers;

/// <summary>
/// The whole stack over the driver over the register-level emulator, as the firmware runs it:
/// a "PC" interface on the emulator's wire side talks to the "board" interface above the driver.
/// </summary>
public class FullStackOverEmulatorTests
{
    internal sealed class Bench
    {
        public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 7, 50);
        public static readonly uint PcIp = Ipv4Address.Make(192, 168, 7, 10);
        public readonly VirtualClock Clock = new(0);
        public readonly VirtualEnc28j60 Chip;
        public readonly Enc28j60 Driver;
        public readonly NetInterface Board;
        public readonly NetInterface Pc;
        public readonly CapturingSink BoardTrace = new();

        public Bench()
        {
            Chip = new VirtualEnc28j60(Clock);
            var mac = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0x50 };
            var tracer = new Tracer(BoardTrace, TraceLevel.Segments);
            Driver = new Enc28j60(Chip, Chip, null, Clock, new Enc28j60Options { MacAddress = mac }, tracer);
            Assert.True(Driver.Initialize());
            Board = new NetInterface(Driver, new InterfaceConfig { Address = BoardIp, MacAddress = mac }, tracer);
            Pc = new NetInterface(Chip.Wire, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 0x02, 0x50, 0x43, 0, 0, 0x10 } }, null);
        }

        public void Run(int ms, Action<long> each = null)
        {
            for (int i = 0; i < ms; i++)
            {
                Board.Poll(Clock.NowMs);
                Pc.Poll(Clock.NowMs);
                each?.Invoke(Clock.NowMs);
                Clock.Advance(1);
            }
        }
    }

    private sealed class Replies : IPingListener
    {
        public readonly List<int> Sequences = new();
        public void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs) => Sequences.Add(sequence);
    }

    [Fact]
    public void ArpPingAndUdpEchoThroughTheDriverAndEmulator()
    {
        var b = new Bench();
        var replies = new Replies();
        b.Pc.PingListener = replies;
        var echo = new UdpEchoService(b.Board, 7);
        for (int seq = 1; seq <= 5; seq++)
        {
            b.Pc.SendPing(Bench.BoardIp, 1, seq, 1000, b.Clock.NowMs);
            b.Run(20);
        }
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, replies.Sequences);

        var socket = b.Pc.OpenUdp(40000);
        var payload = new byte[1472];
        new Random(1).NextBytes(payload);
        socket.SendTo(Bench.BoardIp, 7, payload, 0, payload.Length, b.Clock.NowMs);
        b.Run(20, now => echo.Poll(now));
        var back = new byte[1500];
        Assert.Equal(payload.Length, socket.Receive(back, 0, back.Length, out _, out _));
        Assert.Equal(payload, back.AsSpan(0, payload.Length).ToArray());
        Assert.Equal(0, b.Board.Counters.RxDropped);
        Assert.True(b.Driver.Counters.FramesIn >= 7 && b.Driver.Counters.FramesOut >= 7);
        Assert.True(b.BoardTrace.Any("link up"));
    }

    [Fact]
    public void TcpEchoOfOneMegabyteIsByteExactThroughTheDriverAndEmulator()
    {
        var b = new Bench();
        var boardTcp = new TcpStack(new TcpConfig(), b.Board, b.Board.Tracer);
        b.Board.AttachTransport(boardTcp);
        var pcTcp = new TcpStack(new TcpConfig { SendBufferSize = 8192, ReceiveBufferSize = 8192 }, b.Pc, b.Pc.Tracer);
        b.Pc.AttachTransport(pcTcp);
        var echo = new TcpEchoService(boardTcp, 7, 2);

        const int total = 1 << 20;
        var data = new byte[total];
        new Random(28).NextBytes(data);
        var back = new byte[total];
        int sent = 0, received = 0;
        int h = pcTcp.Connect(Bench.BoardIp, 7, 0);
        Assert.True(h >= 0);
        var chunk = new byte[4096];
        for (int ms = 0; ms < 600_000 && received < total; ms++)
        {
            long now = b.Clock.NowMs;
            b.Board.Poll(now);
            echo.Poll(now);
            b.Pc.Poll(now);
            if (pcTcp.GetState(h) == TcpState.Established && sent < total)
            {
                sent += pcTcp.Send(h, data, sent, Math.Min(4096, total - sent));
            }
            int n;
            while ((n = pcTcp.Receive(h, chunk, 0, chunk.Length)) > 0)
            {
                Array.Copy(chunk, 0, back, received, n);
                received += n;
            }
            b.Clock.Advance(1);
        }
        Assert.Equal(total, received);
        Assert.True(data.AsSpan().SequenceEqual(back), "echoed stream differs");
        // The PC closes first (FIN), the echo service answers with its own: the PC ends in TIME-WAIT.
        pcTcp.Shutdown(h);
        b.Run(200, now => echo.Poll(now));
        Assert.Equal(TcpState.TimeWait, pcTcp.GetState(h));
        Assert.Equal(0, b.Board.Counters.RxDropped);
        Assert.Equal(0, b.Driver.Counters.RxErrors + b.Driver.Counters.RxOverflows + b.Driver.Counters.TxFailed);
        // Every frame of the transfer went through single RBM/WBM transfers.
        Assert.True(b.Driver.Counters.FramesIn > 700 && b.Driver.Counters.FramesOut > 700);
    }
}
