using System.Diagnostics;
using System.Text;

namespace NanoTcp.Interpreter.Tests;

/// <summary>
/// The nanoCLR tool folder (../shared/nanoclr beside the repository, or NANOCLR_DIR): converts
/// nanoFramework assemblies to .pe with its MetadataProcessor (nanoclr-convert) and runs them in
/// its 32-bit interpreter, whose 12-byte heap blocks are the ESP32's. A kernel without 32-bit
/// support (ia32_emulation off) runs that build through qemu-i386 (Debian: qemu-user-static).
/// </summary>
public static class NanoClr
{
    /// <summary>The managed heap of an ESP32-WROOM without PSRAM (see the tool's README, "Heap size").</summary>
    public const int Esp32HeapBytes = 114688;

    public const string CoreLibVersion = "1.17.11";

    private const string HowToGet =
        "put the nanoCLR tool folder at ../shared/nanoclr beside the repository or name it in NANOCLR_DIR "
        + "(to build nanoCLR yourself: nf-interpreter's targets/posix, see README \"nanoFramework in the loop\")";

    public static readonly string ToolDir = FindToolDir();
    public static readonly string CoreLibPe = FindCoreLib();
    private static readonly string[] Launcher = FindLauncher(out LauncherProblem);
    private static readonly string LauncherProblem;

    /// <summary>Why nothing can run here, or null.</summary>
    public static readonly string SkipReason = FindSkipReason();

    private static string FindToolDir()
    {
        string env = Environment.GetEnvironmentVariable("NANOCLR_DIR");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        string root = RepositoryRoot();
        return root == null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "nanoclr"));
    }

    /// <summary>The folder holding NanoTcp.sln, above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NanoTcp.sln"))) return dir.FullName;
        }
        return null;
    }

    private static string FindCoreLib()
    {
        string home = Environment.GetEnvironmentVariable("HOME") ?? "";
        foreach (string root in new[] { Environment.GetEnvironmentVariable("NUGET_PACKAGES"), Path.Combine(home, ".nuget", "packages") })
        {
            if (string.IsNullOrEmpty(root)) continue;
            string pe = Path.Combine(root, "nanoframework.corelibrary", CoreLibVersion, "lib", "mscorlib.pe");
            if (File.Exists(pe)) return pe;
        }
        return null;
    }

    /// <summary>The command that starts the 32-bit interpreter: itself, or qemu-i386 with it.</summary>
    private static string[] FindLauncher(out string problem)
    {
        problem = null;
        if (ToolDir == null) return null;
        string clr = Path.Combine(ToolDir, "bin", "nanoclr-x86");
        if (!File.Exists(clr)) return null;
        try
        {
            using var p = Process.Start(new ProcessStartInfo(clr) { RedirectStandardOutput = true, RedirectStandardError = true });
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return new[] { clr };
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // ENOEXEC: this kernel does not run 32-bit programs
        }
        foreach (string qemu in new[] { "qemu-i386-static", "qemu-i386" })
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            {
                string q = Path.Combine(dir, qemu);
                if (dir.Length > 0 && File.Exists(q)) return new[] { q, clr };
            }
        }
        problem = "this kernel cannot run the 32-bit nanoCLR (ia32 emulation off) and qemu-i386 is not installed (apt-get install qemu-user-static)";
        return null;
    }

    private static string FindSkipReason()
    {
        if (ToolDir == null || !File.Exists(Path.Combine(ToolDir, "nanoclr-convert")))
            return "nanoCLR tool folder not found (" + (ToolDir ?? "no repository root") + "): " + HowToGet;
        if (CoreLibPe == null)
            return "mscorlib.pe of nanoFramework.CoreLibrary " + CoreLibVersion + " not in the NuGet cache (dotnet restore NanoTcp.sln fetches it)";
        if (Launcher == null)
            return LauncherProblem ?? ("no bin/nanoclr-x86 in " + ToolDir + ": " + HowToGet);
        return null;
    }

    /// <summary>Converts the .dll files to .pe files in outDir; throws with MetadataProcessor's messages when one fails.</summary>
    public static void Convert(string outDir, IEnumerable<string> dlls, IEnumerable<string> references)
    {
        var args = new List<string> { "--out", outDir };
        foreach (string r in references) { args.Add("--ref"); args.Add(r); }
        args.AddRange(dlls);
        var result = Run(Path.Combine(ToolDir, "nanoclr-convert"), args, null, TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException("nanoclr-convert failed (exit " + result.ExitCode + "):\n" + result.Output);
    }

    /// <summary>
    /// Runs the .pe files (dependencies first, the one with Main last) after mscorlib.pe and returns the
    /// program's output from the interpreter's "Ready." on, and its exit status: 0 ran to the end,
    /// 3 unhandled exception, 1 or 2 did not load, 124 timeout, above 128 a crash.
    /// </summary>
    public static ProcessResult RunPe(IEnumerable<string> peFiles, int heapBytes, TimeSpan timeout)
    {
        var args = new List<string>(Launcher.Skip(1)) { CoreLibPe };
        args.AddRange(peFiles);
        var env = new Dictionary<string, string> { ["NANOCLR_HEAP_BYTES"] = heapBytes.ToString() };
        var raw = Run(Launcher[0], args, env, timeout);
        string text = raw.Output.Replace("\r", "");
        int ready = text.IndexOf("Ready.\n", StringComparison.Ordinal);
        return new ProcessResult(raw.ExitCode, ready < 0 ? text : text.Substring(ready + 7), text);
    }

    private static ProcessResult Run(string file, IEnumerable<string> args, Dictionary<string, string> env, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        psi.Environment.Remove("NANOCLR_NO_COMPACTION");
        using var p = Process.Start(psi);
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit((int)timeout.TotalMilliseconds))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new ProcessResult(124, output.ToString(), output.ToString());
        }
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, output.ToString(), output.ToString());
    }
}

public sealed record ProcessResult(int ExitCode, string Output, string Raw);
