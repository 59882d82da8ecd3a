using NanoTcp.Shell;

namespace NanoTcp.Scenarios
{
    /// <summary>
    /// The console's `selftest [name]`: runs the portable TCP scenarios on the board itself (each
    /// on its own virtual clock and in-memory peers; the real network is not touched) and prints
    /// "ok name" or "FAIL name: why", then a summary. `selftest list` prints the names.
    /// </summary>
    public sealed class SelftestCommands : ICommandSet, IScenarioReport
    {
        private SerialConsole _console;
        private int _passed;
        private int _failed;

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  selftest [name|list]      run the TCP scenario suite (or one scenario) on this board");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name != "selftest")
            {
                return false;
            }
            _console = c;
            _passed = 0;
            _failed = 0;
            string only = args != null && args.Length > 0 ? args[0] : null;
            // One scenario on the heap at a time: created, run, dropped (the board's heap is small).
            for (int i = 0; ; i++)
            {
                Scenario s = ScenarioRegistry.At(i);
                if (s == null)
                {
                    break;
                }
                if (only == "list")
                {
                    c.WriteLine(s.Name + "  " + s.Description);
                }
                else if (only == null || s.Name == only)
                {
                    string scenarioName = s.Name;
                    string error = s.Execute();
                    s = null;
                    Result(scenarioName, error);
                }
            }
            if (only == "list")
            {
                return true;
            }
            if (_passed + _failed == 0)
            {
                c.WriteLine("error: no scenario named " + only);
                return true;
            }
            c.WriteLine("selftest: " + _passed.ToString() + " passed, " + _failed.ToString() + " failed");
            return true;
        }

        public void Result(string name, string error)
        {
            if (error == null)
            {
                _passed++;
                _console.WriteLine("ok   " + name);
            }
            else
            {
                _failed++;
                _console.WriteLine("FAIL " + name + ": " + error);
            }
        }
    }
}
