using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NanoTcp.Iface;
using NanoTcp.Sim;
using NanoTcp.Sim.Board;
using NanoTcp.Sim.Tap;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers.Rig;

/// <summary>Something the test runs on the board's own loop after every poll (a board-side application).</summary>
public interface IBoardApp
{
    void Poll(VirtualBoard board, long nowMs);
}

/// <summary>
/// One real-peer test bench: a TAP device moved into a network namespace made for this test
/// (host side 192.168.77.1/24, nothing outside it is touched), the virtual board (ENC28J60
/// emulator + driver + the firmware's composition) on the wall clock bridged to it, and
/// tcpdump capturing on the TAP. The board runs on its own thread exactly like `nanotcp tap`;
/// tests reach it only through <see cref="Invoke{T}"/> and its serial console.
/// <see cref="Finish"/> checks the capture with tshark and marks the test passed; a rig disposed
/// without it, or after an assertion failed on the test's thread (also one about the capture
/// <see cref="Finish"/> returned), keeps the pcap and the board's console next to it and prints both paths.
/// </summary>
public sealed class RealPeerRig : IDisposable
{
    public const string BoardIp = HostNetwork.BoardAddress;
    public const string HostIp = HostNetwork.HostAddress;
    public const string BoardMac = "02:4e:54:00:00:02";

    /// <summary>Why this process cannot run the suite, or null when it can.</summary>
    public static readonly string? SkipReason = FindSkipReason();

    /// <summary>Debian's interpreter: it has python3-scapy (a pyenv or venv python first on PATH may not).</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string PeersDirectory => Path.Combine(AppContext.BaseDirectory, "peers");

    /// <summary>Where captures of failed tests are kept.</summary>
    public static string KeepDirectory => Path.Combine(Path.GetTempPath(), "nanotcp-real-peers");

    private static int _instances;

    private readonly ITestOutputHelper _out;
    private readonly ConcurrentQueue<Action<long>> _calls = new();
    private readonly List<IBoardApp> _apps = new(); // loop thread only
    private readonly List<HostProcess> _processes = new();
    private readonly Transcript _console = new();
    private readonly WallClock _clock = new();
    private TapDevice? _tap;
    private HostNetwork? _net;
    private HostProcess? _tcpdump;
    private Thread? _loop;
    private volatile bool _stop;
    private volatile Exception? _loopError;
    private bool _passed;
    private volatile bool _assertionFailed;
    private readonly int _testThread = Environment.CurrentManagedThreadId;
    private bool _captureChecked;

    private RealPeerRig(ITestOutputHelper output, string name)
    {
        _out = output;
        int n = Interlocked.Increment(ref _instances);
        int id = Environment.ProcessId % 10000;
        Name = name;
        Namespace = $"ntp-{name}-{id}-{n}";
        TapName = $"ntp{id}x{n}";
        Directory.CreateDirectory(KeepDirectory);
        PcapPath = Path.Combine(KeepDirectory, $"{name}-{id}-{n}.pcap");
        AppDomain.CurrentDomain.FirstChanceException += OnException;
    }

