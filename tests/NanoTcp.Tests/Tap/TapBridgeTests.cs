using System.Diagnostics;
using NanoTcp.Cli;
using NanoTcp.Sim.Tap;
using NanoTcp.Tests.Support;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Tap;

/// <summary>
/// The virtual board against the Linux kernel's own TCP/IP stack: `nanotcp tap` with its TAP in a
/// network namespace created for the test (nothing outside it is touched), then ping, curl and nc
/// from inside the namespace, and the capture validated by tshark. Needs root and /dev/net/tun;
/// without them the tests say so in their output and pass (xunit 2 has no dynamic skip).
/// </summary>
public class TapBridgeTests
{
    private readonly ITestOutputHelper _out;

    public TapBridgeTests(ITestOutputHelper output) => _out = output;

    private bool CanRun()
    {
        if (!OperatingSystem.IsLinux()) { _out.WriteLine("NOT RUN: TAP devices need Linux"); return false; }
        if (!TapDevice.IsRoot) { _out.WriteLine("NOT RUN: " + TapDevice.NeedsRoot + " (run the tests as root, as CI does)"); return false; }
        if (!File.Exists(TapDevice.TunPath)) { _out.WriteLine("NOT RUN: " + TapDevice.TunMissing); return false; }
        return true;
    }

    /// <summary>A thread-safe writer the board's console goes to, readable while it runs.</summary>
    private sealed class Transcript : StringWriter
    {
        private readonly object _gate = new();
        public override void Write(char value) { lock (_gate) base.Write(value); }
        public override void Write(string value) { lock (_gate) base.Write(value); }
        public override void Write(char[] buffer, int index, int count) { lock (_gate) base.Write(buffer, index, count); }
        public override void WriteLine(string value) { lock (_gate) base.WriteLine(value); }
        public override string ToString() { lock (_gate) return base.ToString(); }
    }

    private (int Code, string Output) InNamespace(string ns, string program, params string[] args)
    {
        var (code, output) = HostNetwork.Exec(program, ns, args);
        _out.WriteLine($"$ ip netns exec {ns} {program} {string.Join(' ', args)}  -> {code}\n{output}");
        return (code, output);
    }

    [Fact]
    public void LinuxPingsCurlsAndEchoesThroughTheTap()
    {
        if (!CanRun()) return;
        int id = Environment.ProcessId % 100000;
        string ns = $"nt-test-{id}", tapName = $"ntt{id}";
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-tap-{id}.pcapng");
        var transcript = new Transcript();
        using var cts = new CancellationTokenSource();
        int exitCode = -1;
        var options = new TapOptions { Name = tapName, Netns = ns, Pcap = pcap, Trace = NanoTcp.Trace.TraceLevel.Segments, Input = new StringReader("ifconfig\n") };
        var boardThread = new Thread(() => exitCode = TapCommand.Run(options, transcript, cts.Token)) { IsBackground = true };
        try
        {
            boardThread.Start();
            var ready = Stopwatch.StartNew();
            while (!transcript.ToString().Contains("nanotcp> ") && ready.ElapsedMilliseconds < 10000 && boardThread.IsAlive) Thread.Sleep(20);
            Assert.True(transcript.ToString().Contains("nanotcp> "), "the board did not come up:\n" + transcript);
            Assert.Contains($"ip netns exec {ns} ping 192.168.77.2", transcript.ToString());
            Assert.Contains($"ip netns exec {ns} curl http://192.168.77.2/", transcript.ToString());
            Assert.Contains($"ip netns exec {ns} nc 192.168.77.2 7", transcript.ToString());

            var ping = InNamespace(ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", "192.168.77.2");
            Assert.True(ping.Code == 0, ping.Output);
            Assert.Contains("3 received", ping.Output);
            // Written as it happens: the replies are in the file while the board still runs.
            Assert.Equal(3, Tshark.Summary(pcap).Count(l => l.Contains("Echo (ping) reply")));

            var curl = InNamespace(ns, "curl", "-s", "-m", "10", "http://192.168.77.2/");
            Assert.True(curl.Code == 0, curl.Output);
            Assert.True(curl.Output.Contains("NanoTcp") || curl.Output.Contains("ESTABLISHED"), curl.Output);

            var nc = InNamespace(ns, "sh", "-c", "printf hello | nc -q1 -w5 192.168.77.2 7");
            Assert.True(nc.Code == 0, nc.Output);
            Assert.Equal("hello", nc.Output);

            // The board saw Linux close both connections (four-way close ends in LAST-ACK -> CLOSED on the board).
            var done = Stopwatch.StartNew();
            while (!transcript.ToString().Contains("LAST-ACK -> CLOSED") && done.ElapsedMilliseconds < 5000) Thread.Sleep(20);
        }
        finally
        {
            cts.Cancel();
            boardThread.Join(10000);
            _out.WriteLine(transcript.ToString());
            if (HostNetwork.NamespaceExists(ns)) HostNetwork.Exec("ip", null, "netns", "del", ns); // belt and braces
        }
        Assert.Equal(0, exitCode);
        Assert.False(HostNetwork.NamespaceExists(ns), "the namespace was not deleted");
        Assert.DoesNotContain(tapName + ":", HostNetwork.Exec("ip", null, "-o", "link", "show").Output);
        string text = transcript.ToString();
        Assert.Contains("LISTEN -> SYN-RECEIVED", text);
        Assert.Contains("inet 192.168.77.2/24", text); // the console command given on the input
        Assert.Contains("stopped:", text);

        List<string> problems = Tshark.Problems(pcap);
        Assert.True(problems.Count == 0, "tshark: " + string.Join("\n", problems));
        List<string> summary = Tshark.Summary(pcap);
        _out.WriteLine(string.Join("\n", summary));
        Assert.Contains(summary, l => l.Contains("Echo (ping) reply"));
        Assert.Contains(summary, l => l.Contains("HTTP/1.") && l.Contains("200"));
        // Wall-clock times (not 1970), and the board's own account of each connection on its frames.
        double now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(Tshark.Fields(pcap, "", "frame.time_epoch"), t => Assert.InRange(double.Parse(t, System.Globalization.CultureInfo.InvariantCulture), now - 600, now + 5));
        Assert.Contains("tcp#0 LISTEN -> SYN-RECEIVED", Tshark.Fields(pcap, "tcp", "frame.comment"));
        File.Delete(pcap);
    }

    private const string EchoBulk = @"
import os, socket, sys, threading, hashlib
n = int(sys.argv[1])
data = os.urandom(n)
s = socket.create_connection(('192.168.77.2', 7), timeout=60)
def send():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=send, daemon=True).start()
got = bytearray()
while True:
    b = s.recv(65536)
    if not b: break
    got += b
print('echoed', len(got), 'of', n, 'same' if bytes(got) == data else 'DIFFERENT')
";

