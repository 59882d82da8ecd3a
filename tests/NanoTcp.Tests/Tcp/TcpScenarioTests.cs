using NanoTcp.Scenarios;
using Xunit;

namespace NanoTcp.Tests.Tcp;

/// <summary>Runs every portable scenario of src/NanoTcp.Scenarios as one xunit case each.</summary>
public class TcpScenarioTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Scenario s in ScenarioRegistry.All())
        {
            data.Add(s.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Scenario(string name)
    {
        Scenario s = ScenarioRegistry.Find(name);
        Assert.NotNull(s);
        string error = s.Execute();
        Assert.True(error == null, name + ": " + error);
    }

    [Fact]
    public void ScenarioNamesAreUniqueAndDescribed()
    {
        var seen = new HashSet<string>();
        foreach (Scenario s in ScenarioRegistry.All())
        {
            Assert.True(seen.Add(s.Name), "duplicate " + s.Name);
            Assert.False(string.IsNullOrWhiteSpace(s.Description), s.Name);
        }
    }
}
