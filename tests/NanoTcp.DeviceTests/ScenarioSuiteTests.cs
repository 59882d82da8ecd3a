using nanoFramework.TestFramework;
using NanoTcp.Scenarios;

namespace NanoTcp.DeviceTests
{
    /// <summary>
    /// The portable TCP scenario suite (src/NanoTcp.Scenarios) on nanoFramework itself: every
    /// entry of ScenarioRegistry must pass in the nanoCLR interpreter, as it does on the host.
    /// This catches what the portability gate cannot see: behaviour differences of the framework,
    /// interpreter limits, stack depth, heap size.
    /// </summary>
    [TestClass]
    public class ScenarioSuiteTests
    {
        [TestMethod]
        public void Registry_is_not_empty()
        {
            Assert.IsTrue(ScenarioRegistry.All().Length > 0, "no scenarios registered");
        }

        [TestMethod]
        public void Every_scenario_passes()
        {
            Scenario[] all = ScenarioRegistry.All();
            int failed = 0;
            string first = null;
            for (int i = 0; i < all.Length; i++)
            {
                string error = all[i].Execute();
                if (error == null)
                {
                    OutputHelper.WriteLine("ok   " + all[i].Name);
                }
                else
                {
                    failed++;
                    OutputHelper.WriteLine("FAIL " + all[i].Name + ": " + error);
                    if (first == null)
                    {
                        first = all[i].Name + ": " + error;
                    }
                }
            }
            Assert.AreEqual(0, failed, "scenarios failed; first: " + first);
        }

        [TestMethod]
        public void Scenario_names_are_unique_and_findable()
        {
            Scenario[] all = ScenarioRegistry.All();
            for (int i = 0; i < all.Length; i++)
            {
                Assert.IsNotNull(ScenarioRegistry.Find(all[i].Name), all[i].Name);
                for (int j = i + 1; j < all.Length; j++)
                {
                    Assert.IsFalse(all[i].Name == all[j].Name, "duplicate scenario " + all[i].Name);
                }
            }
        }
    }
}
