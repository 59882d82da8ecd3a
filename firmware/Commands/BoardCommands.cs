using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Firmware.Boards;
using NanoTcp.Shell;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using nanoFramework.Runtime.Native;

namespace NanoTcp.Firmware.Commands
{
    /// <summary>
    /// The board's own console commands: driver counters (`enc28j60`), the TIME-WAIT length for
    /// `board` (pin map), `reboot`; it also adds the SPI counters to `stats` (<see cref="IStatsSource"/>).
    /// `lab` comes from the device composition (<see cref="LabCommands"/>).
    /// Commands run when typed; they may allocate (the data path does not).
    /// </summary>
    public sealed class BoardCommands : ICommandSet, IStatsSource
    {
        private readonly Enc28j60 _driver;
        private readonly TcpConfig _tcp;
        private readonly BoardPins _board;

        public BoardCommands(Enc28j60 driver, TcpConfig tcp, BoardPins board)
        {
            _driver = driver;
            _tcp = tcp;
            _board = board;
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  enc28j60 [clear]          ENC28J60 revision, link, SPI cost, errors and recoveries");
            c.WriteLine("  board                     pin map of this build");
            c.WriteLine("  reboot                    restart the board");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name == "enc28j60")
            {
                if (args != null && args.Length > 0 && args[0] == "clear")
                {
                    _driver.Counters.Clear();
                    c.WriteLine("enc28j60 counters cleared");
                    return true;
                }
                Enc28j60Counters k = _driver.Counters;
                TextLine o = c.Out;
                o.Clear();
                o.Append("enc28j60 rev ").Append(_driver.RevisionName).Append(_driver.IsRunning ? "  running" : "  NOT RUNNING")
                 .Append(_driver.LinkUp ? "  link up" : "  link down").Append("  spi ").Append((long)_board.SpiClockHz / 1000).Append(" kHz");
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
            if (name == "board")
            {
                TextLine o = c.Out;
                o.Clear();
                o.Append("board ").Append(_board.Name).Append("  spi").Append((long)_board.SpiBus)
                 .Append(" sck ").Append((long)_board.Sck).Append(" mosi ").Append((long)_board.Mosi)
                 .Append(" miso ").Append((long)_board.Miso).Append(" cs ").Append((long)_board.Cs)
                 .Append(" int ").Append((long)_board.Int).Append(" reset ").Append((long)_board.Reset)
                 .Append("  com2 tx ").Append((long)_board.ConsoleTx).Append(" rx ").Append((long)_board.ConsoleRx);
                c.Emit();
                return true;
            }
            if (name == "reboot")
            {
                c.WriteLine("rebooting");
                Power.RebootDevice(RebootOption.NormalReboot);
                return true;
            }
            return false;
        }

        /// <summary>The driver's SPI cost and errors under `stats`.</summary>
        public void WriteStats(SerialConsole c)
        {
            Enc28j60Counters k = _driver.Counters;
            Line(c, "spi     transactions ", k.SpiTransactions, " bytes ", k.SpiBytes, " bank-switches ", k.BankSwitches);
            Line(c, "enc     rx-errors ", k.RxErrors, " overflows ", k.RxOverflows, " tx-failed ", k.TxFailed);
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
