using System.Text.Json;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;

namespace NanoTcp.RealPeers;

/// <summary>
/// peers/hostile.py from the tests: scapy bursts and single forged segments sent on the rig's TAP,
/// and the idle kernel client the blind attacks aim at. Forged frames carry <see cref="ForgedMac"/>
/// (and IP TTL 66), which <see cref="ForgedFilter"/> matches for the capture checks.
/// </summary>
public static class HostilePeer
{
    public const string ForgedMac = "02:00:00:66:66:66";
    public const string ForgedFilter = "eth.src == " + ForgedMac;

    /// <summary>Source ports of burst frames: forged port i is FirstForgedPort + i (below Linux's ephemeral range).</summary>
    public const int FirstForgedPort = 20000;

    public static string Script => Path.Combine(RealPeerRig.PeersDirectory, "hostile.py");

    /// <summary>Sends <paramref name="count"/> frames of one kind and a marker ping after them; returns hostile.py's report.</summary>
    public static JsonElement Burst(RealPeerRig rig, string kind, int count)
    {
        var (code, output) = rig.Run(60000, RealPeerRig.Python, Script, "burst", rig.TapName, kind, count.ToString());
        return RealPeerRig.ParsePeerResult(code, output);
    }

    /// <summary>One segment from the kernel's address and <paramref name="sport"/> to the board.</summary>
    public static void Forge(RealPeerRig rig, int sport, int dport, string flags, uint seq, uint ack, string data = "")
    {
        var (code, output) = rig.Run(60000, RealPeerRig.Python, Script, "forge", rig.TapName, sport.ToString(), dport.ToString(), flags, seq.ToString(), ack.ToString(), data);
        RealPeerRig.ParsePeerResult(code, output);
    }

    /// <summary>Starts the idle kernel client (connected, one line echoed); commands go to its stdin.</summary>
    public static HostProcess Client(RealPeerRig rig, int port) => rig.Background(RealPeerRig.Python, "-u", Script, "client", port.ToString());

    /// <summary>Waits for the <paramref name="n"/>-th JSON line (1-based) a background peer printed and returns it.</summary>
    public static JsonElement Line(RealPeerRig rig, HostProcess p, int n, int timeoutMs = 30000)
    {
        string[] lines = Array.Empty<string>();
        rig.WaitFor(() =>
        {
            lines = JsonLines(p.Output);
            return lines.Length >= n || p.HasExited && JsonLines(p.Output).Length < n;
        }, timeoutMs, $"line {n} from {p.CommandLine}");
        Assert.True(lines.Length >= n, $"{p.CommandLine} ended before its line {n}:\n{p.Output}");
        return JsonDocument.Parse(lines[n - 1]).RootElement.Clone();
    }

    private static string[] JsonLines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToArray();
}
