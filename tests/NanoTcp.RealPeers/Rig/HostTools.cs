using System.Diagnostics;

namespace NanoTcp.RealPeers.Rig;

/// <summary>
/// The programs the real-peer cases run, each with the Debian package that brings it. Every case
/// needs <see cref="Always"/>; a case that needs more names it (<c>[RealPeerFact(Needs = "nmap")]</c>),
/// and where one is missing the case is reported skipped with the package and the install line,
/// never as a timeout while waiting for a program that is not there.
/// </summary>
public static class HostTools
{
    private sealed record Tool(string Name, string Package, Func<bool> Present);

    private static readonly Dictionary<string, Tool> Tools = new Tool[]
    {
        new("ip", "iproute2", () => OnPath("ip")),
        new("ss", "iproute2", () => OnPath("ss")),
        new("nstat", "iproute2", () => OnPath("nstat")),
        new("tcpdump", "tcpdump", () => OnPath("tcpdump")),
        new("tshark", "tshark", () => OnPath("tshark")),
        new("python3", "python3", () => File.Exists(RealPeerRig.Python) || OnPath("python3")),
        new("scapy", "python3-scapy", () => PythonImports("scapy.all")),
        new("ping", "iputils-ping", () => OnPath("ping")),
        new("hping3", "hping3", () => OnPath("hping3")),
        new("nmap", "nmap", () => OnPath("nmap")),
        new("nft", "nftables", () => OnPath("nft")),
        new("dnsmasq", "dnsmasq-base", () => OnPath("dnsmasq")),
        new("curl", "curl", () => OnPath("curl")),
    }.ToDictionary(t => t.Name);

    private static readonly Dictionary<string, bool> Known = new();

    /// <summary>What every case runs: the namespace and TAP set-up, the capture and its check, the kernel-side peers.</summary>
    public const string Always = "ip ss nstat tcpdump tshark python3";

    /// <summary>Null when every tool in <paramref name="needs"/> (names separated by spaces) is here, else why the case cannot run.
    /// <paramref name="present"/> replaces the look on this machine (tests).</summary>
    public static string? Missing(string needs, Func<string, bool>? present = null)
    {
        var missing = new List<Tool>();
        foreach (string name in needs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            if (!Tools.TryGetValue(name, out Tool? tool)) throw new ArgumentException($"unknown host tool '{name}' (known: {string.Join(", ", Tools.Keys)})");
            bool here;
            if (present != null) here = present(name);
            else
            {
                lock (Known)
                {
                    if (!Known.TryGetValue(name, out here)) Known[name] = here = tool.Present();
                }
            }
            if (!here) missing.Add(tool);
        }
        if (missing.Count == 0) return null;
        string packages = string.Join(' ', missing.Select(t => t.Package).Distinct());
        return $"needs {string.Join(", ", missing.Select(t => t.Name))}, not installed here (Debian package{(packages.Contains(' ') ? "s" : "")} {packages}): " +
               $"sudo apt-get install {packages}";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin" })
            .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    private static bool PythonImports(string module)
    {
        try
        {
            var psi = new ProcessStartInfo(RealPeerRig.Python, new[] { "-c", $"import {module}" }) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            p.StandardError.ReadToEnd();
            return p.WaitForExit(30_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
