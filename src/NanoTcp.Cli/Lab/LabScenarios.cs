using System.Text;
using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Cli.Lab;

/// <summary>The lab-kit list: the textbook questions of DESIGN.md, in teaching order.</summary>
public static class LabScenarios
{
    public static readonly LabScenario[] All =
    {
        new OldDuplicateSyn(),
        new DataInThirdHandshake(),
        new LostSynAck(),
        new LostFinalAck(),
        new FourWayClose(),
        new HalfClose(),
        new SimultaneousOpen(),
        new SimultaneousClose(),
        new ClosedPort(),
        new ResetEstablished(),
        new ZeroWindow(),
    };

    public static LabScenario Find(string name) => All.FirstOrDefault(s => s.Name == name);

    internal static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>Opens a connection from the PC (port 40000) to a plain listener on the board's port 7
    /// (no service: the scenario plays the board's application); returns both handles.</summary>
    internal static (int Pc, int Board) Open(LabBench b)
    {
        int listener = b.Board.Tcp.Listen(7);
        int server = -1;
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 7, 40000);
        b.RunUntil(() => (server = b.Board.Tcp.Accept(listener)) >= 0, 5_000);
        return (h, server);
    }

    /// <summary>Connects the PC to the board's echo service and waits for ESTABLISHED on both sides.</summary>
    internal static int Connect(LabBench b, TcpEchoService echo, int localPort = 40000)
    {
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 7, localPort);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.Established, 10_000, now => echo.Poll(now));
        b.Run(5, now => echo.Poll(now));
        return h;
    }
}

internal sealed class OldDuplicateSyn : LabScenario
{
    public OldDuplicateSyn() : base("three-handshakes", "Why three handshakes and not two",
        "An old duplicate SYN from an earlier incarnation (seq 1000) reaches the board, which answers\n" +
        "SYN-ACK and enters SYN-RECEIVED. With a two-way handshake it would now be ESTABLISHED with\n" +
        "nobody at the other end. The third message lets the PC refuse: it knows of no such\n" +
        "connection and answers RST; the board drops the half-open connection and goes back to\n" +
        "LISTEN. Then the real connection opens normally.")
    { }

    public override string Run(LabBench b)
    {
        var echo = new TcpEchoService(b.Board.Tcp, 7, 1);
        b.Run(1, now => echo.Poll(now));
        // The old duplicate, as it might have lingered in the network: same ports, stale sequence number.
        byte[] mss = new byte[4];
        TcpOptions.WriteMss(mss, 0, 1460);
        var seg = new byte[24];
        TcpPacket.WriteHeader(seg, 0, 40000, 7, 1000, 0, TcpFlags.Syn, 64240, 4);
        mss.CopyTo(seg, 20);
        TcpPacket.WriteChecksum(seg, 0, seg.Length, LabBench.PcIp, LabBench.BoardIp);
        var frame = new byte[14 + 20 + seg.Length];
        EthernetFrame.WriteHeader(frame, 0, b.Board.Iface.MacAddress, 0, b.Pc.Iface.MacAddress, EtherType.Ipv4);
        Ipv4Packet.WriteHeader(frame, 14, LabBench.PcIp, LabBench.BoardIp, IpProtocol.Tcp, seg.Length, 7, 64);
        seg.CopyTo(frame, 34);
        b.Pc.Note($"[{b.Now,7}] (an old duplicate SYN seq=1000 from 192.168.7.10:40000, sent long ago, arrives now)");
        b.Cable.B.Transmit(frame, 0, frame.Length, b.Now);
        b.Run(50, now => echo.Poll(now));
        int h = LabScenarios.Connect(b, echo, 40000);
        return $"old SYN refused with RST; the real connection is {TcpStates.Name(b.Pc.Tcp.GetState(h))}";
    }
}

internal sealed class DataInThirdHandshake : LabScenario
{
    public DataInThirdHandshake() : base("data-in-handshake", "The third handshake may carry data",
        "The PC's application writes before the connection is open. The data waits in the send\n" +
        "buffer while the SYN goes out, and leaves with the ACK that completes the handshake:\n" +
        "the third segment is both the handshake's ACK and the first data segment.")
    { }

