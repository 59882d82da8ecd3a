namespace NanoTcp.Shell
{
    /// <summary>A group of console commands (IP, TCP, board). The console asks each set in turn.</summary>
    public interface ICommandSet
    {
        /// <summary>Runs the command if this set has it; false when the name is not one of its own.</summary>
        bool TryRun(string name, string[] args, SerialConsole console, long nowMs);

        /// <summary>Writes one line per command: "name args  what it does".</summary>
        void WriteHelp(SerialConsole console);
    }
}
