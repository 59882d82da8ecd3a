using System;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Scenarios;
using NanoTcp.Services;
using NanoTcp.Shell;
using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Interpreter
{
    /// <summary>
    /// Heap blocks the data path allocates per frame in steady state, counted by the interpreter:
    /// ARP requests, pings and UDP echo answered by one interface, TCP bulk transfer between two
    /// stacks in each direction, and A to B through a lossy link, with tracing off and at `segments`
    /// (formatted into the serial console's line, as on the board, then thrown away). One line per
    /// case: "alloc CASE trace=off|segments frames=N blocks=N allocs=N answered=N"; the lossy case
    /// adds what it went through: "outoforder=N fastrtx=N rto=N".
    /// </summary>
    public static class AllocationChecks
    {
        private const int WarmUpFrames = 40;
        private const int MeasuredFrames = 300;

        public static void Run()
        {
            TraceLevel[] levels = { TraceLevel.Off, TraceLevel.Segments };
            for (int i = 0; i < levels.Length; i++)
            {
                Interface(levels[i]);
                Bulk(levels[i], true, false);
                Bulk(levels[i], false, false);
                Bulk(levels[i], true, true);
            }
        }

        private static Tracer TracerFor(TraceLevel level)
        {
            ConsoleSerialLine silent = new ConsoleSerialLine();
            silent.Silent = true;
            return new Tracer(new SerialConsole(silent), level);
        }

        private static void Interface(TraceLevel level)
        {
            MemoryLink link = new MemoryLink(4, 1514);
            InterfaceConfig xc = new InterfaceConfig();
            xc.Address = TwoStacks.AddressA;
            NetInterface x = new NetInterface(link.A, xc, TracerFor(level));
            UdpEchoService echo = new UdpEchoService(x, UdpEchoService.DefaultPort);

            // A peer interface makes one frame of each kind; they are then replayed straight into the link.
            FrameRecorder recorder = new FrameRecorder(link.B);
            InterfaceConfig pc = new InterfaceConfig();
            pc.Address = TwoStacks.AddressB;
            pc.MacAddress = new byte[] { 0x02, 0, 0, 0, 0, 0x0B };
            NetInterface peer = new NetInterface(recorder, pc, new Tracer());
            UdpSocket socket = peer.OpenUdp(4000);
            long now = 0;
            peer.SendPing(TwoStacks.AddressA, 1, 1, 56, now);
            for (int i = 0; i < 10; i++) { x.Poll(now); peer.Poll(now); now++; }
            byte[] data = new byte[64];
            socket.SendTo(TwoStacks.AddressA, UdpEchoService.DefaultPort, data, 0, data.Length, now);
            for (int i = 0; i < 10; i++) { x.Poll(now); echo.Poll(now); peer.Poll(now); now++; }

            byte[] rx = new byte[1514];
            string[] names = { "arp", "ping", "udp-echo" };
            for (int kind = 0; kind < 3; kind++)
            {
                if (recorder.Lengths[kind] == 0)
                {
                    Console.WriteLine("alloc " + names[kind] + " trace=" + LevelName(level) + " frames=0 blocks=-1 allocs=-1");
                    continue;
                }
                long blocks = 0, allocs = 0, answered = 0;
                for (int i = 0; i < WarmUpFrames + MeasuredFrames; i++)
                {
                    long b0 = Heap.Blocks, a0 = Heap.Allocations;
                    link.B.Transmit(recorder.Frames[kind], 0, recorder.Lengths[kind], now);
                    x.Poll(now);
                    echo.Poll(now);
                    while (link.B.Receive(rx, 0, rx.Length, now) > 0) answered++;
                    if (i >= WarmUpFrames)
                    {
                        blocks += Heap.Blocks - b0;
                        allocs += Heap.Allocations - a0;
                    }
                    now++;
                }
                Console.WriteLine("alloc " + names[kind] + " trace=" + LevelName(level) + " frames=" + MeasuredFrames.ToString()
                    + " blocks=" + blocks.ToString() + " allocs=" + allocs.ToString() + " answered=" + answered.ToString());
            }
        }

        /// <param name="lossy">10 % loss, 5 % duplication, 5 % reordering, 1 % corruption each way over the
        /// selftest's 576-byte MTU, with rings of six segments: out-of-order data held (SACK blocks and
        /// duplicate ACKs answer it), fast retransmits and timeouts (cwnd down to one segment) happen in
        /// the measured frames, after a warm-up long enough for the fault injectors to have allocated
        /// their queues</param>
        private static void Bulk(TraceLevel level, bool aToB, bool lossy)
        {
            TcpConfig c = new TcpConfig();
            c.Connections = 1;
            c.Listeners = 1;
            c.Backlog = 1;
            TwoStacks s;
            if (lossy)
            {
                c.RtoMinMs = 200;
                c.SendBufferSize = 6 * 536;
                c.ReceiveBufferSize = 6 * 536;
                s = new TwoStacks(c, c, 12345, true, TwoStacks.FramesInFlight(c, c, TwoStacks.SmallMtu), TwoStacks.SmallMtu);
                s.SetFaults(100, 50, 50, 10, 0);
                s.FaultsA.TransmitDelayMs = 1;
                s.FaultsB.TransmitDelayMs = 1;
            }
            else
            {
                s = new TwoStacks(c, c, 9, false);
            }
            s.TracerA.Sink = TracerFor(level).Sink;
            s.TracerA.Level = level;
            s.TracerB.Sink = TracerFor(level).Sink;
            s.TracerB.Level = level;
            int listener = s.B.Listen(5001);
            int a = s.A.Connect(TwoStacks.AddressB, 5001, 0);
            int b = s.RunUntilAccept(listener, 60000);
            TcpStack sender = aToB ? s.A : s.B;
            TcpStack receiver = aToB ? s.B : s.A;
            int hs = aToB ? a : b;
            int hr = aToB ? b : a;
            TcpConnection cs = sender.GetConnection(hs);
            TcpConnection cr = receiver.GetConnection(hr);
            byte[] chunk = new byte[lossy ? 536 : 1460];
            long blocks = 0, allocs = 0, frames = 0, bytes = 0, ooo = 0, fast = 0, rto = 0;
            int warmUp = lossy ? 3000 : WarmUpFrames;
            int measured = lossy ? 1000 : MeasuredFrames;
            for (int step = 0; step < 40000 && frames < measured; step++)
            {
                long f0 = s.IfA.Counters.RxFrames + s.IfB.Counters.RxFrames;
                long o0 = cr.OutOfOrderSegments, x0 = cs.FastRetransmits;
                int cwnd0 = cs.CongestionWindow;
                long b0 = Heap.Blocks, a0 = Heap.Allocations;
                sender.Send(hs, chunk, 0, chunk.Length);
                int n;
                while ((n = receiver.Receive(hr, chunk, 0, chunk.Length)) > 0) bytes += n;
                s.Poll();
                s.Advance(1);
                if (step >= warmUp)
                {
                    blocks += Heap.Blocks - b0;
                    allocs += Heap.Allocations - a0;
                    frames += s.IfA.Counters.RxFrames + s.IfB.Counters.RxFrames - f0;
                    ooo += cr.OutOfOrderSegments - o0;
                    fast += cs.FastRetransmits - x0;
                    if (cs.CongestionWindow < cwnd0 && cs.CongestionWindow <= cs.SendMss) rto++;
                }
            }
            Console.WriteLine("alloc tcp-" + (lossy ? "lossy" : aToB ? "bulk-a-to-b" : "bulk-b-to-a") + " trace=" + LevelName(level) + " frames=" + frames.ToString()
                + " blocks=" + blocks.ToString() + " allocs=" + allocs.ToString() + " answered=" + bytes.ToString()
                + " outoforder=" + ooo.ToString() + " fastrtx=" + fast.ToString() + " rto=" + rto.ToString());
        }

        private static string LevelName(TraceLevel level)
        {
            return level == TraceLevel.Off ? "off" : "segments";
        }
    }

    /// <summary>Passes frames on and keeps a copy of the first ARP request, ICMP echo request and UDP datagram sent.</summary>
    public sealed class FrameRecorder : INetworkDevice
    {
        private readonly INetworkDevice _inner;
        public readonly byte[][] Frames = { new byte[1514], new byte[1514], new byte[1514] };
        public readonly int[] Lengths = new int[3];

        public FrameRecorder(INetworkDevice inner)
        {
            _inner = inner;
        }

        public int MaxFrameLength { get { return _inner.MaxFrameLength; } }
        public bool LinkUp { get { return _inner.LinkUp; } }

        public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
        {
            return _inner.Receive(buffer, offset, capacity, nowMs);
        }

        public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
        {
            int kind = -1;
            int type = (buffer[offset + 12] << 8) | buffer[offset + 13];
            if (type == 0x0806 && buffer[offset + 21] == 1) kind = 0;          // ARP request
            else if (type == 0x0800 && buffer[offset + 23] == 1) kind = 1;     // ICMP
            else if (type == 0x0800 && buffer[offset + 23] == 17) kind = 2;    // UDP
            if (kind >= 0 && Lengths[kind] == 0)
            {
                Array.Copy(buffer, offset, Frames[kind], 0, length);
                Lengths[kind] = length;
            }
            return _inner.Transmit(buffer, offset, length, nowMs);
        }
    }
}
