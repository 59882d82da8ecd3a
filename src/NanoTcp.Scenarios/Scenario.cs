using System;

namespace NanoTcp.Scenarios
{
    /// <summary>
    /// One self-contained TCP scenario: a name (stable, used by xunit and the console `selftest`),
    /// a one-line description, and <see cref="Run"/>, which throws <see cref="ScenarioFailure"/>
    /// (through <see cref="Check"/>) when the stack misbehaves.
    /// </summary>
    public abstract class Scenario
    {
        private readonly string _name;
        private readonly string _description;

        protected Scenario(string name, string description)
        {
            _name = name;
            _description = description;
        }

        public string Name { get { return _name; } }
        public string Description { get { return _description; } }
        public abstract void Run();

        /// <summary>Runs the scenario; returns null on success, else the failure message. Never throws.</summary>
        public string Execute()
        {
            try
            {
                Run();
                return null;
            }
            catch (ScenarioFailure f)
            {
                return f.Message;
            }
            catch (Exception e)
            {
                return "exception: " + e.GetType().Name + ": " + e.Message;
            }
        }
    }

    public sealed class ScenarioFailure : Exception
    {
        public ScenarioFailure(string message) : base(message)
        {
        }
    }

    /// <summary>Assertions for scenarios (no generics: one overload per type).</summary>
    public static class Check
    {
        public static void Fail(string message)
        {
            throw new ScenarioFailure(message);
        }

        public static void True(bool condition, string what)
        {
            if (!condition)
            {
                throw new ScenarioFailure(what);
            }
        }

        public static void Equal(int expected, int actual, string what)
        {
            if (expected != actual)
            {
                throw new ScenarioFailure(what + ": expected " + expected.ToString() + ", got " + actual.ToString());
            }
        }

        public static void Equal(long expected, long actual, string what)
        {
            if (expected != actual)
            {
                throw new ScenarioFailure(what + ": expected " + expected.ToString() + ", got " + actual.ToString());
            }
        }

        public static void Equal(uint expected, uint actual, string what)
        {
            if (expected != actual)
            {
                throw new ScenarioFailure(what + ": expected " + expected.ToString() + ", got " + actual.ToString());
            }
        }

        public static void Equal(string expected, string actual, string what)
        {
            if (expected != actual)
            {
                throw new ScenarioFailure(what + ": expected " + expected + ", got " + actual);
            }
        }
    }
}
