namespace NanoTcp.Cli;

/// <summary>
/// A file a run cannot do without (a path it cannot write, a device it cannot open): the message
/// is one line for the user, printed as "nanotcp COMMAND: MESSAGE" with exit code 2.
/// </summary>
public sealed class CliError : Exception
{
    public CliError(string message) : base(message)
    {
    }
}

/// <summary>
/// The files a run writes (captures, diagrams, logs). Every path is checked before the run starts,
/// so a bad one costs one line instead of a stack trace after the work; and every run says where
/// it wrote, as a full path, because the default names land in whatever directory the user is in.
/// </summary>
public static class OutputFile
{
    /// <summary>Null when <paramref name="path"/> can be written, else "cannot write PATH: why".</summary>
    public static string Problem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "an empty file name cannot be written";
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"cannot write {path}: not a valid file name";
        }
        if (Directory.Exists(full)) return $"cannot write {path}: it is a directory";
        string dir = Path.GetDirectoryName(full);
        if (dir != null && !Directory.Exists(dir)) return $"cannot write {path}: no such directory {dir}";
        bool existed = File.Exists(full);
        try
        {
            // Opening without truncating proves the path writable and leaves an existing file as it was.
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }
            if (!existed) File.Delete(full);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {path}: {Reason(e)}";
        }
    }

    /// <summary>Throws a <see cref="CliError"/> when <paramref name="path"/> (given with, or defaulted for,
    /// <paramref name="option"/>) cannot be written; null is nothing to check.</summary>
    public static void Check(string path, string option)
    {
        if (path == null) return;
        string problem = Problem(path);
        if (problem != null) throw new CliError($"{problem} ({option} FILE writes it elsewhere)");
    }

    /// <summary>Creates (or truncates) the file; a failure is a <see cref="CliError"/> with the reason.</summary>
    public static FileStream Create(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot write {path}: {Reason(e)}");
        }
    }

    /// <summary>A capture file: pcapng (frames with comments) for a ".pcapng" name, classic pcap otherwise.</summary>
    public static NanoTcp.Sim.Pcap.PcapWriter CreateCapture(string path, long originUnixMs = 0) =>
        new(Create(path), ownsStream: true, NanoTcp.Sim.Pcap.PcapWriter.FormatFor(path), originUnixMs);

    /// <summary>Writes a whole text file; a failure is a <see cref="CliError"/> with the reason.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var stream = Create(path);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>The path as the user should read it: absolute, so a default name is found again.</summary>
    public static string Shown(string path) => Path.GetFullPath(path);

    /// <summary>A short reason for an I/O failure, without the exception's repetition of the path.</summary>
    public static string Reason(Exception e, bool reading = false)
    {
        const int ReadOnlyFileSystem = 30, NoSpace = 28; // errno values as .NET reports them in HResult on Unix
        return e switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException => "no such directory",
            FileNotFoundException => reading ? "no such file" : "the file system does not allow creating it",
            IOException when (e.HResult & 0xFFFF) == ReadOnlyFileSystem => "read-only file system",
            IOException when (e.HResult & 0xFFFF) == NoSpace => "no space left on the device",
            _ => e.Message,
        };
    }
}
