namespace NanoTcp.Tcp
{
    /// <summary>Codes of TraceKind.TcpTimer events (TraceEvent.Code); Value is given per code.</summary>
    public static class TcpTimerCode
    {
        /// <summary>RTO expired (RFC 6298 5.4–5.6): Value = the backed-off RTO in ms.</summary>
        public const int Retransmit = 0;
        /// <summary>Zero-window probe sent (RFC 9293 §3.8.6.1): Value = next probe interval in ms.</summary>
        public const int Persist = 1;
        /// <summary>Delayed ACK timer fired: Value = the delay in ms.</summary>
        public const int DelayedAck = 2;
        /// <summary>Keepalive probe sent: Value = probe number.</summary>
        public const int Keepalive = 3;
        /// <summary>TIME-WAIT entered, 2MSL timer started: Value = 2MSL in ms.</summary>
        public const int TimeWaitStart = 4;
        /// <summary>Retransmitted FIN re-ACKed in TIME-WAIT, 2MSL restarted: Value = 2MSL in ms.</summary>
        public const int TimeWaitRestart = 5;
        /// <summary>2MSL elapsed, connection released: Value = 2MSL in ms.</summary>
        public const int TimeWaitExpired = 6;
        /// <summary>Third duplicate ACK, first unacknowledged segment resent (RFC 5681 §3.2): Value = SND.UNA.</summary>
        public const int FastRetransmit = 7;
        /// <summary>Too many retransmissions or unanswered keepalives: connection aborted. Value = attempts.</summary>
        public const int GiveUp = 8;
        /// <summary>RTT sample taken (RFC 6298 §2): Value = sample in ms (level Segments).</summary>
        public const int RttSample = 9;
        /// <summary>Orphaned FIN-WAIT-2 released (TcpConfig.FinWait2TimeoutMs): Value = the timeout in ms.</summary>
        public const int FinWait2Timeout = 10;
        /// <summary>ICMP "fragmentation needed" lowered the send MSS (RFC 1191): Value = the new MSS in bytes.</summary>
        public const int PathMtu = 11;
        /// <summary>An ICMP error about this connection (RFC 1122 4.2.3.9): Value = type·256 + code.</summary>
        public const int IcmpError = 12;
        /// <summary>A connection created by a SYN cookie's ACK (RFC 4987): Value = the MSS the cookie carried.</summary>
        public const int SynCookie = 13;
        /// <summary>An idle passive connection reset to make room (TcpConfig.ReclaimIdleMs): Value = ms without data.</summary>
        public const int IdleReclaim = 14;
        /// <summary>A service ended a connection that moved no data for its idle limit: Value = ms without data.</summary>
        public const int IdleTimeout = 15;
        /// <summary>A service ended a connection whose request was not complete in time (HTTP): Value = ms since accept.</summary>
        public const int RequestTimeout = 16;

        private static readonly string[] Names =
        {
            "retransmit", "persist", "delayed-ack", "keepalive", "2msl-start", "2msl-restart",
            "2msl-expired", "fast-retransmit", "give-up", "rtt-sample", "fin-wait-2-timeout", "path-mtu", "icmp-error", "syn-cookie", "idle-reclaim",
            "idle-timeout", "request-timeout",
        };

        public static string Name(int code)
        {
            return code >= 0 && code < Names.Length ? Names[code] : "?";
        }

        public static int NameCount { get { return Names.Length; } }

        /// <summary>True when Value is a duration in ms (false: an attempt count or a sequence number).</summary>
        public static bool ValueIsMilliseconds(int code)
        {
            return code != Keepalive && code != FastRetransmit && code != GiveUp && code != PathMtu && code != IcmpError && code != SynCookie;
        }
    }
}
