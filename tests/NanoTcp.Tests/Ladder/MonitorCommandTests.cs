using System.Runtime.CompilerServices;
using NanoTcp.Cli;
using NanoTcp.Cli.CommandLine;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Trace;
using NanoTcp.Tcp;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Ladder;

public class MonitorCommandTests
{
    private readonly ITestOutputHelper _out;
    public MonitorCommandTests(ITestOutputHelper output) => _out = output;

    private static string FixturePath([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "Fixtures", "board-trace.txt");

    private sealed class SerialLines : ITraceSink
    {
        private readonly TextLine _line = new(4096);
        public readonly List<string> All = new();
        public void OnTrace(TraceEvent e)
        {
            TraceFormatter.Format(e, _line);
            All.Add("nanotcp> " + _line);
        }
    }

    /// <summary>
    /// Records what the board's serial console prints at trace level Frames while a PC (a
    /// second NanoTcp stack) connects to its echo service, sends a line, and closes first:
    /// how Fixtures/board-trace.txt was made (NANOTCP_REGEN_FIXTURES=1 rewrites it).
    /// </summary>
    public static List<string> RecordBoardTrace()
    {
        uint boardIp = Ipv4Address.Make(192, 168, 7, 50), pcIp = Ipv4Address.Make(192, 168, 7, 10);
        var cable = new MemoryLink();
        var serial = new SerialLines();
        var board = new NetInterface(cable.A, new InterfaceConfig { Address = boardIp, MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0x50 } },
            new Tracer(serial, TraceLevel.Frames));
        var pc = new NetInterface(cable.B, new InterfaceConfig { Address = pcIp, MacAddress = new byte[] { 0x02, 0x50, 0x43, 0, 0, 0x10 } }, new Tracer());
        var boardTcp = new TcpStack(new TcpConfig { IsnKey = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } }, board, board.Tracer);
        board.AttachTransport(boardTcp);
        var echo = new TcpEchoService(boardTcp, 7, 2);
        var pcTcp = new TcpStack(new TcpConfig(), pc, pc.Tracer);
        pc.AttachTransport(pcTcp);
        long now = 0;
        void Step(int ms)
        {
            for (int i = 0; i < ms; i++) { board.Poll(now); echo.Poll(now); pc.Poll(now); now++; }
        }
        Step(1);
        int h = pcTcp.Connect(boardIp, 7, 50000);
        Step(10);
        byte[] line = "hello over tcp"u8.ToArray();
        pcTcp.Send(h, line, 0, line.Length);
        Step(10);
        Assert.Equal(14, pcTcp.Receive(h, new byte[64], 0, 64));
        pcTcp.Shutdown(h);
        Step(300);
        return serial.All;
    }

    [Fact]
    public void FixtureIsWhatTheBoardPrints()
    {
        var fresh = RecordBoardTrace();
        if (Environment.GetEnvironmentVariable("NANOTCP_REGEN_FIXTURES") == "1")
            File.WriteAllLines(FixturePath(), fresh);
        var recorded = File.ReadAllLines(FixturePath());
        Assert.Contains(recorded, l => l.Contains("] frame < "));
        Assert.Contains(recorded, l => l.Contains("LISTEN -> SYN-RECEIVED"));
    }

    public static readonly string[] BoardArrows =
    {
        "peer -> board SYN seq=0 win=2048",
        "board -> peer SYN, ACK seq=0 ack=1 win=2048",
        "peer -> board ACK seq=1 ack=1 win=2048",
        "peer -> board PSH, ACK seq=1 ack=1 win=2048 [14 bytes]",
        "board -> peer PSH, ACK seq=1 ack=15 win=2048 [14 bytes]",
        "peer -> board FIN, ACK seq=15 ack=15 win=2048",
        "board -> peer ACK seq=15 ack=16 win=2048",
        "board -> peer FIN, ACK seq=15 ack=16 win=2048",
        "peer -> board ACK seq=16 ack=16 win=2048",
    };

    [Fact]
    public void MonitorReadsTheRecordedBoardTraceIntoTheHandshakeLadderAndAValidPcap()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-monitor").FullName;
        string pcap = Path.Combine(dir, "board.pcap"), svg = Path.Combine(dir, "board.svg");
        var o = MonitorCommandLine.Parse(new[] { FixturePath(), "--pcap", pcap, "--svg", svg }, out string error);
        Assert.Null(error);
        var output = new StringWriter();
        Assert.Equal(0, MonitorCommand.Run(o, TextReader.Null, output));
        string text = output.ToString();
        _out.WriteLine(text);

        var lines = File.ReadAllLines(FixturePath());
        var d = MonitorCommand.Ladder(lines);
        Assert.Equal(BoardArrows, d.ArrowSummary());
        Assert.Equal("192.168.7.10:50000", d.Left.Endpoint);
        Assert.Equal("board", d.Right.Name);
        Assert.Equal("CLOSED", d.LastState(LadderSide.Right));
        Assert.Contains("tcp#0          CLOSED", text);
        Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);
        Assert.Contains("frame < 60 bytes IPv4 TCP 192.168.7.10:50000 > 192.168.7.50:7", text);
        Assert.StartsWith("<svg", File.ReadAllText(svg));

        int frameLines = lines.Count(l => TraceLineParser.Parse(l).Kind == TraceLineKind.Frame);
        Assert.Contains($"{frameLines} frames written", text);
        Assert.Empty(Tshark.Problems(pcap));
        var tcp = Tshark.Summary(pcap, "tcp");
        _out.WriteLine(string.Join("\n", tcp));
        Assert.Matches(@"50000 → 7 \[SYN\] Seq=0 Win=2048 Len=0 MSS=1460", tcp[0]);
        Assert.Matches(@"7 → 50000 \[SYN, ACK\] Seq=0 Ack=1 Win=2048 Len=0 MSS=1460", tcp[1]);
        Assert.Matches(@"50000 → 7 \[ACK\] Seq=1 Ack=1 Win=2048 Len=0", tcp[2]);
        Assert.Equal(9, tcp.Count);
    }

    [Fact]
    public void MonitorOnStdinWithGarbageAndTwoSidesDrawsBothLifelines()
    {
        var (pc, board) = LadderBuilderTests.DemoTraces();
        var all = new List<string> { "boot: nanoFramework", "\u0001\u0002garbage" };
        all.AddRange(pc.Zip(board, (a, b) => new[] { a, b }).SelectMany(x => x));
        var o = MonitorCommandLine.Parse(new[] { "-", "--ascii", "--quiet" }, out _);
        var output = new StringWriter();
        Assert.Equal(0, MonitorCommand.Run(o, new StringReader(string.Join("\n", all)), output));
        string text = output.ToString();
        _out.WriteLine(text);
        Assert.Contains("pc tcp#0", text);
        Assert.Contains("board tcp#0", text);
        Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);
        Assert.True(text.All(c => c < 128));
    }

    [Theory]
    [InlineData(new[] { "--baud" }, "nanotcp monitor: --baud needs a value (nanotcp monitor --help lists the options)")]
    [InlineData(new[] { "/dev/ttyUSB0", "--baud", "fast" }, "nanotcp monitor: --baud wants a speed 50..4000000, not 'fast'")]
    [InlineData(new[] { "trace.txt", "--baud", "115200" }, "nanotcp monitor: --baud applies to a serial device path (/dev/...)")]
    [InlineData(new[] { "--frobnicate" }, "nanotcp monitor: unknown option '--frobnicate' (nanotcp monitor --help lists the options)")]
    [InlineData(new[] { "a", "b" }, "nanotcp monitor: unexpected argument 'b' (nanotcp monitor --help lists the options)")]
    [InlineData(new[] { "--pcap" }, "nanotcp monitor: --pcap needs a value (nanotcp monitor --help lists the options)")]
    public void BadOptionsAreReported(string[] args, string message)
    {
        Assert.Null(MonitorCommandLine.Parse(args, out string error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void GoodOptionsParse()
    {
        var o = MonitorCommandLine.Parse(new[] { "/dev/ttyUSB0", "--baud", "115200", "--svg", "x.svg", "--ascii", "--width", "80" }, out string error);
        Assert.Null(error);
        Assert.Equal(("/dev/ttyUSB0", 115200, "x.svg", true, 80), (o.Input, o.Baud.Value, o.SvgPath, o.Ascii, o.Width));
    }

    [Fact]
    public void MissingFileIsAnErrorNotAnException()
    {
        var o = MonitorCommandLine.Parse(new[] { "/nonexistent/trace.txt" }, out _);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, MonitorCommand.Run(o, TextReader.Null, output, error));
        Assert.Equal("nanotcp monitor: cannot read /nonexistent/trace.txt: no such directory", error.ToString().TrimEnd());
        Assert.Equal("", output.ToString());
    }
}
