using NanoTcp.Scenarios;
using NanoTcp.Tests.Support;

namespace NanoTcp.Tests.Tap;

/// <summary>The console's `selftest` in the simulator, as on the board: the portable scenario suite, run by the board's own console.</summary>
public class VirtualBoardSelftestTests
{
    [Fact]
    public void SelftestRunsTheScenarioSuiteOnTheVirtualBoard()
    {
        var b = new ConsoleBoard();
        b.Start();
        b.Step(5);
        b.Type("selftest\r");
        b.Step(5);
        string console = System.Text.Encoding.ASCII.GetString(b.Written.ToArray());
        Assert.DoesNotContain("unknown command", console);
        Assert.Contains($"selftest: {ScenarioRegistry.All().Length} passed, 0 failed", console);
    }
}
