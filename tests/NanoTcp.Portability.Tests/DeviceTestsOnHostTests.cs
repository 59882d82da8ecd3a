using System.Reflection;
using TestClassAttribute = nanoFramework.TestFramework.TestClassAttribute;
using TestMethodAttribute = nanoFramework.TestFramework.TestMethodAttribute;
using SetupAttribute = nanoFramework.TestFramework.SetupAttribute;
using CleanupAttribute = nanoFramework.TestFramework.CleanupAttribute;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>
/// Runs the nanoFramework device tests (tests/NanoTcp.DeviceTests, compiled on the host against
/// the TestFramework stand-ins) the way the nanoFramework runner does: every [TestMethod] of every
/// [TestClass], with [Setup] before and [Cleanup] after. The device runs them again in nanoCLR.
/// </summary>
public class DeviceTestsOnHostTests
{
    private static readonly Assembly DeviceTests = typeof(NanoTcp.DeviceTests.ScenarioSuiteTests).Assembly;

    public static IEnumerable<object[]> TestMethods() =>
        DeviceTests.GetTypes()
            .Where(t => t.GetCustomAttribute<TestClassAttribute>() != null)
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null)
                .Select(m => new object[] { t.Name, m.Name }));

    [Theory]
    [MemberData(nameof(TestMethods))]
    public void Device_test_passes_on_the_host(string testClass, string testMethod)
    {
        var type = DeviceTests.GetTypes().Single(t => t.Name == testClass);
        var instance = Activator.CreateInstance(type);
        foreach (var m in type.GetMethods().Where(m => m.GetCustomAttribute<SetupAttribute>() != null))
            m.Invoke(instance, null);
        try
        {
            type.GetMethod(testMethod).Invoke(instance, null);
        }
        catch (TargetInvocationException e)
        {
            Assert.Fail(e.InnerException.Message);
        }
        finally
        {
            foreach (var m in type.GetMethods().Where(m => m.GetCustomAttribute<CleanupAttribute>() != null))
                m.Invoke(instance, null);
        }
    }
}
