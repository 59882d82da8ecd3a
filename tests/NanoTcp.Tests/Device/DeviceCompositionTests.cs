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

        public Rig(int rxFramesPerPoll = 8, bool pcNagle = true, Action<DeviceConfig> configure = null)
        {
            var cfg = new DeviceConfig { Leds = LedLayout.FourLeds, TraceLevel = TraceLevel.States };
            cfg.Interface.Address = BoardIp;
            cfg.Interface.RxFramesPerPoll = rxFramesPerPoll;
            configure?.Invoke(cfg);
            Board = new DeviceComposition(Cable.A, Serial, null, cfg);
            Pc = new NetInterface(Cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, null);
            PcTcp = new TcpStack(new TcpConfig { ReceiveBufferSize = 8192, Nagle = pcNagle }, Pc, null);
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

    /// <summary>
    /// The service has one page buffer: two requests complete in the same turn, with a send ring smaller
    /// than the page, so the second waits until the first page is queued; both get a whole page.
    /// </summary>
    [Fact]
    public void TwoRequestsAtOnceShareThePageBufferInTurn()
    {
        var r = new Rig(configure: c => c.Tcp.SendBufferSize = 512);
        int first = r.PcTcp.Connect(BoardIp, 80, 0);
        r.Run(20); // ARP first
        int[] h = { first, r.PcTcp.Connect(BoardIp, 80, 0) };
        r.Run(20);
        byte[] get = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
        foreach (int c in h)
        {
            Assert.Equal(TcpState.Established, r.PcTcp.GetState(c));
            Assert.Equal(get.Length, r.PcTcp.Send(c, get, 0, get.Length));
        }
        var pages = new[] { new StringBuilder(), new StringBuilder() };
        var done = new bool[2];
        var buf = new byte[1024];
        for (int i = 0; i < 3000 && !(done[0] && done[1]); i++)
        {
            r.Run(1);
            for (int k = 0; k < 2; k++)
            {
                int n;
                while ((n = r.PcTcp.Receive(h[k], buf, 0, buf.Length)) > 0) pages[k].Append(Encoding.ASCII.GetString(buf, 0, n));
                if (n < 0) done[k] = true;
            }
        }
        Assert.True(done[0] && done[1], "both pages end with the board's FIN");
        for (int k = 0; k < 2; k++)
        {
            string text = pages[k].ToString();
            Assert.StartsWith("HTTP/1.0 200 OK", text);
            Assert.True(text.Length > 512, "the page is larger than the send ring: " + text.Length);
            Assert.Contains("interface: rx", text); // the end of the page arrived
            Assert.Equal(1, CountOf(text, "HTTP/1.0 200 OK"));
        }
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal)) n++;
        return n;
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
    public void ServicesSharingOneBufferKeepTheirStreamsApart()
    {
        // UDP echo, echo, discard and chargen pass data through one buffer, in turn: an echoed
        // stream, a chargen stream and echoed datagrams interleaved in the same turns stay byte-exact.
        var r = new Rig();
        int echo = r.PcTcp.Connect(BoardIp, 7, 0);
        r.Run(20); // the board's address resolved: the next SYNs leave at once
        int chargen = r.PcTcp.Connect(BoardIp, 19, 0);
        int discard = r.PcTcp.Connect(BoardIp, 9, 0);
        var udp = r.Pc.OpenUdp(5000);
        r.Run(20);
        Assert.All(new[] { echo, chargen, discard }, h => Assert.Equal(TcpState.Established, r.PcTcp.GetState(h)));
        const int total = 20_000;
        byte[] chunk = new byte[700];
        byte[] got = new byte[4096];
        long sent = 0, echoed = 0, generated = 0, datagrams = 0;
        for (int step = 0; step < 5000 && (echoed < total || generated < total || datagrams < 20); step++)
        {
            if (sent < total)
            {
                int n = (int)Math.Min(chunk.Length, total - sent);
                for (int i = 0; i < n; i++) chunk[i] = (byte)((sent + i) * 7 % 251);
                sent += Math.Max(0, r.PcTcp.Send(echo, chunk, 0, n));
                r.PcTcp.Send(discard, chunk, 0, n);
            }
            if (step % 10 == 0)
            {
                for (int i = 0; i < 300; i++) chunk[i] = (byte)(step + i);
                udp.SendTo(BoardIp, 7, chunk, 0, 300, r.Now);
            }
            r.Run(1);
            int k;
            while ((k = r.PcTcp.Receive(echo, got, 0, got.Length)) > 0)
            {
                for (int i = 0; i < k; i++) Assert.Equal((byte)((echoed + i) * 7 % 251), got[i]);
                echoed += k;
            }
            while ((k = r.PcTcp.Receive(chargen, got, 0, got.Length)) > 0 && generated < total)
            {
                for (int i = 0; i < k; i++) Assert.Equal(NanoTcp.Services.TcpChargenService.CharAt(generated + i), got[i]);
                generated += k;
            }
            while (udp.Available > 0)
            {
                int n = udp.Receive(got, 0, got.Length, out _, out _);
                Assert.Equal(300, n);
                for (int i = 1; i < n; i++) Assert.Equal((byte)(got[0] + i), got[i]);
                datagrams++;
            }
        }
        Assert.Equal(total, echoed);
        Assert.True(generated >= total, "chargen delivered " + generated + " bytes");
        Assert.True(datagrams >= 20, "UDP echoes: " + datagrams);
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

    [Fact]
    public void AnEchoLeavesInTheTurnItsRequestArrived()
    {
        var r = new Rig();
        int h = r.PcTcp.Connect(BoardIp, 7, 0);
        r.Run(20);
        Assert.Equal(TcpState.Established, r.PcTcp.GetState(h));
        r.Run(300); // past every delayed ACK: nothing owed on either side
        Assert.Equal(1, r.PcTcp.Send(h, new byte[] { (byte)'x' }, 0, 1));
        r.Pc.Poll(r.Now);              // the request goes on the cable
        Assert.Equal(1, r.Cable.PendingAtA);
        r.Board.Poll(r.Now);           // one turn of the board, no time passes
        Assert.Equal(1, r.Cable.PendingAtB); // the echo, with its ACK: one segment, sent in that turn
        r.Pc.Poll(r.Now);
        var buf = new byte[4];
        Assert.Equal(1, r.PcTcp.Receive(h, buf, 0, buf.Length));
        Assert.Equal((byte)'x', buf[0]);
    }

    [Fact]
    public void AWindowUpdateLeavesInTheTurnTheServiceDrainedTheRing()
    {
        var r = new Rig();
        int h = r.PcTcp.Connect(BoardIp, 9, 0);
        r.Run(20);
        r.Run(300); // nothing owed on either side
        var block = new byte[1460];
        // One full segment into the board's 2 KB window: 588 bytes left until the service reads.
        Assert.Equal(block.Length, r.PcTcp.Send(h, block, 0, block.Length));
        r.Pc.Poll(r.Now);
        Assert.Equal(1, r.Cable.PendingAtA);
        r.Board.Poll(r.Now);
        // The discard service emptied the ring in that turn, and the window it opened was announced
        // in that turn (no delayed ACK): the PC sees its data acknowledged and the whole window again.
        Assert.Equal(0, r.Board.Tcp.ConnectionAt(0).ReceiveQueued);
        Assert.Equal(1, r.Cable.PendingAtB);
        r.Pc.Poll(r.Now);
        Assert.Equal(2048, r.PcTcp.ConnectionAt(h).SendWindow);
        Assert.Equal(0, r.PcTcp.ConnectionAt(h).SendQueued);
    }

    [Fact]
    public void SegmentsThatFillTheWindowInOneTurnLeaveItOpenAtTheEndOfThatTurn()
    {
        var r = new Rig(pcNagle: false);
        int h = r.PcTcp.Connect(BoardIp, 9, 0);
        r.Run(20);
        r.Run(300);
        var block = new byte[1024];
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(block.Length, r.PcTcp.Send(h, block, 0, block.Length));
            r.Pc.Poll(r.Now);
        }
        Assert.Equal(2, r.Cable.PendingAtA); // the board's whole 2 KB window, in one turn
        r.Board.Poll(r.Now);
        // TCP acknowledges the second segment as it arrives (window 0: the ring is full); the discard
        // service reads both in the same turn and the window update follows in that turn.
        Assert.InRange(r.Cable.PendingAtB, 1, 2);
        r.Pc.Poll(r.Now);
        Assert.Equal(2048, r.PcTcp.ConnectionAt(h).SendWindow);
        Assert.Equal(0, r.PcTcp.ConnectionAt(h).SendQueued);
    }

    [Fact]
    public void TheMainLoopNeverSleepsWhileFramesWaitAndSleepsUntilTheNextTimer()
    {
        var r = new Rig(rxFramesPerPoll: 2);
        var loop = new MainLoop(r.Board, null);
        Assert.True(loop.Turn(r.Now) > 0); // nothing to do: sleep
        // Five pings at once: two frames per poll, so three turns before the device is empty.
        r.Pc.SendPing(BoardIp, 1, 1, 8, r.Now);
        r.Pc.Poll(r.Now); // ARP first; the ping waits for the answer, then goes
        r.Board.Poll(r.Now);
        r.Pc.Poll(r.Now);
        r.Board.Poll(r.Now);
        r.Pc.Poll(r.Now);
        Assert.Equal(1, r.Pc.Counters.IcmpEchoRepliesIn);
        for (int i = 2; i <= 6; i++) r.Pc.SendPing(BoardIp, 1, i, 8, r.Now);
        r.Pc.Poll(r.Now);
        Assert.Equal(5, r.Cable.PendingAtA);
        Assert.Equal(0, loop.Turn(r.Now));
        Assert.Equal(0, loop.Turn(r.Now));
        int sleep = loop.Turn(r.Now); // the fifth frame: the device had fewer than two left
        Assert.Equal(0, r.Cable.PendingAtA);
        Assert.InRange(sleep, 1, MainLoop.DefaultMaxIdleMs);
        r.Pc.Poll(r.Now);
        Assert.Equal(6, r.Pc.Counters.IcmpEchoRepliesIn);

        // A TCP timer due sooner than the idle cap shortens the sleep to it: the echo of a byte
        // the PC never acknowledges (it is not polled) is retransmitted exactly when its RTO ends.
        int h = r.PcTcp.Connect(BoardIp, 7, 0);
        r.Run(20);
        r.PcTcp.Send(h, new byte[] { 1 }, 0, 1);
        r.Pc.Poll(r.Now);
        Assert.InRange(loop.Turn(r.Now), 1, MainLoop.DefaultMaxIdleMs); // the echo left; nothing else to do
        long due = r.Board.NextDeadlineMs(r.Now);
        Assert.True(due > r.Now + MainLoop.DefaultMaxIdleMs, "the retransmission deadline is ahead: " + due);
        Assert.Equal(3, loop.Turn(due - 3));
        long retransmitsBefore = r.Board.Tcp.ConnectionAt(0).Retransmits;
        loop.Turn(due);
        Assert.Equal(retransmitsBefore + 1, r.Board.Tcp.ConnectionAt(0).Retransmits);
    }
}
