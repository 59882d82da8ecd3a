using System.CommandLine;
using System.Text.RegularExpressions;
using NanoTcp.Cli;
using NanoTcp.Tests.Support;

namespace NanoTcp.Tests.Cli;

/// <summary>The command line: help and --version, a one-line error and exit code 2 for bad arguments and bad paths.</summary>
public class ProgramTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("nanotcp: unknown command 'frobnicate' (nanotcp --help lists the options)", "frobnicate")]
    [InlineData("nanotcp demo: unknown option '--bogus' (nanotcp demo --help lists the options)", "demo", "--bogus")]
    [InlineData("nanotcp demo: --speed wants a factor >= 0 (0 = as fast as possible), not '-1'", "demo", "--speed", "-1")]
    [InlineData("nanotcp demo: --trace wants off, states, segments or frames, not 'loud'", "demo", "--trace", "loud")]
    [InlineData("nanotcp demo: --seed wants a non-negative whole number, not 'x'", "demo", "--seed", "x")]
    [InlineData("nanotcp demo: --pcap needs a value (nanotcp demo --help lists the options)", "demo", "--pcap")]
    [InlineData("nanotcp monitor: --baud wants a speed 50..4000000, not 'fast'", "monitor", "/dev/ttyUSB0", "--baud", "fast")]
    [InlineData("nanotcp tap: --drop wants a percentage 0..100, not '200'", "tap", "--drop", "200")]
    [InlineData("nanotcp demo: --rx-ring wants a whole number 536..65535, not '100'", "demo", "--rx-ring", "100")]
    [InlineData("nanotcp demo: TcpConfig.Mss = 1000: must be not larger than ReceiveBufferSize", "demo", "--rx-ring", "600", "--mss", "1000", "--speed", "0")]
    public void BadArgumentsGiveOneLineOnStderrAndExitCode2(string expected, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal(expected + "\n", err.ReplaceLineEndings("\n"));
        Assert.Equal("", output);
    }

    /// <summary>The lab reads its own options (Lab/LabOptions); its errors follow the same rule.</summary>
    [Theory]
    [InlineData("lab", "time-wait", "--svg")]
    [InlineData("lab", "nope")]
    [InlineData("lab", "--bogus")]
    public void TheLabsBadArgumentsAreOneLineOnStderrWithExitCode2Too(params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("nanotcp lab: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void TheLabsHelpIsItsOwn()
    {
        foreach (var args in new[] { new[] { "lab", "--help" }, new[] { "help", "lab" } })
        {
            var (code, output, _) = Run(args);
            Assert.Equal(0, code);
            Assert.Contains("usage: nanotcp lab", output);
            Assert.Contains("--pcap FILE", output);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("-h")]
    public void TopLevelHelpListsEveryCommand(string arg)
    {
        var (code, output, _) = Run(arg);
        Assert.Equal(0, code);
        Assert.Contains("Usage:\n  nanotcp [command] [options]", output.ReplaceLineEndings("\n"));
        foreach (string command in new[] { "demo", "lab", "monitor", "tap" })
            Assert.Matches(new Regex($"^  {command}\\b", RegexOptions.Multiline), output);
        Assert.Contains("--version", output);
    }

    public static IEnumerable<object[]> Commands() =>
        Program.CreateCommandLine().Subcommands.Where(c => c.Name != "lab").Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Commands))]
    public void EachCommandsHelpListsAllItsOptions(string command)
    {
        foreach (var args in new[] { new[] { command, "--help" }, new[] { "help", command } })
        {
            var (code, output, err) = Run(args);
            Assert.Equal(0, code);
            Assert.Equal("", err);
            Assert.Contains($"Usage:\n  nanotcp {command}", output.ReplaceLineEndings("\n"));
            Command c = Program.CreateCommandLine().Subcommands.Single(s => s.Name == command);
            Assert.NotEmpty(c.Options);
            foreach (Option o in c.Options)
            {
                Assert.Contains(o.Name, output);
                Assert.False(string.IsNullOrWhiteSpace(o.Description), $"{command} {o.Name} has no description");
            }
        }
    }

    [Fact]
    public void VersionIsTheAssemblysVersion()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
        Assert.Single(output.TrimEnd().Split('\n'));
    }

    [Fact]
    public void LabWithoutANameListsTheScenarios()
    {
        var (code, output, _) = Run("lab");
        Assert.Equal(0, code);
        Assert.Contains("three-handshakes", output);
    }

    [Fact]
    public void PathsThatCannotBeWrittenAreOneLineErrorsBeforeAnythingRuns()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-paths").FullName;
        try
        {
            var cases = new (string[] Args, string Error)[]
            {
                (new[] { "lab", "time-wait", "--pcap", "/nonexistent/x.pcap" },
                    "nanotcp lab: cannot write /nonexistent/x.pcap: no such directory /nonexistent (--pcap FILE writes it elsewhere)"),
                (new[] { "demo", "--speed", "0", "--svg", dir, "--pcap", Path.Combine(dir, "d.pcap") },
                    $"nanotcp demo: cannot write {dir}: it is a directory (--svg FILE writes it elsewhere)"),
                (new[] { "monitor", dir },
                    $"nanotcp monitor: cannot read {dir}: it is a directory (give a trace file, - or a serial device)"),
                (new[] { "monitor", "-", "--pcap", "/nonexistent/m.pcap" },
                    "nanotcp monitor: cannot write /nonexistent/m.pcap: no such directory /nonexistent (--pcap FILE writes it elsewhere)"),
                (new[] { "tap", "--pcap", "/nonexistent/t.pcap" },
                    "nanotcp tap: cannot write /nonexistent/t.pcap: no such directory /nonexistent (--pcap FILE writes it elsewhere)"),
            };
            foreach (var (args, error) in cases)
            {
                var (code, output, err) = Run(args);
                Assert.Equal(2, code);
                Assert.Equal(error + "\n", err.ReplaceLineEndings("\n"));
                Assert.Equal("", output);
            }
            Assert.Empty(Directory.GetFileSystemEntries(dir)); // nothing ran, nothing was left behind
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void EveryRunSaysWhereItWroteItsFiles()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-where").FullName;
        try
        {
            string pcap = Path.Combine(dir, "demo.pcap"), svg = Path.Combine(dir, "demo.svg");
            var (code, output, _) = Run("demo", "--speed", "0", "--pcap", pcap, "--svg", svg);
            Assert.Equal(0, code);
            Assert.Contains($"frames written to {pcap}", output);
            Assert.Contains($"ladder diagram written to {svg}", output);
            Assert.True(File.Exists(pcap) && File.Exists(svg));

            string labPcap = Path.Combine(dir, "lab.pcap"), labSvg = Path.Combine(dir, "lab.svg");
            (code, output, _) = Run("lab", "closed-port", "--pcap", labPcap, "--svg", labSvg);
            Assert.Equal(0, code);
            Assert.Contains(labPcap, output);
            Assert.Contains(labSvg, output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// In a directory nobody may write (a read-only file system as root, where permissions do not
    /// stop root; a mode 555 directory otherwise) the demo's default files cannot be created: one line,
    /// exit code 2, no stack trace.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AReadOnlyWorkingDirectoryIsAOneLineError()
    {
        string dir = Directory.CreateTempSubdirectory("nanotcp-ro").FullName;
        try
        {
            System.Diagnostics.ProcessStartInfo psi;
            string reason;
            if (NanoTcp.Sim.Tap.TapDevice.IsRoot)
            {
                // A private mount namespace with a read-only tmpfs over the directory: nothing outside the test sees it.
                psi = CliProcess.StartInfo("/", new[] { "demo", "--speed", "0" }, "unshare", "--mount", "--propagation", "private",
                    "sh", "-c", $"mount -t tmpfs -o ro tmpfs '{dir}' && cd '{dir}' && exec \"$0\" \"$@\"");
                reason = "read-only file system";
            }
            else
            {
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
                psi = CliProcess.StartInfo(dir, new[] { "demo", "--speed", "0" });
                reason = "permission denied";
            }
            var (code, output, err) = CliProcess.Run(psi);
            Assert.True(code == 2, $"exit {code}\n{output}\n{err}");
            Assert.Equal($"nanotcp demo: cannot write nanotcp-demo.pcap: {reason} (--pcap FILE writes it elsewhere)", err.Trim());
            Assert.DoesNotContain("   at ", output + err);
        }
        finally
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(dir, true);
        }
    }
}
