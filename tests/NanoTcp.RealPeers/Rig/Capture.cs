using NanoTcp.Tests.Support;

namespace NanoTcp.RealPeers.Rig;

/// <summary>Questions to tshark about one capture (checksum validation on, as in <see cref="Tshark"/>).</summary>
public sealed class Capture
{
    public Capture(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// Bad checksums, malformed packets, expert errors, "ACKed unseen segment": one line each;
    /// frames matching <paramref name="exclude"/> (forged by the test on purpose) are not looked at.
    /// </summary>
    public List<string> Problems(string? exclude = null) => Tshark.Problems(Path, exclude);

    /// <summary>tshark's one-line summaries of the frames matching a display filter.</summary>
    public List<string> Summary(string? filter = null) => Tshark.Summary(Path, filter);

    /// <summary>How many frames match a display filter.</summary>
    public int Count(string filter) => Fields(filter, "frame.number").Count;

    /// <summary>The fields of every frame matching <paramref name="filter"/>, tab-separated columns split.</summary>
    public List<string[]> Fields(string filter, params string[] fields)
    {
        var args = new List<string> { "-r", Path, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y", filter, "-T", "fields" };
        foreach (string f in fields)
        {
            args.Add("-e");
            args.Add(f);
        }
        return Tshark.Run(args.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    /// <summary>
    /// Senders whose last segment in a connection advertised a zero window while the other side
    /// still had data to send (it had not sent its FIN) and was not a RST: a window that closed
    /// and never opened again. A zero window on the ACK of the peer's FIN ends nothing.
    /// </summary>
    public List<string> ZeroWindowStalls(string? exclude = null)
    {
        var last = new Dictionary<(string Stream, string Src), (string Frame, int Window, bool Rst)>();
        var finished = new HashSet<(string Stream, string Src)>();
        string filter = exclude == null ? "tcp" : $"tcp and not ({exclude})";
        foreach (string[] f in Fields(filter, "frame.number", "tcp.stream", "ip.src", "tcp.srcport", "tcp.window_size_value", "tcp.flags.reset", "tcp.flags.fin"))
        {
            // A header tshark could not decode up to its window (forged, or cut short) says nothing about windows.
            if (f.Length < 7 || !int.TryParse(f[4], out int window)) continue;
            var key = (f[1], $"{f[2]}:{f[3]}");
            last[key] = (f[0], window, IsSet(f[5]));
            if (IsSet(f[6])) finished.Add(key);
        }
        var stalls = new List<string>();
        foreach (var (key, seg) in last)
        {
            if (seg.Window != 0 || seg.Rst) continue;
            bool otherSideDone = finished.Any(k => k.Stream == key.Stream && k.Src != key.Src);
            if (!otherSideDone) stalls.Add($"stream {key.Stream} from {key.Src}: last segment (frame {seg.Frame}) has window 0");
        }
        return stalls;
    }

    private static bool IsSet(string flag) => flag == "1" || flag == "True";

    /// <summary>The number of the first frame matching <paramref name="filter"/>; fails the test when there is none.</summary>
    public int FirstFrame(string filter)
    {
        List<string[]> rows = Fields(filter, "frame.number");
        Assert.True(rows.Count > 0, $"no frame matches {filter} in {Path}");
        return int.Parse(rows[0][0]);
    }
}
