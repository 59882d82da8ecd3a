#nullable enable
using System.IO.Ports;
using NanoTcp.Trace;

namespace NanoTcp.Cli.Monitor;

/// <summary>How trace lines show sequence numbers.</summary>
public enum SeqNumbers
{
    /// <summary>From 0 at each side's SYN (or first segment seen), as Wireshark shows them.</summary>
    Relative,
    /// <summary>As the board printed them.</summary>
    Absolute,
}

/// <summary>Options of `nanotcp monitor` (read from the command line by CommandLine/MonitorCommandLine).</summary>
public sealed class MonitorOptions
{
    /// <summary>A serial port (/dev/ttyUSB0, COM3), a saved trace or console log, or null / "-" for standard input.</summary>
    public string? Input { get; set; }
    public int Baud { get; set; } = 115200;
    public int DataBits { get; set; } = 8;
    public Parity Parity { get; set; } = Parity.None;
    public StopBits StopBits { get; set; } = StopBits.One;
    public Handshake Flow { get; set; } = Handshake.None;

    /// <summary>Frames of `trace frames` as a capture (pcapng with comments for a .pcapng name), flushed frame by frame.</summary>
    public string? PcapPath { get; set; }
    /// <summary>The ladder diagram as SVG, written at the end and by :ladder.</summary>
    public string? SvgPath { get; set; }
    /// <summary>Everything the board sent, byte for byte, as it arrives (replay it: nanotcp monitor FILE).</summary>
    public string? LogPath { get; set; }

    public bool Ascii { get; set; }
    public int Width { get; set; } = 100;
    /// <summary>Do not echo each line; print only the summary.</summary>
    public bool Quiet { get; set; }
    public bool NoColor { get; set; }
    public SeqNumbers Seq { get; set; } = SeqNumbers.Relative;

    /// <summary>Show only tcp#N (and draw its ladder); null: every connection, the ladder of the last one.</summary>
    public int? Connection { get; set; }
    /// <summary>Show only lines about this TCP/UDP port; null: all.</summary>
    public int? Port { get; set; }
    /// <summary>Show trace lines up to this level (states, segments, frames); console text always shows.</summary>
    public TraceLevel Level { get; set; } = TraceLevel.Frames;

    /// <summary>True when <see cref="Input"/> names a serial port rather than a file: COMn, or a device under /dev.</summary>
    public bool InputIsSerialPort => IsSerialPortName(Input);

    public static bool IsSerialPortName(string? name)
    {
        if (name == null || name == "-") return false;
        if (System.Text.RegularExpressions.Regex.IsMatch(name, @"^COM\d+$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)) return true;
        string device = name;
        try
        {
            // A link to a device counts too (/dev/serial/by-id/..., a pseudo-terminal's link).
            if (File.ResolveLinkTarget(name, returnFinalTarget: true) is { } target) device = target.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }
        return device.StartsWith("/dev/", StringComparison.Ordinal) && !device.StartsWith("/dev/std", StringComparison.Ordinal)
            && !device.StartsWith("/dev/fd/", StringComparison.Ordinal) && device != "/dev/null";
    }
}
