namespace NanoTcp.Tcp
{
    /// <summary>Why a connection reached CLOSED (read it with TcpStack.GetCloseReason).</summary>
    public enum TcpCloseReason
    {
        /// <summary>Still open.</summary>
        None = 0,
        /// <summary>Both FINs exchanged and acknowledged.</summary>
        Normal = 1,
        /// <summary>RST received on a synchronized connection.</summary>
        ResetByPeer = 2,
        /// <summary>RST answered our SYN (closed port).</summary>
        Refused = 3,
        /// <summary>Retransmissions exhausted (MaxRetries / MaxSynRetries).</summary>
        TimedOut = 4,
        /// <summary>Keepalive probes unanswered.</summary>
        KeepaliveTimeout = 5,
        /// <summary>The application called Abort (RST sent).</summary>
        Aborted = 6,
        /// <summary>Released by the stack: half-open evicted by a newer SYN, TIME-WAIT reclaimed, listener closed.</summary>
        Evicted = 7,
        /// <summary>ICMP said the peer cannot be reached (port or protocol unreachable) while our SYN waited.</summary>
        Unreachable = 8,
        /// <summary>Our address changed (DHCP lease lost or moved): the connection's address is gone.</summary>
        AddressChanged = 9,
    }

    public static class TcpCloseReasons
    {
        private static readonly string[] Names =
        {
            "open", "closed", "reset-by-peer", "refused", "timed-out", "keepalive-timeout", "aborted", "evicted",
            "unreachable", "address-changed",
        };

        public static string Name(TcpCloseReason reason)
        {
            int i = (int)reason;
            return i >= 0 && i < Names.Length ? Names[i] : "?";
        }
    }

    /// <summary>Bits returned by TcpStack.GetEvents (poll them; nothing calls back into the application).</summary>
    public static class TcpEvents
    {
        /// <summary>Received data is waiting, or the peer's FIN (Receive then returns -1).</summary>
        public const int Readable = 1;
        /// <summary>Send would take at least one byte.</summary>
        public const int Writable = 2;
        /// <summary>The handshake completed (ESTABLISHED or later).</summary>
        public const int Connected = 4;
        /// <summary>The peer sent FIN: no more data will arrive after what is buffered.</summary>
        public const int PeerClosed = 8;
        /// <summary>The connection is CLOSED; GetCloseReason says why. Release the handle with Close.</summary>
        public const int Closed = 16;
    }
}
