namespace NanoTcp.Shell
{
    /// <summary>Adds lines to the console's `stats` (TCP counters, lab faults, the board's SPI counters, totals).</summary>
    public interface IStatsSource
    {
        void WriteStats(SerialConsole console);
    }
}
