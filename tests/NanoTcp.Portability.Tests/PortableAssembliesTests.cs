using System.Reflection;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>
/// The gate over every assembly that must run on nanoFramework. A failure lists every
/// offender (where it is used and which member or type), so the fix is obvious.
/// </summary>
public class PortableAssembliesTests
{
    // One line per assembly that runs on the device. Add firmware code compiled against
    // stand-ins and the device-test assemblies here (and reference their projects).
    private static readonly Assembly[] Portable =
    {
        typeof(NanoTcp.Trace.Tracer).Assembly,
        typeof(NanoTcp.Scenarios.ScenarioRegistry).Assembly,
        // The firmware's own code (firmware/Host: adapters, boards, Program) against the nanoFramework stand-ins.
        typeof(NanoTcp.Firmware.Program).Assembly,
        // The nanoFramework device tests (tests/NanoTcp.DeviceTests/Host) against the TestFramework stand-ins.
        typeof(NanoTcp.DeviceTests.ScenarioSuiteTests).Assembly,
    };

    public static IEnumerable<object[]> PortableNames() =>
        Portable.Select(a => new object[] { a.GetName().Name });

    [Theory]
    [MemberData(nameof(PortableNames))]
    public void Assembly_uses_only_the_nanoFramework_API_and_no_generics(string assemblyName)
    {
        var assembly = Portable.Single(a => a.GetName().Name == assemblyName);

        var offenders = Gate.Instance.Check(assembly.Location);

        if (offenders.Count > 0)
            Assert.Fail(PortabilityGate.Report(assemblyName, offenders));
    }
}
