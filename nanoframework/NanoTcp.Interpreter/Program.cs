using System;

namespace NanoTcp.Interpreter
{
    /// <summary>
    /// Runs in nanoCLR: the selftest beside the firmware's composition, then the allocation checks.
    /// The interpreter passes no arguments, so one run does everything; "suite done" ends a complete run.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            new FirmwareSelftest().Run();
            AllocationChecks.Run();
            Console.WriteLine("suite done");
        }
    }
}
