using NanoTcp.Shell;
using NanoTcp.Trace;

namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>
    /// The console's `enc28j60` command (revision, link, SPI cost, every error and recovery of the
    /// driver; `enc28j60 clear` zeroes the counters) and the driver's lines under `stats`. The board
    /// and the simulator (over the emulated chip) add the same object to their console.
    /// Commands run when typed; they may allocate (the data path does not).
    /// </summary>
    public sealed class Enc28j60Commands : ICommandSet, IStatsSource
    {
        private readonly Enc28j60 _driver;
        private readonly long _spiClockHz;

        /// <param name="spiClockHz">the SPI clock the board runs, shown by `enc28j60`; 0 when there is none (an emulated chip)</param>
        public Enc28j60Commands(Enc28j60 driver, long spiClockHz)
        {
            _driver = driver;
            _spiClockHz = spiClockHz;
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  enc28j60 [clear]          ENC28J60 revision, link, SPI cost, errors and recoveries");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name != "enc28j60")
            {
                return false;
            }
            if (args != null && args.Length > 0 && args[0] == "clear")
            {
                _driver.Counters.Clear();
                c.WriteLine("enc28j60 counters cleared");
                return true;
            }
            if (args != null && args.Length > 0)
            {
                c.WriteLine("error: usage: enc28j60 [clear]");
                return true;
            }
            Enc28j60Counters k = _driver.Counters;
            TextLine o = c.Out;
            o.Clear();
            o.Append("enc28j60 rev ").Append(_driver.RevisionName).Append(_driver.IsRunning ? "  running" : "  NOT RUNNING")
             .Append(_driver.LinkUp ? "  link up" : "  link down");
            if (_spiClockHz > 0)
            {
                o.Append("  spi ").Append(_spiClockHz / 1000).Append(" kHz");
            }
            c.Emit();
            Line(c, "spi      transactions ", k.SpiTransactions, " bytes ", k.SpiBytes, " bank-switches ", k.BankSwitches);
            Line(c, "rx       frames ", k.FramesIn, " bytes ", k.BytesIn, " errors ", k.RxErrors);
            Line(c, "rx       runts ", k.RxRunts, " too-long ", k.RxTooLong, " overflows ", k.RxOverflows);
            Line(c, "rx       overflow-recoveries ", k.RxOverflowRecoveries, " status-checks ", k.StatusChecks, " link-changes ", k.LinkChanges);
            Line(c, "tx       frames ", k.FramesOut, " bytes ", k.BytesOut, " refused ", k.TxRefused);
            Line(c, "tx       aborts ", k.TxAborts, " late-collisions ", k.TxLateCollisions, " retries ", k.TxRetries);
            Line(c, "tx       failed ", k.TxFailed, " stalls ", k.TxStalls, " resets ", k.TxResets);
            Line(c, "chip     inits ", k.Initializations, " init-failures ", k.InitFailures, " reinits ", k.Reinits);
            return true;
        }

        /// <summary>
        /// The driver's SPI cost and errors under `stats`. The chip counts no frames it drops: each
        /// overflow (EIR.RXERIF seen and cleared) lost at least one.
        /// </summary>
        public void WriteStats(SerialConsole c)
        {
            Enc28j60Counters k = _driver.Counters;
            Line(c, "spi     transactions ", k.SpiTransactions, " bytes ", k.SpiBytes, " bank-switches ", k.BankSwitches);
            Line(c, "enc     rx-frames ", k.FramesIn, " rx-errors ", k.RxErrors, " rx-overflows ", k.RxOverflows);
            Line(c, "enc     tx-frames ", k.FramesOut, " tx-failed ", k.TxFailed, " reinits ", k.Reinits);
        }

        private static void Line(SerialConsole c, string a, long va, string b, long vb, string d, long vd)
        {
            TextLine o = c.Out;
            o.Clear();
            o.Append(a).Append(va).Append(b).Append(vb).Append(d).Append(vd);
            c.Emit();
        }
    }
}
