using System.Diagnostics;

namespace NanoTcp.Sim.Tap;

/// <summary>
/// The host side of the TAP link, configured with iproute2 (<c>ip</c>): the host address on the
/// TAP interface (192.168.77.1/24; the board is 192.168.77.2/24), link up, and optionally a
/// network namespace the TAP is moved into so that nothing touches the host's own interfaces.
/// Everything it creates is deleted by <see cref="Dispose"/> (deleting the namespace or closing
/// the TAP descriptor removes the interface with it).
/// </summary>
public sealed class HostNetwork : IDisposable
{
    public const string HostAddress = "192.168.77.1";
    public const string BoardAddress = "192.168.77.2";
    public const string Gateway = HostAddress;
    public const int PrefixLength = 24;

    private readonly List<string[]> _undo = new();

    private HostNetwork(string tapName, string? netns)
    {
        TapName = tapName;
        Namespace = netns;
    }

    public string TapName { get; }

    /// <summary>The namespace the host side lives in, or null for the host's own.</summary>
    public string? Namespace { get; }

    /// <summary>The prefix to run a command on the host side: "ip netns exec NAME " or "".</summary>
    public string CommandPrefix => Namespace == null ? "" : $"ip netns exec {Namespace} ";

    /// <summary>
    /// Configures an existing TAP interface (the <see cref="TapDevice"/> already holds it): moves it
    /// into a new namespace <paramref name="netns"/> when given, sets 192.168.77.1/24 and brings it up.
    /// Throws <see cref="TapException"/> with the failing command and its message.
    /// </summary>
    public static HostNetwork Configure(string tapName, string? netns)
    {
        var net = new HostNetwork(tapName, netns);
        try
        {
            if (netns != null)
            {
                if (NamespaceExists(netns)) throw new TapException($"network namespace {netns} already exists (delete it with: ip netns del {netns})");
                net.Ip("netns", "add", netns);
                net._undo.Add(new[] { "netns", "del", netns });
                net.Ip("link", "set", "dev", tapName, "netns", netns);
                net.Ip("-n", netns, "link", "set", "dev", "lo", "up");
            }
            // No IPv6 chatter (router solicitations, MLD) on the board's wire; best effort.
            TryRun("sysctl", netns, "-q", "-w", $"net.ipv6.conf.{tapName}.disable_ipv6=1");
            net.Ip(net.N("addr", "add", $"{HostAddress}/{PrefixLength}", "dev", tapName));
            net.Ip(net.N("link", "set", "dev", tapName, "up"));
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="program"/> on the host side (inside the namespace when there is one).</summary>
    public (int ExitCode, string Output) Run(string program, params string[] args) => Exec(program, Namespace, args);

    public static bool NamespaceExists(string name) => File.Exists(Path.Combine("/run/netns", name));

    public void Dispose()
    {
        for (int i = _undo.Count - 1; i >= 0; i--)
        {
            TryRun("ip", null, _undo[i]);
        }
        _undo.Clear();
    }

    private string[] N(params string[] args)
    {
        if (Namespace == null) return args;
        var all = new string[args.Length + 2];
        all[0] = "-n";
        all[1] = Namespace;
        args.CopyTo(all, 2);
        return all;
    }

    private void Ip(params string[] args)
    {
        var (code, output) = Exec("ip", null, args);
        if (code != 0) throw new TapException($"ip {string.Join(' ', args)} failed: {output.Trim()}");
    }

    private static void TryRun(string program, string? netns, params string[] args)
    {
        try
        {
            Exec(program, netns, args);
        }
        catch (TapException)
        {
        }
    }

    /// <summary>Runs a program (inside <paramref name="netns"/> when given) and returns its exit code and stdout + stderr.</summary>
    public static (int ExitCode, string Output) Exec(string program, string? netns, params string[] args)
    {
        var psi = new ProcessStartInfo(netns == null ? program : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (netns != null)
        {
            psi.ArgumentList.Add("netns");
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(netns);
            psi.ArgumentList.Add(program);
        }
        foreach (string a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new TapException($"{psi.FileName} is not installed (apt-get install iproute2)");
        }
        using (p)
        {
            p.StandardInput.Close();
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output + err.Result);
        }
    }
}
