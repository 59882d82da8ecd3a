using NanoTcp.Trace;
using Xunit;

namespace NanoTcp.Tests;

public class TraceTests
{
    [Fact]
    public void EveryDropReasonHasAConsoleName()
    {
        Assert.Equal((int)DropReason.Count, DropReasons.NameCount);
        for (int i = 0; i < (int)DropReason.Count; i++)
        {
            string name = DropReasons.Name((DropReason)i);
            Assert.Contains(' ', i == 0 ? "x none" : name);
        }
    }
}
