using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using NanoTcp.Sim.Serial;
using NanoTcp.Sim.Trace;
using NanoTcp.Tests.Support;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Cli;

/// <summary>
/// `nanotcp monitor` as a person uses it on a board's serial console: the virtual board writes its
/// console, byte for byte as the firmware does, to one end of a pseudo-terminal pair (socat); the
/// monitor, a process of its own, opens the other end as a serial port at 115200 baud; commands
/// are typed through the monitor; the capture and the log are read while it runs; Ctrl-C (SIGINT)
/// ends it.
/// </summary>
public class MonitorSerialTests
{
    private readonly ITestOutputHelper _out;
    public MonitorSerialTests(ITestOutputHelper output) => _out = output;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private const int SIGINT = 2;

    [SocatFact]
    public void TypedCommandsReachTheBoardAndFilesAreCompleteAfterSigint()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-pty").FullName;
        string boardEnd = Path.Combine(dir, "board"), portEnd = Path.Combine(dir, "ttyNANO");
        string pcap = Path.Combine(dir, "board.pcapng"), log = Path.Combine(dir, "board.log"), svg = Path.Combine(dir, "board.svg");
        var socat = Process.Start(new ProcessStartInfo("socat", $"pty,raw,echo=0,link={boardEnd} pty,raw,echo=0,link={portEnd}")
        { RedirectStandardError = true, UseShellExecute = false })!;
        Process monitor = null;
        var output = new StringBuilder();
        try
        {
            Until(() => File.Exists(boardEnd) && File.Exists(portEnd), 10_000, "socat made no pseudo-terminal pair");
            var board = new ConsoleBoard();
            using var toPort = new FileStream(boardEnd, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            using var fromPort = new FileStream(boardEnd, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            board.SerialOut = bytes =>
            {
                toPort.Write(bytes);
                toPort.Flush();
            };
            var typed = new StringBuilder();
            var reader = new Thread(() =>
            {
                var buffer = new byte[256];
                try
                {
                    int n;
                    while ((n = fromPort.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        string s = Encoding.Latin1.GetString(buffer, 0, n);
                        lock (typed) typed.Append(s);
                        board.Type(s);
                    }
                }
                catch (IOException)
                {
                }
            }) { IsBackground = true };
            reader.Start();

            // SIGINT restored to its default for the monitor: a test run started in the background (a
            // non-interactive shell's `&`, nohup) ignores SIGINT, a child inherits that, and .NET leaves
            // an ignored SIGINT ignored, as a background job's should be; Ctrl-C would never reach it.
            monitor = Process.Start(CliProcess.StartInfo(dir, new[] { "monitor", portEnd, "--baud", "115200", "--pcap", pcap, "--log", log, "--svg", svg },
                "env", "--default-signal=INT"))!;
            monitor.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            monitor.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine("stderr: " + e.Data); };
            monitor.BeginOutputReadLine();
            monitor.BeginErrorReadLine();
            string Text() { lock (output) return output.ToString(); }
            void WaitFor(string what, int ms = 20_000) => Until(() => Text().Contains(what), ms, $"the monitor never printed '{what}'\n{Text()}", board);

            WaitFor($"monitor: {portEnd} at 115200 baud 8N1");
            board.Start();
            board.Step(5, pace: true);
            WaitFor("NanoTcp virtual board: ESP32 + ENC28J60 (emulated)");

            // Typed through the monitor, executed by the board, echoed by its console.
            monitor.StandardInput.Write("trace frames\n");
            monitor.StandardInput.Flush();
            WaitFor("nanotcp> trace frames");
            lock (typed) Assert.Equal("trace frames\r", typed.ToString());

            board.EchoExchange(pace: true);
            WaitFor("LAST-ACK -> CLOSED");
            monitor.StandardInput.Write("netstat\n:table\n");
            monitor.StandardInput.Flush();
            WaitFor("listeners: 7");
            WaitFor("connection       state");

            // While it runs: the log has every byte so far, the capture every frame, valid in tshark.
            byte[] written = board.Written.ToArray();
            int frames = SerialLineAssembler.Split(written).Count(l => TraceLineParser.Parse(l).Kind == TraceLineKind.Frame);
            Assert.True(frames >= 10, $"{frames} frame lines");
            Until(() => File.ReadAllBytes(log).Length == written.Length, 5000, "the log is behind what the board wrote", board);
            Assert.Equal(written, File.ReadAllBytes(log));
            Until(() => Tshark.Summary(pcap).Count == frames, 5000, "the capture is behind the frames the board printed", board);
            Assert.Empty(Tshark.Problems(pcap));

            Assert.Equal(0, kill(monitor.Id, SIGINT));
            Assert.True(monitor.WaitForExit(20_000), "the monitor did not stop on SIGINT\n" + Text());
            monitor.WaitForExit();
            string text = Text();
            _out.WriteLine(text);
            Assert.Equal(0, monitor.ExitCode);

            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.DoesNotContain(lines, l => l.Trim() is "nanotcp>" or "? nanotcp>" || l.StartsWith("stderr:"));
            int traceLines = SerialLineAssembler.Split(written).Count(l => TraceLineParser.Parse(l).Kind != TraceLineKind.Unknown);
            Assert.Contains($"stopped: {traceLines} trace lines", text);
            Assert.Contains($"capture: {frames} frames written to {pcap}", text);
            Assert.Contains($"log: {written.Length} bytes written to {log}", text);
            Assert.Contains($"ladder diagram written to {svg}", text);
            Assert.Contains("SYN, ACK seq=0 ack=1 win=2048", text);

            Assert.Equal(written, File.ReadAllBytes(log));
            Assert.Empty(Tshark.Problems(pcap));
            Assert.Equal(frames, Tshark.Summary(pcap).Count);
            var comments = Tshark.Fields(pcap, "tcp", "frame.comment");
            Assert.Contains("tcp#0 LISTEN -> SYN-RECEIVED", comments);
            Assert.Contains("tcp#0 CLOSE-WAIT -> LAST-ACK", comments);
            Assert.Equal("svg", System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName);
        }
        finally
        {
            if (monitor is { HasExited: false }) monitor.Kill();
            if (!socat.HasExited) socat.Kill();
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Waits for <paramref name="done"/>, keeping the board running (paced to the wall clock) meanwhile.</summary>
    private static void Until(Func<bool> done, int ms, string failure, ConsoleBoard board = null)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.ElapsedMilliseconds > ms) Assert.Fail(failure);
            if (board != null) board.Step(10, pace: true);
            else Thread.Sleep(10);
        }
    }
}