    public override string Run(LabBench b)
    {
        var echo = new TcpEchoService(b.Board.Tcp, 7, 1);
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 7, 40000);
        b.Pc.Tcp.Send(h, LabScenarios.Ascii("GET /"), 0, 5);
        b.Run(50, now => echo.Poll(now));
        var buf = new byte[16];
        int n = b.Pc.Tcp.Receive(h, buf, 0, buf.Length);
        return $"echoed {n} bytes: \"{Encoding.ASCII.GetString(buf, 0, Math.Max(n, 0))}\"";
    }
}

internal sealed class LostSynAck : LabScenario
{
    public LostSynAck() : base("lost-syn-ack", "A lost SYN-ACK: who retransmits, and when",
        "The board's SYN-ACK is lost on the way. The PC, still in SYN-SENT, hears nothing and\n" +
        "retransmits its SYN when its retransmission timer (initial RTO 1 s) expires; the board,\n" +
        "in SYN-RECEIVED, also retransmits its SYN-ACK on its own timer. Whichever arrives first\n" +
        "completes the handshake; the duplicate is answered with a plain ACK.")
    { }

    public override string Run(LabBench b)
    {
        var echo = new TcpEchoService(b.Board.Tcp, 7, 1);
        b.DropNext(b.Board, new TcpFlagsFilter(TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Ack));
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 7, 40000);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.Established, 10_000, now => echo.Poll(now));
        long at = b.Now;
        b.Run(50, now => echo.Poll(now));
        return $"ESTABLISHED after {at} ms (one retransmission timeout)";
    }
}

internal sealed class LostFinalAck : LabScenario
{
    public LostFinalAck() : base("time-wait", "Why TIME-WAIT lasts 2MSL: the last ACK is lost",
        "The PC closes first and ends in TIME-WAIT after ACKing the board's FIN. That last ACK is\n" +
        "lost. The board, in LAST-ACK, retransmits its FIN after its RTO; the PC, still in\n" +
        "TIME-WAIT, re-ACKs it and restarts its 2MSL timer. Had the PC already forgotten the\n" +
        "connection, it would have answered RST and the board would report an error. TIME-WAIT\n" +
        "also keeps a new incarnation of the same ports from receiving old segments.")
    { }

    public override string Run(LabBench b)
    {
        var echo = new TcpEchoService(b.Board.Tcp, 7, 1);
        int h = LabScenarios.Connect(b, echo);
        b.Pc.Tcp.Shutdown(h);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.FinWait2 || b.Pc.Tcp.GetState(h) == TcpState.TimeWait, 5_000, now => echo.Poll(now));
        // The next pure ACK the PC sends (the one for the board's FIN) is lost.
        b.DropNext(b.Pc, new TcpFlagsFilter(TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst | TcpFlags.Ack, TcpFlags.Ack, 0, 0));
        b.RunUntil(() => !b.Board.Tcp.ConnectionAt(0).IsInUse || b.Board.Tcp.ConnectionAt(0).CurrentState == TcpState.Closed, 10_000, now => echo.Poll(now));
        long boardClosedAt = b.Now;
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.Closed, 130_000, now => echo.Poll(now));
        return $"board closed at {boardClosedAt} ms after a FIN retransmission; the PC left TIME-WAIT at {b.Now} ms";
    }
}

internal sealed class FourWayClose : LabScenario
{
    public FourWayClose() : base("four-way-close", "Why four waves: each direction closes on its own",
        "The PC has finished sending and closes (FIN); the board ACKs at once, but its application\n" +
        "still has a reply to send (half-closed: data keeps flowing towards the PC). Only when it\n" +
        "is done does the board send its own FIN, which the PC ACKs: four segments, FIN-WAIT-1,\n" +
        "FIN-WAIT-2, TIME-WAIT on the PC, CLOSE-WAIT and LAST-ACK on the board. When the board has\n" +
        "nothing left and closes at once, its FIN can ride on the ACK and the close takes three\n" +
        "segments (common with Linux servers, whose ACK of the FIN is delayed).")
    { }

