using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Cli;

/// <summary>
/// The README's install commands, run as written (with --tool-path in a temporary directory
/// instead of --global) in a fresh clone of this repository: `nanotcp` installs and answers.
/// </summary>
public class ToolInstallTests
{
    private readonly ITestOutputHelper _out;
    public ToolInstallTests(ITestOutputHelper output) => _out = output;

    private static string RepoRoot([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    /// <summary>The commands of the README's "Install `nanotcp`" block.</summary>
    public static List<string> InstallCommands()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var m = Regex.Match(readme, @"### Install `nanotcp`.*?```\n(?<cmds>.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, "README.md has no '### Install `nanotcp`' section with a command block");
        return m.Groups["cmds"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
    }

    private (int Code, string Output) Sh(string dir, string command, int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo("sh", new[] { "-c", command }) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(timeoutMs), $"{command} did not finish");
        string output = stdout + err.Result;
        _out.WriteLine($"$ {command}  -> {p.ExitCode}\n{output}");
        return (p.ExitCode, output);
    }

    [Fact]
    public void TheReadmesInstallCommandsInstallNanotcpFromAFreshClone()
    {
        var commands = InstallCommands();
        Assert.Contains(commands, c => c.StartsWith("dotnet pack ", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("dotnet tool install --global ", StringComparison.Ordinal));
        string dir = Directory.CreateTempSubdirectory("nanotcp-install").FullName;
        try
        {
            string clone = Path.Combine(dir, "clone"), tools = Path.Combine(dir, "tools");
            Assert.Equal(0, Sh(dir, $"git clone --quiet --depth 1 \"file://{RepoRoot()}\" clone").Code);
            foreach (string c in commands)
                Assert.Equal(0, Sh(clone, c.Replace("--global", $"--tool-path \"{tools}\"", StringComparison.Ordinal)).Code);

            var version = Sh(dir, $"\"{tools}/nanotcp\" --version");
            Assert.Equal(0, version.Code);
            Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
            var help = Sh(dir, $"\"{tools}/nanotcp\" monitor --help");
            Assert.Equal(0, help.Code);
            foreach (string option in new[] { "--baud", "--parity", "--pcap", "--log", "--svg", "--connection", "--seq", "--list" })
                Assert.Contains(option, help.Output);
            var bad = Sh(dir, $"\"{tools}/nanotcp\" lab time-wait --pcap /nonexistent/x.pcap");
            Assert.Equal(2, bad.Code);
            Assert.Equal("nanotcp lab: cannot write /nonexistent/x.pcap: no such directory /nonexistent (--pcap FILE writes it elsewhere)", bad.Output.Trim());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