    /// <summary>An assertion that fails after <see cref="Finish"/> still keeps the evidence.</summary>
    private void OnException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        if (e.Exception is Xunit.Sdk.XunitException && Environment.CurrentManagedThreadId == _testThread) _assertionFailed = true;
    }

    public string Name { get; }
    public string Namespace { get; }
    public string TapName { get; }
    public string PcapPath { get; }

    /// <summary>The board; touch it only inside <see cref="Invoke{T}"/> or an <see cref="IBoardApp"/>.</summary>
    public VirtualBoard Board { get; private set; } = null!;

    /// <summary>Everything the board's serial console printed.</summary>
    public string ConsoleText => _console.ToString();

    /// <summary>
    /// Creates the namespace and TAP, boots the board and starts the capture.
    /// <paramref name="configure"/> adjusts the board's options (TCP sizes, MSL, faults in the bridge).
    /// </summary>
    public static RealPeerRig Start(ITestOutputHelper output, string name, Action<VirtualBoardOptions>? configure = null, bool capture = true)
    {
        if (SkipReason != null) throw new InvalidOperationException(SkipReason);
        var rig = new RealPeerRig(output, name);
        try
        {
            rig.Boot(configure, capture);
            return rig;
        }
        catch
        {
            rig.Dispose();
            throw;
        }
    }

    private void Boot(Action<VirtualBoardOptions>? configure, bool capture)
    {
        if (HostNetwork.NamespaceExists(Namespace)) HostNetwork.Exec("ip", null, "netns", "del", Namespace);
        _tap = new TapDevice(TapName);
        _net = HostNetwork.Configure(_tap.Name, Namespace);
        var options = new VirtualBoardOptions
        {
            Console = _console,
            TraceLevel = NanoTcp.Trace.TraceLevel.States,
            Banner = $"NanoTcp virtual board on TAP {TapName} (real-peer test {Name})",
        };
        configure?.Invoke(options);
        Board = new VirtualBoard(_tap, _clock, options);
        if (capture) StartCapture();
        Board.Start();
        _loop = new Thread(Loop) { IsBackground = true, Name = "board " + Name };
        _loop.Start();
        WaitFor(() => ConsoleText.Contains("nanotcp> "), 10000, "the board's prompt");
        Log($"board up: {BoardIp} on {TapName}, host side {HostIp} in namespace {Namespace}" + (capture ? $", capture {PcapPath}" : ""));
    }

    private void StartCapture()
    {
        // -U --immediate-mode: hand over and write each packet as it comes (else the tail of a capture is lost on stop); -B: a big kernel buffer so a 4 MB transfer loses nothing;
        // -Z root: Debian's tcpdump would otherwise give up root and fail to write under /tmp.
        _tcpdump = HostProcess.Start(Namespace, "tcpdump", "-i", TapName, "-n", "-s", "0", "-U", "--immediate-mode", "-B", "32768", "-Z", "root", "-w", PcapPath);
        var sw = Stopwatch.StartNew();
        while (!_tcpdump.Output.Contains("listening on") && sw.ElapsedMilliseconds < 10000)
        {
            if (_tcpdump.HasExited) throw new InvalidOperationException("tcpdump did not start (apt-get install tcpdump): " + _tcpdump.Output);
            Thread.Sleep(10);
        }
        if (!_tcpdump.Output.Contains("listening on")) throw new InvalidOperationException("tcpdump did not start listening in 10 s: " + _tcpdump.Output);
    }

    /// <summary>The board's main loop, as `nanotcp tap` runs it: pump, poll, wait for the TAP.</summary>
    private void Loop()
    {
        long turns = 0;
        try
        {
            while (!_stop)
            {
                long now = _clock.NowMs;
                while (_calls.TryDequeue(out Action<long>? call)) call(now);
                Board.Poll(now);
                foreach (IBoardApp app in _apps) app.Poll(Board, now);
                if (++turns % 1024 == 0) Board.Serial.TakeOutput(); // the transcript has it; keep memory flat
                _tap!.WaitReadable(1);
            }
        }
        catch (Exception e)
        {
            _loopError = e;
        }
    }

    /// <summary>Runs <paramref name="f"/> on the board's loop between two polls and returns its result.</summary>
    public T Invoke<T>(Func<VirtualBoard, long, T> f)
    {
        T result = default!;
        Exception? error = null;
        var done = new ManualResetEventSlim();
        _calls.Enqueue(now =>
        {
            try
            {
                result = f(Board, now);
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        });
        if (!done.Wait(15000))
        {
            throw new TimeoutException("the board's loop did not run the call within 15 s" + (_loopError != null ? ": it stopped with " + _loopError : ""));
        }
        if (error != null) throw new InvalidOperationException("on the board's loop: " + error.Message, error);
        return result;
    }

    public void Invoke(Action<VirtualBoard, long> a) => Invoke<bool>((b, now) =>
    {
        a(b, now);
        return true;
    });

    /// <summary>Runs <paramref name="app"/> on the board's loop after every poll from now on.</summary>
    public void AddApp(IBoardApp app) => Invoke((_, _) => _apps.Add(app));

    /// <summary>A copy of every interface counter, taken on the board's loop.</summary>
    public Counters Counters() => Invoke((b, _) =>
    {
        Counters c = b.Device.Interface.Counters, copy = new Counters();
        foreach (System.Reflection.FieldInfo f in typeof(Counters).GetFields())
        {
            if (f.FieldType == typeof(long)) f.SetValue(copy, f.GetValue(c));
        }
        Array.Copy(c.Drops, copy.Drops, c.Drops.Length);
        return copy;
    });

    /// <summary>
    /// Types a line on the board's serial console and waits until the console has printed
    /// <paramref name="expect"/> after it; returns what the console printed since the line was typed.
    /// </summary>
    public string Command(string line, string expect, int timeoutMs = 10000)
    {
        int mark = _console.Length;
        Board.Type(line + "\r");
        WaitFor(() => _console.Since(mark).Contains(expect), timeoutMs, $"'{expect}' on the console after `{line}`");
        string said = _console.Since(mark);
        Log($"board> {line}\n{said.TrimEnd()}");
        return said;
    }

    /// <summary>Waits until the console prints <paramref name="text"/> (anywhere in its output so far).</summary>
    public void WaitForConsole(string text, int timeoutMs) => WaitFor(() => ConsoleText.Contains(text), timeoutMs, $"'{text}' on the board's console");

    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails the test with <paramref name="what"/> after the limit.</summary>
    public void WaitFor(Func<bool> condition, int timeoutMs, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (_loopError != null) throw new InvalidOperationException("the board's loop stopped: " + _loopError);
            if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException($"waited {timeoutMs} ms for {what}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Runs a program in the namespace to its end (killed after <paramref name="timeoutMs"/>).</summary>
    public (int Code, string Output) Run(int timeoutMs, string program, params string[] args)
    {
        using HostProcess p = HostProcess.Start(Namespace, program, args);
        bool ended = p.Wait(timeoutMs);
        if (!ended) p.Kill();
        string output = p.Output;
        Log($"$ {p.CommandLine}  -> {(ended ? p.ExitCode.ToString() : "killed after " + timeoutMs + " ms")}\n{Clip(output)}");
        if (!ended) throw new TimeoutException($"{p.CommandLine} did not end within {timeoutMs} ms:\n{Clip(output)}");
        return (p.ExitCode, output);
    }

    /// <summary>Starts a program in the namespace and leaves it running (killed at the latest by Dispose).</summary>
    public HostProcess Background(string program, params string[] args)
    {
        HostProcess p = HostProcess.Start(Namespace, program, args);
        lock (_processes) _processes.Add(p);
        Log($"$ {p.CommandLine} &");
        return p;
    }

    /// <summary>Runs peers/peer.py (kernel sockets) with these arguments and returns the JSON it prints last.</summary>
    public JsonElement Peer(int timeoutMs, params string[] args)
    {
        var all = new List<string> { Path.Combine(PeersDirectory, "peer.py") };
        all.AddRange(args);
        var (code, output) = Run(timeoutMs, Python, all.ToArray());
        return ParsePeerResult(code, output);
    }

    /// <summary>The last line of a peer's output as JSON; fails with the whole output when the peer failed.</summary>
    public static JsonElement ParsePeerResult(int code, string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string last = lines.Length > 0 ? lines[^1] : "";
        Assert.True(code == 0 && last.StartsWith('{'), $"the peer failed (exit {code}):\n{output}");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    /// <summary>Background peer.py (e.g. a kernel server the board connects to).</summary>
    public HostProcess BackgroundPeer(params string[] args)
    {
        var all = new List<string> { "-u", Path.Combine(PeersDirectory, "peer.py") };
        all.AddRange(args);
        return Background(Python, all.ToArray());
    }

    /// <summary>
    /// The end of a test: the board's loop never threw, the interface accounted for every frame,
    /// the capture is complete and tshark finds no problem in it. Returns the capture for
    /// further questions; the test counts as passed (its pcap is deleted) unless an assertion fails later.
    /// <paramref name="forged"/>: a display filter for the frames the test forged wrong on purpose
    /// (hostile input); tshark's checks skip them, everything else is checked.
    /// </summary>
    public Capture Finish(string? forged = null)
    {
        CheckBoard();
        Capture capture = StopCapture(forged);
        _passed = true;
        return capture;
    }

    /// <summary>The end of a test started without a capture (a flood no capture keeps up with): the board's loop never threw and the interface accounted for every frame.</summary>
    public void FinishWithoutCapture()
    {
        CheckBoard();
        _passed = true;
    }

    private void CheckBoard()
    {
        Assert.True(_loopError == null, "the board's loop threw: " + _loopError);
        Counters c = Counters();
        Assert.True(c.RxFrames == c.RxHandled + c.RxDropped,
            $"interface accounting: {c.RxFrames} frames received != {c.RxHandled} handled + {c.RxDropped} dropped");
    }

    /// <summary>Stops tcpdump and checks the capture (done by <see cref="Finish"/>; call early to look at the capture first).</summary>
    public Capture StopCapture(string? forged = null)
    {
        if (_tcpdump == null) throw new InvalidOperationException("this rig was started without a capture");
        if (!_captureChecked)
        {
            _tcpdump.Interrupt();
            Assert.True(_tcpdump.Wait(10000), "tcpdump did not stop");
            string stats = _tcpdump.Output;
            Log("tcpdump: " + stats.Trim().Replace('\n', ';'));
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(stats, @"(^|\n)0 packets dropped by kernel"), "the capture is incomplete (tcpdump: " + stats.Trim() + ")");
            var cap = new Capture(PcapPath);
            List<string> problems = cap.Problems(forged);
            Assert.True(problems.Count == 0, $"tshark found problems in {PcapPath}:\n" + string.Join("\n", problems.Take(30)));
            List<string> stalls = cap.ZeroWindowStalls(forged);
            Assert.True(stalls.Count == 0, $"zero-window stalls that never recover in {PcapPath}:\n" + string.Join("\n", stalls));
            _captureChecked = true;
        }
        return new Capture(PcapPath);
    }

    public void Log(string text) => _out.WriteLine($"[{_clock.NowMs,6} ms] {text}");

    private static string Clip(string s) => s.Length > 6000 ? s.Substring(0, 3000) + "\n...\n" + s.Substring(s.Length - 3000) : s;

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnException;
        _stop = true;
        _loop?.Join(10000);
        lock (_processes)
        {
            foreach (HostProcess p in _processes)
            {
                if (!p.HasExited) Log($"still running at the end, killed: {p.CommandLine}\n{Clip(p.Output)}");
                p.Dispose();
            }
        }
        if (_tcpdump != null)
        {
            _tcpdump.Interrupt();
            _tcpdump.Wait(5000);
            _tcpdump.Dispose();
        }
        _tap?.Dispose();   // closing the descriptor deletes the TAP...
        _net?.Dispose();   // ...and then the namespace goes
        if (HostNetwork.NamespaceExists(Namespace)) HostNetwork.Exec("ip", null, "netns", "del", Namespace);
        if (_passed && !_assertionFailed)
        {
            if (File.Exists(PcapPath)) File.Delete(PcapPath);
        }
        else
        {
            string consolePath = Path.ChangeExtension(PcapPath, ".console.txt");
            File.WriteAllText(consolePath, ConsoleText);
            string text = ConsoleText;
            _out.WriteLine("board console (last 8000 characters):\n" + (text.Length > 8000 ? text.Substring(text.Length - 8000) : text));
            _out.WriteLine(File.Exists(PcapPath) ? $"capture kept: {PcapPath}" : "no capture was written");
            _out.WriteLine($"board console kept: {consolePath}");
        }
    }

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux()) return "real-peer tests need Linux (TAP devices, network namespaces)";
        if (!TapDevice.IsRoot) return "real-peer tests need root to create TAP devices and network namespaces (CI runs them as root: sudo dotnet test tests/NanoTcp.RealPeers)";
        if (!File.Exists(TapDevice.TunPath)) return TapDevice.TunMissing;
        return null;
    }

    /// <summary>A thread-safe writer for the board's console, readable while the board runs.</summary>
    private sealed class Transcript : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public int Length
        {
            get { lock (_text) return _text.Length; }
        }

        public string Since(int mark)
        {
            lock (_text) return _text.ToString(mark, _text.Length - mark);
        }

        public override void Write(char value)
        {
            lock (_text) _text.Append(value);
        }

        public override void Write(string? value)
        {
            lock (_text) _text.Append(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_text) _text.Append(buffer, index, count);
        }

        public override string ToString()
        {
            lock (_text) return _text.ToString();
        }
    }
}
