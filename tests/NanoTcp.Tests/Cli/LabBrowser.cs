using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NanoTcp.Tests.Cli;

/// <summary>A test that needs Debian's Chromium: reported skipped, with the install line, where it is absent.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (LabBrowser.Executable == null) Skip = LabBrowser.Missing;
    }
}

/// <inheritdoc cref="ChromiumTheoryAttribute"/>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (LabBrowser.Executable == null) Skip = LabBrowser.Missing;
    }
}

/// <summary>
/// Headless Chromium driven through its DevTools protocol over a websocket: open a page, run
/// script in it, collect every console error and uncaught exception, take a screenshot.
/// </summary>
public sealed class LabBrowser : IDisposable
{
    public const string Missing = "Chromium is not installed: apt-get install -y chromium (.ci/run installs it)";

    public static readonly string Executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _ws = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly List<JsonObject> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _next;
    private string _session;

    /// <summary>Console errors, uncaught exceptions and error log entries of the page, as text.</summary>
    public List<string> Errors { get; } = new();

    private LabBrowser(Process process, string profile, Uri endpoint)
    {
        _process = process;
        _profile = profile;
        _ws.ConnectAsync(endpoint, CancellationToken.None).Wait(TimeSpan.FromSeconds(20));
        _reader = Task.Run(Read);
    }

    public static LabBrowser Start()
    {
        string profile = Path.Combine(Path.GetTempPath(), $"nanotcp-chromium-{Guid.NewGuid():N}");
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(Executable!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", $"--user-data-dir={profile}",
            "--remote-debugging-port=0", "--window-size=1920,1080", "about:blank",
        })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        // Chromium writes the port it chose and the browser's websocket path to this file.
        string portFile = Path.Combine(profile, "DevToolsActivePort");
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (DateTime.UtcNow > until || p.HasExited) throw new InvalidOperationException("Chromium did not open its DevTools port");
            Thread.Sleep(50);
        }
        var lines = File.ReadAllLines(portFile);
        return new LabBrowser(p, profile, new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"));
    }

    /// <summary>Opens a page in a new tab and waits for its load event.</summary>
    public void Open(string url)
    {
        var target = Call("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, session: false);
        var attached = Call("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, session: false);
        _session = attached["sessionId"]!.GetValue<string>();
        Call("Runtime.enable");
        Call("Log.enable");
        Call("Page.enable");
        Call("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = 1920, ["height"] = 1080, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        int seen;
        lock (_events) seen = _events.Count;
        Call("Page.navigate", new JsonObject { ["url"] = url });
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            lock (_events)
                if (_events.Skip(seen).Any(e => (string)e["method"] == "Page.loadEventFired")) break;
            if (DateTime.UtcNow > until) throw new TimeoutException("the page did not load: " + url);
            Thread.Sleep(20);
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page; returns its value as JSON.</summary>
    public JsonNode Eval(string expression)
    {
        var r = Call("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (r["exceptionDetails"] != null) throw new InvalidOperationException("script failed: " + r["exceptionDetails"]!.ToJsonString());
        return r["result"]!["value"];
    }

    public string EvalString(string expression) => Eval(expression)?.GetValue<string>();

    public void Screenshot(string path)
    {
        var r = Call("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        File.WriteAllBytes(path, Convert.FromBase64String(r["data"]!.GetValue<string>()));
    }

    private JsonObject Call(string method, JsonObject args = null, bool session = true)
    {
        int id = Interlocked.Increment(ref _next);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = args ?? new JsonObject() };
        if (session && _session != null) message["sessionId"] = _session;
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = done;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        _ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None).Wait(TimeSpan.FromSeconds(20));
        if (!done.Task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException($"no answer to {method}");
        var reply = done.Task.Result;
        if (reply["error"] != null) throw new InvalidOperationException($"{method}: {reply["error"]!.ToJsonString()}");
        return reply["result"]!.AsObject();
    }

    private async Task Read()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _ws.State == WebSocketState.Open)
            {
                var r = await _ws.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (node["id"] is JsonNode idNode)
                {
                    TaskCompletionSource<JsonObject> t;
                    lock (_pending) _pending.Remove(idNode.GetValue<int>(), out t);
                    t?.TrySetResult(node);
                    continue;
                }
                lock (_events) _events.Add(node);
                string method = (string)node["method"];
                var p = node["params"];
                if (method == "Runtime.exceptionThrown")
                    Errors.Add("exception: " + p!["exceptionDetails"]!.ToJsonString());
                else if (method == "Runtime.consoleAPICalled" && (string)p!["type"] is "error" or "assert")
                    Errors.Add("console: " + p["args"]!.ToJsonString());
                else if (method == "Log.entryAdded" && (string)p!["entry"]!["level"] == "error")
                    Errors.Add("log: " + p["entry"]!["text"]);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _ws.Abort();
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
