using NanoTcp.Cli;

namespace NanoTcp.Tests.Cli;

/// <summary>The command line: help everywhere, a one-line error and exit code 2 for bad arguments.</summary>
[Collection("console")]
public class ProgramTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        var o = new StringWriter();
        var e = new StringWriter();
        try
        {
            Console.SetOut(o);
            Console.SetError(e);
            int code = Program.Main(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("demo", "--bogus")]
    [InlineData("demo", "--speed", "-1")]
    [InlineData("demo", "--trace", "loud")]
    [InlineData("demo", "--seed", "x")]
    [InlineData("demo", "--pcap")]
    [InlineData("lab", "time-wait", "--svg")]
    [InlineData("lab", "time-wait", "extra")]
    [InlineData("monitor", "--baud", "fast")]
    [InlineData("tap", "--drop", "200")]
    public void BadArgumentsGiveOneLineAndExitCode2(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'), l => l.StartsWith("nanotcp"));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("demo", "--help")]
    [InlineData("lab", "--help")]
    [InlineData("monitor", "--help")]
    [InlineData("tap", "--help")]
    public void HelpEverywhere(params string[] args)
    {
        var (code, output, _) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains("usage", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LabWithoutANameListsTheScenarios()
    {
        var (code, output, _) = Run("lab");
        Assert.Equal(0, code);
        Assert.Contains("three-handshakes", output);
    }
}
