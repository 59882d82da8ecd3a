using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NanoTcp.RealPeers.Rig;

/// <summary>
/// A program run on the kernel's side of the TAP link, inside the test's network namespace
/// (<c>ip netns exec</c> execs the program itself, so the process is the program). Output is
/// collected as it comes; a run that outlives its time limit is killed and reported.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private HostProcess(Process p, string commandLine)
    {
        _p = p;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public int Id => _p.Id;

    /// <summary>
    /// True once the program has ended and everything it printed is in <see cref="Output"/>:
    /// the process can be reported ended before the asynchronous readers deliver its last lines.
    /// </summary>
    public bool HasExited
    {
        get
        {
            if (!_p.HasExited) return false;
            _p.WaitForExit(); // drains the asynchronous readers
            return true;
        }
    }

    public int ExitCode => _p.ExitCode;

    /// <summary>stdout and stderr so far, interleaved as they arrived.</summary>
    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    public static HostProcess Start(string netns, string program, params string[] args)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "netns", "exec", netns, program }) psi.ArgumentList.Add(a);
        foreach (string a in args) psi.ArgumentList.Add(a);
        string line = $"ip netns exec {netns} {program} {string.Join(' ', args.Select(Quote))}";
        Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + line);
        var h = new HostProcess(p, line);
        p.OutputDataReceived += (_, e) => h.Add(e.Data);
        p.ErrorDataReceived += (_, e) => h.Add(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return h;
    }

    private void Add(string? line)
    {
        if (line == null) return;
        lock (_gate) _output.Append(line).Append('\n');
    }

    /// <summary>Writes a line to the program's stdin.</summary>
    public void WriteLine(string line)
    {
        _p.StandardInput.WriteLine(line);
        _p.StandardInput.Flush();
    }

    public void CloseInput() => _p.StandardInput.Close();

    /// <summary>Waits for the program to end; false (program still running) after the limit.</summary>
    public bool Wait(int timeoutMs)
    {
        if (!_p.WaitForExit(timeoutMs)) return false;
        _p.WaitForExit(); // drains the asynchronous readers
        return true;
    }

    /// <summary>Asks the program to stop as Ctrl-C would (tcpdump flushes and exits).</summary>
    public void Interrupt()
    {
        if (!_p.HasExited) kill(_p.Id, 2);
    }

    public void Kill()
    {
        try
        {
            if (!_p.HasExited) _p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _p.Dispose();
    }

    private static string Quote(string a) => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
