using System.Runtime.CompilerServices;
using System.Text;
using NanoTcp.Cli;
using NanoTcp.Cli.CommandLine;
using NanoTcp.Cli.Monitor;
using NanoTcp.Sim.Ladder;
using NanoTcp.Sim.Serial;
using NanoTcp.Sim.Trace;
using NanoTcp.Tests.Support;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Ladder;

public class MonitorCommandTests
{
    private readonly ITestOutputHelper _out;
    public MonitorCommandTests(ITestOutputHelper output) => _out = output;

    /// <summary>The board's serial console byte for byte (CR, prompts, echo): see <see cref="ConsoleBoard.RecordFixture"/>.</summary>
    public static string FixturePath([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "Fixtures", "board-console.raw");

    [Fact]
    public void FixtureIsExactlyWhatTheBoardWritesToItsSerialPort()
    {
        byte[] fresh = ConsoleBoard.RecordFixture();
        if (Environment.GetEnvironmentVariable("NANOTCP_REGEN_FIXTURES") == "1")
            File.WriteAllBytes(FixturePath(), fresh);
        byte[] recorded = File.ReadAllBytes(FixturePath());
        Assert.Equal(fresh, recorded);
        string text = Encoding.ASCII.GetString(recorded);
        // What the wire carries: a trace line written over the prompt, not after it.
        Assert.Contains("nanotcp> \r[", text);
        Assert.Contains("] frame < ", text);
        Assert.Contains("LISTEN -> SYN-RECEIVED", text);
    }

    private (int Code, string Out, string Err) Monitor(string[] args, string stdin = "")
    {
        var o = MonitorCommandLine.Parse(args, out string error);
        Assert.Null(error);
        var output = new StringWriter();
        var err = new StringWriter();
        int code = MonitorCommand.Run(o, new StringReader(stdin), output, err);
        _out.WriteLine(output.ToString());
        return (code, output.ToString(), err.ToString());
    }

    public static readonly string[] BoardArrows =
    {
        "peer -> board SYN seq=0 win=2048",
        "board -> peer SYN, ACK seq=0 ack=1 win=2048",
        "peer -> board ACK seq=1 ack=1 win=2048",
        "peer -> board PSH, ACK seq=1 ack=1 win=2048 [14 bytes]",
        "board -> peer PSH, ACK seq=1 ack=15 win=2048 [14 bytes]",
        "peer -> board FIN, ACK seq=15 ack=15 win=2048",
        // the board answers at its next poll: its FIN carries the ACK of the peer's FIN
        "board -> peer FIN, ACK seq=15 ack=16 win=2048",
        "peer -> board ACK seq=16 ack=16 win=2048",
    };

    [Fact]
    public void TheRawConsoleStreamGivesOneLinePerTraceLineAndNoNoise()
    {
        var (code, text, err) = Monitor(new[] { FixturePath() });
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        // No line is a bare prompt, and nothing is marked unreadable.
        Assert.DoesNotContain(lines, l => l.Trim() is "nanotcp>" or "? nanotcp>");
        Assert.DoesNotContain(lines, l => l.StartsWith("  ?"));
        int traceLines = SerialLineAssembler.Split(File.ReadAllBytes(FixturePath())).Count(l => TraceLineParser.Parse(l).Kind != TraceLineKind.Unknown);
        Assert.Contains($"end of input: {traceLines} trace lines", text);
        // The commands typed on the console show with their echo, and their answers.
        Assert.Contains(lines, l => l == "nanotcp> trace frames");
        Assert.Contains(lines, l => l == "nanotcp> netstat");
        // Sequence numbers relative to each side's SYN, frame dumps summarised.
        Assert.Contains(lines, l => l.EndsWith("tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=0 ack=1 win=2048 mss=1460"));
        Assert.Contains(lines, l => l.Contains("frame < 60 bytes IPv4 TCP 192.168.7.10:50000 > 192.168.7.50:7"));
        Assert.Contains(lines, l => l.StartsWith("tcp#0") && l.Contains("CLOSED"));
    }

    [Fact]
    public void MonitorDrawsTheHandshakeLadderAndWritesACommentedPcapng()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-monitor").FullName;
        try
        {
            string pcap = Path.Combine(dir, "board.pcapng"), svg = Path.Combine(dir, "board.svg"), log = Path.Combine(dir, "board.log");
            var (code, text, _) = Monitor(new[] { FixturePath(), "--pcap", pcap, "--svg", svg, "--log", log, "--quiet", "--connection", "0" });
            Assert.Equal(0, code);

            var lines = SerialLineAssembler.Split(File.ReadAllBytes(FixturePath()));
            var d = MonitorCommand.Ladder(lines, 0)!;
            Assert.Equal(BoardArrows, d.ArrowSummary());
            Assert.Equal("192.168.7.10:50000", d.Left.Endpoint);
            Assert.Equal("board", d.Right.Name);
            Assert.Equal("CLOSED", d.LastState(LadderSide.Right));
            Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);
            Assert.StartsWith("<svg", File.ReadAllText(svg));
            Assert.Equal(File.ReadAllBytes(FixturePath()), File.ReadAllBytes(log));

            int frameLines = lines.Count(l => TraceLineParser.Parse(l).Kind == TraceLineKind.Frame);
            Assert.Contains($"capture: {frameLines} frames written to {pcap}", text);
            Assert.Empty(Tshark.Problems(pcap));
            var tcp = Tshark.Summary(pcap, "tcp");
            Assert.Matches(@"50000 → 7 \[SYN\] Seq=0 Win=2048 Len=0 MSS=1460", tcp[0]);
            Assert.Matches(@"7 → 50000 \[SYN, ACK\] Seq=0 Ack=1 Win=2048 Len=0 MSS=1460", tcp[1]);
            Assert.Equal(8, tcp.Count);
            var comments = Tshark.Fields(pcap, "tcp", "frame.comment");
            _out.WriteLine(string.Join("\n", comments));
            Assert.Equal("tcp#0 LISTEN -> SYN-RECEIVED", comments[0]);
            Assert.Equal("tcp#0 SYN-RECEIVED -> ESTABLISHED", comments[2]);
            Assert.Equal("tcp#0 CLOSE-WAIT -> LAST-ACK", comments[6]);
            // Wall-clock times, not 1970.
            var times = Tshark.Fields(pcap, "", "frame.time_epoch");
            double now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.All(times, t => Assert.InRange(double.Parse(t, System.Globalization.CultureInfo.InvariantCulture), now - 3600, now + 60));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SavedDemoOutputDrawsBothSidesOnceEach()
    {
        var demo = new StringWriter();
        Assert.Equal(0, Demo.Run(demo, speed: 0, ascii: true));
        var lines = demo.ToString().Split('\n');
        var d = MonitorCommand.Ladder(lines)!;
        Assert.Equal("pc", d.Left.Name);
        Assert.Equal("board", d.Right.Name);
        Assert.Equal(8, d.ArrowSummary().Count()); // the board's ACK rides on its FIN
        Assert.Equal(new[] { "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED" },
            d.Items.OfType<LadderStateChange>().Where(s => s.Side == LadderSide.Left).Select(s => s.To));
    }

    [Fact]
    public void AChosenConnectionIsTheTcpNumberTheTracePrints()
    {
        // tcp#5 is the only connection: --connection 5 draws it (the old meaning, the n-th address pair, did not).
        var lines = SerialLineAssembler.Split(File.ReadAllBytes(FixturePath())).Select(l => l.Replace("tcp#0", "tcp#5")).ToList();
        Assert.Equal(BoardArrows, MonitorCommand.Ladder(lines, 5)!.ArrowSummary());
        Assert.Null(MonitorCommand.Ladder(lines, 0));
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, lines);
            var (code, text, _) = Monitor(new[] { file, "--connection", "5" });
            Assert.Equal(0, code);
            Assert.DoesNotContain("no TCP", text);
            Assert.Contains("SYN, ACK seq=0 ack=1", text);
            (code, text, _) = Monitor(new[] { file, "--connection", "3" });
            Assert.Contains("no segments of tcp#3 in the trace", text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void MonitorOnStdinWithGarbageAndTwoSidesDrawsBothLifelines()
    {
        var (pc, board) = LadderBuilderTests.DemoTraces();
        var all = new List<string> { "boot: nanoFramework", "\u0001\u0002garbage" };
        all.AddRange(pc.Zip(board, (a, b) => new[] { a, b }).SelectMany(x => x));
        var (code, text, _) = Monitor(new[] { "-", "--ascii", "--quiet" }, string.Join("\n", all));
        Assert.Equal(0, code);
        Assert.Contains("pc tcp#0", text);
        Assert.Contains("board tcp#0", text);
        Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);
        Assert.True(text.All(c => c < 128));
    }

    [Theory]
    [InlineData(new[] { "--baud" }, "nanotcp monitor: --baud needs a value (nanotcp monitor --help lists the options)")]
    [InlineData(new[] { "/dev/ttyUSB0", "--baud", "fast" }, "nanotcp monitor: --baud wants a speed 50..4000000, not 'fast'")]
    [InlineData(new[] { "trace.txt", "--baud", "115200" }, "nanotcp monitor: --baud applies to a serial port (/dev/..., COMn)")]
    [InlineData(new[] { "COM3", "--parity", "purple" }, "nanotcp monitor: --parity wants none, even, odd, mark, space; not 'purple'")]
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
        var o = MonitorCommandLine.Parse(new[] { "/dev/ttyUSB0", "--baud", "9600", "--parity", "even", "--stop-bits", "2", "--data-bits", "7",
            "--svg", "x.svg", "--ascii", "--width", "80", "--seq", "abs", "--port", "7", "--level", "states" }, out string error);
        Assert.Null(error);
        Assert.True(o.InputIsSerialPort);
        Assert.Equal(("/dev/ttyUSB0", 9600, System.IO.Ports.Parity.Even, System.IO.Ports.StopBits.Two, 7), (o.Input, o.Baud, o.Parity, o.StopBits, o.DataBits));
        Assert.Equal(("x.svg", true, 80, SeqNumbers.Absolute, 7, NanoTcp.Trace.TraceLevel.States), (o.SvgPath, o.Ascii, o.Width, o.Seq, o.Port.Value, o.Level));
        Assert.True(MonitorCommandLine.Parse(new[] { "COM3" }, out _).InputIsSerialPort);
        Assert.False(MonitorCommandLine.Parse(new[] { "saved.log" }, out _).InputIsSerialPort);
    }

    [Fact]
    public void MissingFileOrPortIsAnErrorNotAnException()
    {
        var (code, output, err) = Monitor(new[] { "/nonexistent/trace.txt" });
        Assert.Equal(2, code);
        Assert.Equal("nanotcp monitor: cannot read /nonexistent/trace.txt: no such directory", err.Trim());
        Assert.Equal("", output);
        (code, _, err) = Monitor(new[] { "/dev/ttyNOPE9" });
        Assert.Equal(2, code);
        Assert.StartsWith("nanotcp monitor: cannot open /dev/ttyNOPE9: no such serial port", err.Trim());
        Assert.DoesNotContain('\n', err.Trim());
    }
}