    [Fact]
    public void LinuxEchoes100KilobytesThroughLossyBridge()
    {
        if (!CanRun()) return;
        int id = Environment.ProcessId % 100000;
        string ns = $"nt-bulk-{id}", tapName = $"ntb{id}";
        var transcript = new Transcript();
        using var cts = new CancellationTokenSource();
        int exitCode = -1;
        string pcap = Path.Combine(Path.GetTempPath(), $"nanotcp-tap-bulk-{id}.pcapng");
        var options = new TapOptions { Name = tapName, Netns = ns, Drop = 5, Duplicate = 5, Reorder = 2, DelayMs = 2, Seed = 3, Trace = NanoTcp.Trace.TraceLevel.States, Pcap = pcap };
        var boardThread = new Thread(() => exitCode = TapCommand.Run(options, transcript, cts.Token)) { IsBackground = true };
        try
        {
            boardThread.Start();
            var ready = Stopwatch.StartNew();
            while (!transcript.ToString().Contains("nanotcp> ") && ready.ElapsedMilliseconds < 10000 && boardThread.IsAlive) Thread.Sleep(20);
            Assert.True(transcript.ToString().Contains("nanotcp> "), "the board did not come up:\n" + transcript);
            var run = InNamespace(ns, "python3", "-c", EchoBulk, "100000");
            Assert.True(run.Code == 0, run.Output);
            Assert.Equal("echoed 100000 of 100000 same", run.Output.Trim());
        }
        finally
        {
            cts.Cancel();
            boardThread.Join(10000);
            string t = transcript.ToString();
            _out.WriteLine(t.Length > 20000 ? t.Substring(t.Length - 20000) : t);
            if (HostNetwork.NamespaceExists(ns)) HostNetwork.Exec("ip", null, "netns", "del", ns);
        }
        Assert.Equal(0, exitCode);
        // The board's frames the bridge lost are in its capture (it sent them), marked as lost on the wire.
        var comments = Tshark.Fields(pcap, "tcp", "frame.comment");
        Assert.Contains("lost on the wire (the bridge dropped it)", comments);
        Assert.Contains("duplicated on the wire (the bridge sent it twice)", comments);
        File.Delete(pcap);
    }
}