    public override string Run(LabBench b)
    {
        int listener = b.Board.Tcp.Listen(7);
        int server = -1;
        long closeAt = long.MaxValue;
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 7, 40000);
        var buf = new byte[64];
        void App(long now)
        {
            if (server < 0) server = b.Board.Tcp.Accept(listener);
            if (server < 0) return;
            int n = b.Board.Tcp.Receive(server, buf, 0, buf.Length);
            if (n < 0 && closeAt == long.MaxValue)
            {
                closeAt = now + 300; // the application still writes its reply for 300 ms
                b.Board.Tcp.Send(server, LabScenarios.Ascii("bye"), 0, 3);
            }
            if (now >= closeAt)
            {
                b.Board.Tcp.Close(server);
                closeAt = long.MaxValue - 1;
            }
        }
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.Established, 5_000, App);
        b.Run(10, App);
        b.Pc.Tcp.Shutdown(h);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.TimeWait, 10_000, App);
        int got = b.Pc.Tcp.Receive(h, buf, 0, buf.Length);
        b.Run(20, App);
        return $"the PC received \"{Encoding.ASCII.GetString(buf, 0, Math.Max(got, 0))}\" after its own FIN, and is in TIME-WAIT";
    }
}

internal sealed class HalfClose : LabScenario
{
    public HalfClose() : base("half-close", "Half-close: the PC stops sending, the board goes on",
        "The PC shuts down its sending direction (FIN) but keeps reading. The board, in CLOSE-WAIT,\n" +
        "sends 3 segments of data; the PC, in FIN-WAIT-2, receives and ACKs them all. Then the board\n" +
        "closes too.")
    { }

    public override string Run(LabBench b)
    {
        var (h, server) = LabScenarios.Open(b);
        b.Pc.Tcp.Shutdown(h);
        b.RunUntil(() => b.Board.Tcp.GetState(server) == TcpState.CloseWait, 5_000);
        var block = new byte[1460];
        int received = 0;
        var buf = new byte[4096];
        void Read(long now)
        {
            int n;
            while ((n = b.Pc.Tcp.Receive(h, buf, 0, buf.Length)) > 0) received += n;
        }
        for (int i = 0; i < 3; i++)
        {
            Array.Fill(block, (byte)('a' + i));
            b.RunUntil(() => b.Board.Tcp.SendSpace(server) >= block.Length, 5_000, Read);
            b.Board.Tcp.Send(server, block, 0, block.Length);
            b.Run(20, Read);
        }
        b.Board.Tcp.Close(server);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.TimeWait, 5_000, Read);
        b.Run(10, Read);
        return $"the PC received {received} bytes after its FIN";
    }
}

internal sealed class SimultaneousOpen : LabScenario
{
    public SimultaneousOpen() : base("simultaneous-open", "Simultaneous open: both sides send SYN",
        "Both sides actively open towards each other's port at the same moment. Each receives a SYN\n" +
        "while in SYN-SENT, moves to SYN-RECEIVED and answers SYN-ACK; each SYN-ACK then completes\n" +
        "the other side's open. Four segments, no listener anywhere, one connection.")
    { }

    public override string Run(LabBench b)
    {
        // 2 ms on the wire each way, so that the two SYNs cross.
        b.Pc.Faults.DelayMs = 2;
        b.Board.Faults.DelayMs = 2;
        int a = b.Pc.Tcp.Connect(LabBench.BoardIp, 5000, 6000);
        int c = b.Board.Tcp.Connect(LabBench.PcIp, 6000, 5000);
        b.RunUntil(() => b.Pc.Tcp.GetState(a) == TcpState.Established && b.Board.Tcp.GetState(c) == TcpState.Established, 10_000);
        b.Run(20);
        return $"PC {TcpStates.Name(b.Pc.Tcp.GetState(a))}, board {TcpStates.Name(b.Board.Tcp.GetState(c))}";
    }
}

