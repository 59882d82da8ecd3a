using System.Text;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Sim;
using NanoTcp.Sim.Board;
using NanoTcp.Sim.Enc28j60;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Tap;

/// <summary>The virtual board (emulator + driver + composition + pump) against a PC stack on a memory link, no root needed.</summary>
public class VirtualBoardTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _out;
    public VirtualBoardTests(Xunit.Abstractions.ITestOutputHelper output) => _out = output;

    private static readonly uint BoardIp = Ipv4Address.Make(192, 168, 77, 2);
    private static readonly uint PcIp = Ipv4Address.Make(192, 168, 77, 1);

    private sealed class Pings : IPingListener
    {
        public readonly List<int> Sequences = new();
        public void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs) => Sequences.Add(sequence);
    }

    private static string Echo(VirtualBoardOptions options, out VirtualBoard board, out Pings pings)
    {
        var clock = new VirtualClock(0);
        var cable = new MemoryLink();
        board = new VirtualBoard(cable.A, clock, options);
        board.Start();
        var pc = new NetInterface(cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, null);
        pings = new Pings();
        pc.PingListener = pings;
        var tcp = new TcpStack(new TcpConfig(), pc, null);
        pc.AttachTransport(tcp);
        var b = board;
        void Run(int ms)
        {
            for (int i = 0; i < ms; i++)
            {
                b.Poll(clock.NowMs);
                pc.Poll(clock.NowMs);
                clock.Advance(1);
            }
        }
        for (int seq = 1; seq <= 3; seq++)
        {
            pc.SendPing(BoardIp, 1, seq, 56, clock.NowMs);
            Run(1000);
        }
        int h = tcp.Connect(BoardIp, 7, 0);
        Run(2000);
        byte[] hello = Encoding.ASCII.GetBytes("hello");
        tcp.Send(h, hello, 0, hello.Length);
        var back = new StringBuilder();
        var buf = new byte[64];
        for (int i = 0; i < 20000 && back.Length < 5; i++)
        {
            Run(1);
            int n = tcp.Receive(h, buf, 0, buf.Length);
            if (n > 0) back.Append(Encoding.ASCII.GetString(buf, 0, n));
        }
        tcp.Close(h);
        Run(1000);
        return back.ToString();
    }

    [Fact]
    public void PingAndTcpEchoThroughEmulatorDriverAndPump()
    {
        var pcapStream = new MemoryStream();
        var pcap = new PcapWriter(pcapStream, ownsStream: false);
        var console = new StringWriter();
        string echoed = Echo(new VirtualBoardOptions { Pcap = pcap, Console = console }, out var board, out var pings);
        pcap.Flush();
        Assert.Equal("hello", echoed);
        Assert.Equal(new[] { 1, 2, 3 }, pings.Sequences);
        Assert.True(board.FramesToBoard > 6 && board.FramesFromBoard > 6);
        Assert.True(pcap.Frames >= board.FramesToBoard + board.FramesFromBoard, $"{pcap.Frames} frames captured");
        Assert.Contains("NanoTcp virtual board", console.ToString());
        Assert.Contains("LISTEN -> SYN-RECEIVED", board.Serial.Output);
        Assert.Contains("nanotcp> ", board.Serial.Output);
        Assert.NotNull(board.Device.Config.Tcp.IsnKey);
        Assert.Equal(0, board.Device.Interface.Counters.RxDropped);
    }

    [Fact]
    public void ConsoleCommandsTypedFromAnotherThreadRun()
    {
        var clock = new VirtualClock(0);
        var board = new VirtualBoard(new MemoryLink().A, clock, new VirtualBoardOptions());
        board.Start();
        var typist = new Thread(() => board.Type("ifconfig\r"));
        typist.Start();
        typist.Join();
        for (int i = 0; i < 10; i++) board.Poll(clock.NowMs++);
        Assert.Contains("inet 192.168.77.2/24", board.Serial.Output);
    }

    [Fact]
    public void EchoSurvivesFaultsInTheBridge()
    {
        string echoed = Echo(new VirtualBoardOptions { DropPerMille = 100, DuplicatePerMille = 50, ReorderPerMille = 50, DelayMs = 5, Seed = 1 }, out var board, out _);
        Assert.Equal("hello", echoed);
        Assert.NotNull(board.Faults);
        Assert.True(board.Faults.Dropped > 0, "the injector dropped nothing");
    }

    [Fact]
    public void TheEnc28j60CommandAndTheChipsDropsShowInTheSimulatorsConsole()
    {
        var clock = new VirtualClock(0);
        var board = new VirtualBoard(new MemoryLink().A, clock, new VirtualBoardOptions());
        board.Start();
        board.Type("enc28j60\r");
        board.Type("stats\r");
        for (int i = 0; i < 5; i++) board.Poll(clock.NowMs++);
        string o = board.Serial.Output;
        Assert.Contains("enc28j60 rev B7  running  link up", o);
        Assert.Contains("rx       runts 0 too-long 0 overflows 0", o);
        Assert.Contains("enc     rx-frames 0 rx-errors 0 rx-overflows 0", o);
        Assert.Contains("chip    (emulated, cable host speed) from-cable 0 stored 0", o);
        Assert.Contains("chip    dropped: overflow 0 in 0 overflows", o);
        Assert.DoesNotContain("error:", o);
    }

    [Fact]
    public void AHostSpeedCableWaitsForRoomInTheRingInsteadOfOverflowingIt()
    {
        // 40 full frames at once from the peer: the chip holds four; the bridge keeps the rest back
        // until the driver has read, so every one reaches the board and none overflows the ring.
        var clock = new VirtualClock(0);
        var cable = new MemoryLink(64, 1514);
        var board = new VirtualBoard(cable.A, clock, new VirtualBoardOptions { TraceLevel = NanoTcp.Trace.TraceLevel.Off });
        board.Start();
        byte[] frame = FullFrameTo(board);
        for (int i = 0; i < 40; i++) Assert.True(cable.B.Transmit(frame, 0, frame.Length, 0));
        int turns = 0;
        while (board.FramesToBoard < 40 && turns++ < 200) board.Poll(clock.NowMs);
        Assert.Equal(40, board.FramesToBoard);
        Assert.Equal(0, board.Chip.Stats.FramesDroppedOverflow);
        Assert.True(board.WaitsForRoom > 0, "the ring never filled");
        for (int i = 0; i < 5; i++) board.Poll(clock.NowMs);
        Assert.Equal(40, board.Device.Interface.Counters.RxFrames);
    }

    [Fact]
    public void ACableAtTheChipsLineRateOverflowsTheRingWhenTheBoardDoesNotRead()
    {
        // The same burst at 10 Mbit/s into a board that is not polled: what a real wire does.
        var clock = new VirtualClock(0);
        var cable = new MemoryLink(64, 1514);
        var board = new VirtualBoard(cable.A, clock, new VirtualBoardOptions { WireBitsPerSecond = 10_000_000, TraceLevel = NanoTcp.Trace.TraceLevel.Off });
        board.Start();
        byte[] frame = FullFrameTo(board);
        for (int i = 0; i < 10; i++) cable.B.Transmit(frame, 0, frame.Length, 0);
        board.Poll(clock.NowMs);          // the bridge puts all ten on the cable; the board reads what has arrived: nothing yet
        clock.Advance(50);                // 12.3 ms of wire time pass while the board is busy elsewhere
        for (int i = 0; i < 5; i++) board.Poll(clock.NowMs);
        Assert.Equal(6, board.Chip.Stats.FramesDroppedOverflow);
        Assert.Equal(4, board.Device.Interface.Counters.RxFrames);
        Assert.Equal(board.Chip.Stats.OverflowEpisodes, board.Driver.Counters.RxOverflows);
        board.Type("stats\r");
        board.Poll(clock.NowMs);
        Assert.Contains("chip    dropped: overflow 6 in 1 overflows", board.Serial.Output);
        Assert.Contains("rx-overflows 1", board.Serial.Output);
    }

    [Fact]
    public void RebootStartsANewCompositionOverTheSameChipAndTheBoardServesAgain()
    {
        var clock = new VirtualClock(0);
        var cable = new MemoryLink();
        var board = new VirtualBoard(cable.A, clock, new VirtualBoardOptions());
        board.Start();
        var pc = new NetInterface(cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, null);
        var tcp = new TcpStack(new TcpConfig(), pc, null);
        pc.AttachTransport(tcp);
        void Run(int ms)
        {
            for (int i = 0; i < ms; i++)
            {
                board.Poll(clock.NowMs);
                pc.Poll(clock.NowMs);
                clock.Advance(1);
            }
        }
        string EchoOver(int h, string text)
        {
            byte[] b = Encoding.ASCII.GetBytes(text);
            tcp.Send(h, b, 0, b.Length);
            var buf = new byte[64];
            var back = new StringBuilder();
            for (int i = 0; i < 3000 && back.Length < text.Length && tcp.GetState(h) == TcpState.Established; i++)
            {
                Run(1);
                int n = tcp.Receive(h, buf, 0, buf.Length);
                if (n > 0) back.Append(Encoding.ASCII.GetString(buf, 0, n));
            }
            return back.ToString();
        }

        int before = tcp.Connect(BoardIp, 7, 0);
        Run(500);
        Assert.Equal("before", EchoOver(before, "before"));
        var oldDevice = board.Device;
        var oldDriver = board.Driver;
        long chipResets = board.Chip.Stats.SoftResets;

        board.Type("reboot\r");
        Run(50);
        string o = board.Serial.Output;
        Assert.Contains("rebooting: the firmware starts again over the same (emulated) ENC28J60", o);
        Assert.Equal(2, o.Split("NanoTcp virtual board (ENC28J60 emulator)").Length - 1); // the banner again
        Assert.EndsWith("nanotcp> ", o);
        Assert.Equal(1, board.Reboots);
        Assert.NotSame(oldDevice, board.Device);
        Assert.NotSame(oldDriver, board.Driver);
        Assert.Equal(chipResets + 1, board.Chip.Stats.SoftResets);       // the new driver reset the chip
        Assert.Equal(0, board.Device.Tcp.ConnectionAt(0).IsInUse ? 1 : 0);

        // The board forgot the connection: the PC's next segment on it is answered with RST.
        Assert.Equal("", EchoOver(before, "lost"));
        Run(200);
        Assert.Equal(TcpState.Closed, tcp.GetState(before));
        Assert.Equal(TcpCloseReason.ResetByPeer, tcp.GetCloseReason(before));
        tcp.Close(before);

        // A new connection is served, and the console is the new composition's.
        int after = tcp.Connect(BoardIp, 7, 0);
        Run(500);
        Assert.Equal("after", EchoOver(after, "after"));
        board.Type("stats\r");
        board.Type("enc28j60\r");
        Run(20);
        string tail = board.Serial.Output.Substring(o.Length);
        Assert.Contains("frames  in ", tail);
        Assert.Contains("enc28j60 rev B7  running  link up", tail);
        Assert.DoesNotContain("unknown command", tail);
    }

    [Fact]
    public void FramesFromTheCableAreAccountedForByChipDriverAndInterface()
    {
        // A line-rate cable and a board that is busy while bursts arrive: some frames overflow the
        // ring; some are for another MAC (the chip filters them); some are pings the board answers;
        // some are a protocol it does not speak. Every frame the cable brought is in one count only.
        var clock = new VirtualClock(0);
        var cable = new MemoryLink(256, 1514);
        var board = new VirtualBoard(cable.A, clock, new VirtualBoardOptions { WireBitsPerSecond = 10_000_000, TraceLevel = NanoTcp.Trace.TraceLevel.Off });
        board.Start();
        var pc = new NetInterface(cable.B, new InterfaceConfig { Address = PcIp, MacAddress = new byte[] { 2, 0x50, 0x43, 0, 0, 1 } }, null);
        var pings = new Pings();
        pc.PingListener = pings;
        byte[] full = FullFrameTo(board);
        byte[] stranger = (byte[])full.Clone();
        stranger[5] ^= 0x55;                                              // another host's MAC
        int sent = 0;
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 10; i++, sent++) cable.B.Transmit(i % 3 == 2 ? stranger : full, 0, full.Length, clock.NowMs);
            board.Poll(clock.NowMs);                                      // the bursts go on the cable...
            clock.Advance(50);                                            // ...while the board does something else
            for (int i = 0; i < 20; i++) board.Poll(clock.NowMs);
            pc.SendPing(BoardIp, 1, round, 56, clock.NowMs);              // and a ping the board answers (5 pings + 1 ARP request handled)
            for (int i = 0; i < 300; i++)
            {
                pc.Poll(clock.NowMs);
                board.Poll(clock.NowMs);
                clock.Advance(1);
            }
        }
        board.Type("stats\r");
        for (int i = 0; i < 5; i++) board.Poll(clock.NowMs);

        VirtualEnc28j60Stats chip = board.Chip.Stats;
        var drv = board.Driver.Counters;
        Counters k = board.Device.Interface.Counters;
        _out.WriteLine($"cable {chip.FramesFromWire}: stored {chip.FramesStored}, filtered {chip.FramesFiltered}, overflow {chip.FramesDroppedOverflow} in {chip.OverflowEpisodes}; "
            + $"driver {drv.FramesIn} in, {drv.RxOverflows} overflows; interface {k.RxFrames} = {k.RxHandled} + {k.RxDropped}");
        Assert.True(chip.FramesDroppedOverflow > 0, "no overflow: the test proves nothing");
        Assert.True(chip.FramesFiltered > 0, "nothing filtered");
        Assert.Equal(5, pings.Sequences.Count);
        // The cable: what the chip stored, what it filtered, what overflowed.
        Assert.Equal(chip.FramesFromWire, chip.FramesStored + chip.FramesFiltered + chip.FramesDroppedOverflow
            + chip.FramesDroppedCableQueue + chip.FramesDroppedLinkDown + chip.FramesDroppedRxDisabled + chip.FramesDroppedTooLong + chip.FramesDroppedRunt);
        // The driver read every stored frame and saw every overflow; the interface took every frame it read...
        Assert.Equal(chip.FramesStored, drv.FramesIn);
        Assert.Equal(chip.OverflowEpisodes, drv.RxOverflows);
        Assert.Equal(drv.FramesIn, k.RxFrames);
        // ...and handled or dropped each one.
        Assert.Equal(k.RxFrames, k.RxHandled + k.RxDropped);
        Assert.True(k.RxHandled >= 6 && k.RxDropped > 0, $"handled {k.RxHandled}, dropped {k.RxDropped}");
        string o = board.Serial.Output;
        Assert.Contains($"frames  in {k.RxFrames} = handled {k.RxHandled} + dropped {k.RxDropped} ", o);
        Assert.Contains($"rx-frames {drv.FramesIn} ", o);
        Assert.Contains($"rx-overflows {drv.RxOverflows}", o);
        Assert.Contains($"from-cable {chip.FramesFromWire} stored {chip.FramesStored} ", o);
        Assert.Contains($"chip    dropped: overflow {chip.FramesDroppedOverflow} in {chip.OverflowEpisodes} overflows", o);
    }

    /// <summary>A 1514-byte frame to the board's MAC, EtherType 0x88B5 (not IPv4: counted and dropped by the interface).</summary>
    private static byte[] FullFrameTo(VirtualBoard board)
    {
        var frame = new byte[1514];
        Array.Copy(board.Options.MacAddress, frame, 6);
        frame[6] = 2;
        frame[12] = 0x88;
        frame[13] = 0xB5;
        return frame;
    }
}
