namespace NanoTcp.Tcp
{
    /// <summary>The eleven connection states of RFC 9293 §3.3.2.</summary>
    public enum TcpState
    {
        Closed = 0,
        Listen = 1,
        SynSent = 2,
        SynReceived = 3,
        Established = 4,
        FinWait1 = 5,
        FinWait2 = 6,
        CloseWait = 7,
        Closing = 8,
        LastAck = 9,
        TimeWait = 10,
    }

    /// <summary>RFC spellings of <see cref="TcpState"/> for the console (enum names are not available on the device).</summary>
    public static class TcpStates
    {
        private static readonly string[] Names =
        {
            "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
            "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
        };

        public static string Name(TcpState state)
        {
            int i = (int)state;
            return i >= 0 && i < Names.Length ? Names[i] : "?";
        }

        /// <summary>Parses an RFC spelling back (host tools reading traces); -1 when unknown.</summary>
        public static int Parse(string name)
        {
            for (int i = 0; i < Names.Length; i++)
            {
                if (Names[i] == name)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
