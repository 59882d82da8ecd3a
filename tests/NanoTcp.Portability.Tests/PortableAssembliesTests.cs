using System.Reflection;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>
/// One line of defence per assembly that runs on the device. The firmware's code and the device
/// tests need nanoFramework packages that do not restore here (Gpio, Spi, Esp32, TestFramework), so
/// they are compiled against stand-ins and the gate checks every member they use against firmware/api.
/// src/NanoTcp and src/NanoTcp.Scenarios need only mscorlib: the test command compiles them against
/// nanoFramework's real mscorlib (nanoframework/), which decides their API; the gate only looks for
/// generics in them, which that compiler accepts and the device does not run. A failure lists every
/// offender (where it is used and which member or type).
/// </summary>
public class PortableAssembliesTests
{
    // Gated member by member: built against the stand-ins of packages that do not restore here.
    private static readonly Assembly[] AgainstStandIns =
    {
        // The firmware's own code (firmware/Host: adapters, boards, Program) against the nanoFramework stand-ins.
        typeof(NanoTcp.Firmware.Program).Assembly,
        // The nanoFramework device tests (tests/NanoTcp.DeviceTests/Host) against the TestFramework stand-ins.
        typeof(NanoTcp.DeviceTests.ScenarioSuiteTests).Assembly,
    };

    // API decided by their nanoFramework build; checked here for generics only.
    private static readonly Assembly[] MscorlibOnly =
    {
        typeof(NanoTcp.Trace.Tracer).Assembly,
        typeof(NanoTcp.Scenarios.ScenarioRegistry).Assembly,
    };

    public static IEnumerable<object[]> StandInNames() => AgainstStandIns.Select(a => new object[] { a.GetName().Name });

    public static IEnumerable<object[]> MscorlibOnlyNames() => MscorlibOnly.Select(a => new object[] { a.GetName().Name });

    [Theory]
    [MemberData(nameof(StandInNames))]
    public void Assembly_uses_only_the_nanoFramework_API_and_no_generics(string assemblyName)
    {
        var assembly = AgainstStandIns.Single(a => a.GetName().Name == assemblyName);

        var offenders = Gate.Instance.Check(assembly.Location);

        if (offenders.Count > 0)
            Assert.Fail(PortabilityGate.Report(assemblyName, offenders));
    }

    [Theory]
    [MemberData(nameof(MscorlibOnlyNames))]
    public void Mscorlib_only_assembly_has_no_generics(string assemblyName)
    {
        var assembly = MscorlibOnly.Single(a => a.GetName().Name == assemblyName);

        var offenders = new PortabilityGate(Gate.Api) { GenericsOnly = true }.Check(assembly.Location);

        if (offenders.Count > 0)
            Assert.Fail(PortabilityGate.Report(assemblyName, offenders));
    }

    [Fact]
    public void Generics_only_mode_reports_generics_and_nothing_else()
    {
        var offenders = Gate.CheckSource(@"
namespace Snip
{
    public class Box<T> { public T Value; }
    public static class Uses { public static int Min(int a, int b) { return System.Math.Min(a, b); } }
}", genericsOnly: true);
        Assert.Equal(new[] { "Snip.Box`1: generic type definition Snip.Box`1<T>" }, offenders.Select(o => o.Message));
    }
}