internal sealed class SimultaneousClose : LabScenario
{
    public SimultaneousClose() : base("simultaneous-close", "Simultaneous close: CLOSING",
        "Both applications close at the same moment. Each side is in FIN-WAIT-1 when the other's\n" +
        "FIN arrives, so it goes to CLOSING (the rarely seen state), ACKs, and enters TIME-WAIT\n" +
        "when its own FIN is acknowledged. Both sides end in TIME-WAIT.")
    { }

    public override string Run(LabBench b)
    {
        var (h, server) = LabScenarios.Open(b);
        b.Run(10);
        // 2 ms on the wire each way, so that the two FINs cross.
        b.Pc.Faults.DelayMs = 2;
        b.Board.Faults.DelayMs = 2;
        b.Pc.Tcp.Shutdown(h);
        b.Board.Tcp.Shutdown(server);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.TimeWait && b.Board.Tcp.GetState(server) == TcpState.TimeWait, 5_000);
        return $"PC {TcpStates.Name(b.Pc.Tcp.GetState(h))}, board {TcpStates.Name(b.Board.Tcp.GetState(server))}";
    }
}

internal sealed class ClosedPort : LabScenario
{
    public ClosedPort() : base("closed-port", "Connecting to a closed port",
        "Nothing listens on port 8080 of the board. Its TCP answers the SYN with RST+ACK\n" +
        "(sequence 0, acknowledging the SYN), and the PC's connect fails at once with\n" +
        "\"connection refused\" instead of timing out.")
    { }

    public override string Run(LabBench b)
    {
        int h = b.Pc.Tcp.Connect(LabBench.BoardIp, 8080, 40000);
        b.RunUntil(() => b.Pc.Tcp.GetState(h) == TcpState.Closed, 5_000);
        b.Run(10);
        return $"connect: {TcpCloseReasons.Name(b.Pc.Tcp.GetCloseReason(h))} after {b.Now} ms";
    }
}

internal sealed class ResetEstablished : LabScenario
{
    public ResetEstablished() : base("reset", "Resetting an established connection",
        "The PC's application aborts the connection: one RST, no FIN exchange, no TIME-WAIT. The\n" +
        "board's connection is gone at once and its application learns \"reset by peer\".")
    { }

    public override string Run(LabBench b)
    {
        var (h, server) = LabScenarios.Open(b);
        b.Run(10);
        b.Pc.Tcp.Abort(h);
        b.Run(10);
        return $"board: {TcpCloseReasons.Name(b.Board.Tcp.GetCloseReason(server))}";
    }
}

internal sealed class ZeroWindow : LabScenario
{
    public ZeroWindow() : base("zero-window", "Zero window and the persist timer",
        "The board's application stops reading. Its 2 KB receive buffer fills, and it advertises\n" +
        "win=0. The PC stops sending and probes the window with the persist timer (1 s, 2 s, 4 s:\n" +
        "each probe is answered with win=0). When the application reads again, the board sends a\n" +
        "window update and the transfer resumes.")
    { }

    public override string Run(LabBench b)
    {
        var (h, server) = LabScenarios.Open(b);
        var data = new byte[4000];
        int sent = 0;
        void Write(long now)
        {
            if (sent < data.Length) sent += Math.Max(0, b.Pc.Tcp.Send(h, data, sent, data.Length - sent));
        }
        b.Run(7_500, Write);
        var buf = new byte[4096];
        int read = 0, n;
        while ((n = b.Board.Tcp.Receive(server, buf, 0, buf.Length)) > 0) read += n;
        b.RunUntil(() => read >= data.Length, 5_000, now =>
        {
            Write(now);
            int k;
            while ((k = b.Board.Tcp.Receive(server, buf, 0, buf.Length)) > 0) read += k;
        });
        return $"the board read {read} bytes after the window reopened";
    }
}
