using System.Diagnostics;

namespace NanoTcp.Tests.Support;

/// <summary>
/// Validates captures with Wireshark's dissectors (tshark, installed by .ci/run): checksum
/// validation on, and every malformed packet or expert error reported.
/// </summary>
public static class Tshark
{
    /// <remarks>
    /// A TCP checksum field of 0xFFFF where 0x0000 is computed is the same one's-complement value
    /// (RFC 1624); Linux sends it now and then (about one segment in 65536, from incremental
    /// updates), and Wireshark marks it status "bad" with only a warning, so it is not a problem.
    /// A really wrong checksum that happens to be 0xFFFF is still reported, as an expert error.
    /// </remarks>
    public const string ProblemFilter =
        "_ws.malformed or _ws.expert.severity >= 8388608 or ip.checksum.status == 0 or udp.checksum.status == 0 "
        + "or icmp.checksum.status == 0 or (tcp.checksum.status == 0 and tcp.checksum != 0xffff) or tcp.analysis.ack_lost_segment";

    /// <summary>
    /// Frames tshark finds wrong, one line each with the expert message; empty when clean.
    /// <paramref name="exclude"/> is a display filter for frames a test forged wrong on purpose.
    /// </summary>
    public static List<string> Problems(string pcap, string exclude = null)
    {
        string filter = exclude == null ? ProblemFilter : $"({ProblemFilter}) and not ({exclude})";
        string output = Run("-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE", "-Y", filter,
            "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info", "-e", "_ws.expert.message");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>The one-line summaries tshark prints for each frame.</summary>
    public static List<string> Summary(string pcap, string displayFilter = null)
    {
        var args = new List<string> { "-r", pcap };
        if (displayFilter != null) { args.Add("-Y"); args.Add(displayFilter); }
        return Run(args.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>One field of every frame that passes <paramref name="displayFilter"/> (empty: all), one entry per frame (empty when the frame has none).</summary>
    public static List<string> Fields(string pcap, string displayFilter, string field)
    {
        var args = new List<string> { "-r", pcap, "-T", "fields", "-e", field };
        if (!string.IsNullOrEmpty(displayFilter)) { args.Add("-Y"); args.Add(displayFilter); }
        return Run(args.ToArray()).Split('\n').SkipLast(1).Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>Runs tshark with these arguments and returns its standard output; throws with its error output when it fails.</summary>
    public static string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("tshark is not installed: apt-get install tshark (.ci/run installs it)");
        }
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tshark failed ({p.ExitCode}): {stderr}");
        return stdout;
    }
}
