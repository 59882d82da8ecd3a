using Xunit;

namespace NanoTcp.Portability.Tests;

public class ConsoleTests
{
    [Fact]
    public void Exits_zero_on_a_portable_assembly_and_two_on_usage_errors()
    {
        Assert.Equal(0, Program.Main(new[] { typeof(NanoTcp.Trace.Tracer).Assembly.Location }));
        Assert.Equal(2, Program.Main(new string[0]));
        Assert.Equal(2, Program.Main(new[] { "/nonexistent/Nothing.dll" }));
    }
}
