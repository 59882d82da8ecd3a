using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Cli;

/// <summary>
/// The demo: a virtual board and a virtual PC, two NanoTcp stacks joined by an in-memory
/// Ethernet cable, on a virtual clock. The PC resolves the board with ARP, pings it, uses its
/// UDP echo service, then opens, uses and closes a TCP connection to its echo service and
/// waits out TIME-WAIT; both serial traces are printed.
/// </summary>
public static class IpDemo
{
    public static int Run(TextWriter output, string pcapPath = null, string svgPath = null, bool ascii = false)
    {
        using PcapWriter pcap = pcapPath != null ? PcapWriter.Create(pcapPath) : null;
        uint boardIp = Ipv4Address.Make(192, 168, 7, 50);
        uint pcIp = Ipv4Address.Make(192, 168, 7, 10);
        var cable = new MemoryLink();
        // The capture sits on the board's end of the cable, like Wireshark on the board's switch port.
        INetworkDevice boardPort = pcap != null ? new PcapDevice(cable.A, pcap) : cable.A;
        var boardSink = new ConsoleTraceSink("board | ", output);
        var pcSink = new ConsoleTraceSink("pc    | ", output);
        var board = new NetInterface(boardPort,
            new InterfaceConfig { Address = boardIp, MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0x50 } },
            new Tracer(boardSink, TraceLevel.Segments));
        var pc = new NetInterface(cable.B,
            new InterfaceConfig { Address = pcIp, MacAddress = new byte[] { 0x02, 0x50, 0x43, 0, 0, 0x10 } },
            new Tracer(pcSink, TraceLevel.Segments));
        var echo = new UdpEchoService(board, 7);
        var boardTcp = new TcpStack(new TcpConfig { IsnKey = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } }, board, board.Tracer);
        board.AttachTransport(boardTcp);
        var tcpEcho = new TcpEchoService(boardTcp, 7, 2);
        var pcTcp = new TcpStack(new TcpConfig(), pc, pc.Tracer);
        pc.AttachTransport(pcTcp);
        var client = pc.OpenUdp(40000);
        var replies = new ReplyCounter();
        pc.PingListener = replies;

        output.WriteLine("NanoTcp demo: a virtual board (192.168.7.50) and a PC (192.168.7.10) on an in-memory");
        output.WriteLine("Ethernet cable, on a virtual clock. Lines are the serial trace of each side.");
        output.WriteLine();

        long now = 0;
        void Step(int ms)
        {
            for (int i = 0; i < ms; i++)
            {
                board.Poll(now);
                echo.Poll(now);
                tcpEcho.Poll(now);
                pc.Poll(now);
                now++;
            }
        }

        Step(1);
        output.WriteLine("-- the PC pings the board three times (the first ping waits for ARP, it is not lost)");
        for (int seq = 1; seq <= 3; seq++)
        {
            pc.SendPing(boardIp, 0x4E54, seq, 56, now);
            Step(1000);
        }
        output.WriteLine("-- the PC sends a datagram to the board's UDP echo service (port 7)");
        byte[] hello = System.Text.Encoding.ASCII.GetBytes("hello, board");
        client.SendTo(boardIp, 7, hello, 0, hello.Length, now);
        Step(10);
        var buffer = new byte[64];
        int n = client.Receive(buffer, 0, buffer.Length, out uint from, out int port);
        string echoed = n > 0 ? System.Text.Encoding.ASCII.GetString(buffer, 0, n) : "(nothing)";

        output.WriteLine("-- the PC opens a TCP connection to the board's echo service: SYN, SYN-ACK, ACK");
        int h = pcTcp.Connect(boardIp, 7, 50000);
        Step(10);
        byte[] line = System.Text.Encoding.ASCII.GetBytes("hello over tcp");
        pcTcp.Send(h, line, 0, line.Length);
        Step(10);
        var tcpBuffer = new byte[64];
        int tn = pcTcp.Receive(h, tcpBuffer, 0, tcpBuffer.Length);
        string tcpEchoed = tn > 0 ? System.Text.Encoding.ASCII.GetString(tcpBuffer, 0, tn) : "(nothing)";
        output.WriteLine("-- the PC closes first: FIN, ACK, then the board's FIN, ACK; the PC waits in TIME-WAIT");
        pcTcp.Shutdown(h);
        Step(300);
        TcpState afterClose = pcTcp.GetState(h);
        output.WriteLine("-- TIME-WAIT lasts 2 x MSL = 60 s: 60 s of virtual time pass in an instant");
        Step(60_000);
        TcpState afterTimeWait = pcTcp.GetState(h);

        output.WriteLine();
        output.WriteLine($"ping: 3 sent, {replies.Count} received; udp echo from {Ipv4Address.Format(from)}:{port}: \"{echoed}\"");
        output.WriteLine($"tcp echo: \"{tcpEchoed}\"; PC after the close: {TcpStates.Name(afterClose)}, 60 s later: {TcpStates.Name(afterTimeWait)}");
        output.WriteLine($"board counters: {board.Counters.RxFrames} frames in, {board.Counters.TxFrames} out, {board.Counters.RxDropped} dropped; static footprint {board.FootprintBytes} bytes");
        if (pcap != null)
        {
            output.WriteLine($"capture: {pcap.Frames} frames written to {pcapPath} (open it with Wireshark or tshark -r)");
        }
        Diagrams.Show(pcSink.Lines, boardSink.Lines, output, svgPath, ascii);
        bool ok = replies.Count == 3 && echoed == "hello, board" && tcpEchoed == "hello over tcp"
            && afterClose == TcpState.TimeWait && afterTimeWait == TcpState.Closed;
        return ok ? 0 : 1;
    }

    private sealed class ReplyCounter : IPingListener
    {
        public int Count;
        public void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs) => Count++;
    }
}
