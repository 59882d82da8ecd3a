using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Firmware.Boards;
using NanoTcp.Shell;
using NanoTcp.Trace;
using nanoFramework.Runtime.Native;

namespace NanoTcp.Firmware.Commands
{
    /// <summary>
    /// The board's own console commands: `board` (pin map) and `reboot`. The driver's `enc28j60`
    /// command and its `stats` lines are <see cref="Enc28j60Commands"/>, shared with the simulator;
    /// `lab` comes from the device composition (<see cref="LabCommands"/>).
    /// Commands run when typed; they may allocate (the data path does not).
    /// </summary>
    public sealed class BoardCommands : ICommandSet
    {
        private readonly BoardPins _board;

        public BoardCommands(BoardPins board)
        {
            _board = board;
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  board                     pin map of this build");
            c.WriteLine("  reboot                    restart the board");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
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
    }
}
