using System.Diagnostics;
using Xunit;

namespace NanoTcp.Interpreter.Tests;

/// <summary>
/// The test command compiles src/NanoTcp and src/NanoTcp.Scenarios a second time, against
/// nanoFramework's own mscorlib (nanoframework/, C# 9, no standard library). Proof that such a
/// build fails, naming file, line and member, when code uses an API the device lacks.
/// </summary>
public class RealCompilerTests
{
    [NanoClrFact]
    public void A_member_missing_from_nanoFrameworks_mscorlib_fails_the_build_with_file_and_line()
    {
        string root = NanoClr.RepositoryRoot();
        string dir = Path.Combine(Path.GetTempPath(), "nanotcp-realcompiler-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"),
            "<Project><Import Project=\"" + Path.Combine(root, "nanoframework", "NanoFramework.props") + "\" /></Project>");
        File.WriteAllText(Path.Combine(dir, "Snippet.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><Compile Include=\"*.cs\" /></ItemGroup></Project>");
        File.WriteAllText(Path.Combine(dir, "Bad.cs"), string.Join("\n",
            "namespace Snip",
            "{",
            "    public static class Bad",
            "    {",
            "        public static int Larger(int a, int b) { return System.Math.Max(a, b); }",
            "        public static string Dots(string s) { return s.Replace(\".\", \":\"); }",
            "        public static int Count() { var l = new System.Collections.Generic.List<int>(); return l.Count; }",
            "        public static bool Fine(string s) { return s.IndexOf('.') >= 0; }",
            "    }",
            "}"));

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (string a in new[] { "build", "-nologo", "-clp:NoSummary", "Snippet.csproj" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi);
        // (the folder is left for a look when an assertion fails; it is rewritten at the next run)
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();

        Assert.True(p.ExitCode != 0, "the build passed:\n" + output);
        // Each error names the file, the line and the member; the line that uses only what the device has is clean.
        Assert.Matches(@"Bad\.cs\(5,\d+\): error CS0234: The type or namespace name 'Math' does not exist in the namespace 'System'", output);
        Assert.Matches(@"Bad\.cs\(6,\d+\): error CS1061: 'string' does not contain a definition for 'Replace'", output);
        Assert.Matches(@"Bad\.cs\(7,\d+\): error CS0234: The type or namespace name 'Generic' does not exist in the namespace 'System.Collections'", output);
        Assert.DoesNotMatch(@"Bad\.cs\(8,", output);
    }
}
