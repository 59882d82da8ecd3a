using NanoTcp.Tcp;

namespace NanoTcp.Leds
{
    /// <summary>
    /// What the LEDs show: the phase of a connection's life, coarser than the eleven TCP
    /// states so that it reads at a glance on a board.
    /// </summary>
    public enum LedPhase
    {
        /// <summary>No link, or nothing open.</summary>
        Idle = 0,
        /// <summary>A listener is waiting (LISTEN).</summary>
        Listening = 1,
        /// <summary>SYN-SENT, SYN-RECEIVED: the three-way handshake is under way.</summary>
        Handshake = 2,
        /// <summary>ESTABLISHED: data can flow both ways.</summary>
        Established = 3,
        /// <summary>FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK: the four-way close.</summary>
        Closing = 4,
        /// <summary>TIME-WAIT: 2MSL before the connection's identity can be reused.</summary>
        TimeWait = 5,
        /// <summary>A connection was reset, refused or timed out (shown for a few seconds).</summary>
        Error = 6,
    }

    /// <summary>TCP state → LED phase, and the phases' console names.</summary>
    public static class LedPhases
    {
        public const int Count = 7;

        private static readonly string[] Names = { "idle", "listening", "handshake", "established", "closing", "time-wait", "error" };

        public static LedPhase FromState(TcpState state)
        {
            switch (state)
            {
                case TcpState.Listen: return LedPhase.Listening;
                case TcpState.SynSent:
                case TcpState.SynReceived: return LedPhase.Handshake;
                case TcpState.Established: return LedPhase.Established;
                case TcpState.FinWait1:
                case TcpState.FinWait2:
                case TcpState.CloseWait:
                case TcpState.Closing:
                case TcpState.LastAck: return LedPhase.Closing;
                case TcpState.TimeWait: return LedPhase.TimeWait;
                default: return LedPhase.Idle;
            }
        }

        public static string Name(LedPhase phase)
        {
            int i = (int)phase;
            return i >= 0 && i < Names.Length ? Names[i] : "?";
        }

        /// <summary>
        /// Which phase a single LED shows when several connections are in different phases:
        /// the most eventful one. Error first (it is held only briefly), then the transitions
        /// a learner wants to catch (handshake, closing), then TIME-WAIT, established, listening.
        /// </summary>
        public static int Priority(LedPhase phase)
        {
            switch (phase)
            {
                case LedPhase.Error: return 6;
                case LedPhase.Handshake: return 5;
                case LedPhase.Closing: return 4;
                case LedPhase.TimeWait: return 3;
                case LedPhase.Established: return 2;
                case LedPhase.Listening: return 1;
                default: return 0;
            }
        }
    }
}
