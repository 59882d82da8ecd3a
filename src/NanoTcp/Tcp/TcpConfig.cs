namespace NanoTcp.Tcp
{
    /// <summary>
    /// Everything the TCP layer allocates, and every timer and policy it applies, decided once
    /// at start-up. <see cref="TcpStack"/> allocates all connections, listeners and ring buffers
    /// from this object in its constructor; nothing is allocated afterwards.
    /// Defaults follow the RFCs (cited) and fit a 4-connection board in about 20 KB.
    /// </summary>
    public sealed class TcpConfig
    {
        /// <summary>Connection slots (active, accepted, half-open and TIME-WAIT all share them).</summary>
        public int Connections = 4;
        /// <summary>Listening ports.</summary>
        public int Listeners = 2;
        /// <summary>Per listener: half-open (SYN-RECEIVED) plus established-not-yet-accepted connections.</summary>
        public int Backlog = 2;
        /// <summary>Send ring per connection, bytes (holds unacknowledged and unsent data).</summary>
        public int SendBufferSize = 2048;
        /// <summary>Receive ring per connection, bytes (in-order unread data plus one out-of-order range).
        /// The advertised window is its free space, at most 65535 (no window scaling).</summary>
        public int ReceiveBufferSize = 2048;
        /// <summary>MSS we advertise; 0 = from the device MTU (MaxTransportLength − 20, 1460 on Ethernet).</summary>
        public int Mss = 0;

        /// <summary>RFC 6298 (2.1): initial RTO, 1 s.</summary>
        public int RtoInitialMs = 1000;
        /// <summary>RFC 6298 (2.4) asks for 1 s; 200 ms is Linux's choice. Configurable.</summary>
        public int RtoMinMs = 1000;
        /// <summary>RFC 6298 (2.5): an upper bound of at least 60 s.</summary>
        public int RtoMaxMs = 60000;
        /// <summary>Retransmissions of data or FIN before the connection is aborted (reason TimedOut).</summary>
        public int MaxRetries = 8;
        /// <summary>Retransmissions of a SYN or SYN-ACK before giving up: 5 back-offs from 1 s give up after 63 s
        /// (RFC 1122 4.2.3.5 suggests at least 3 minutes; a lab should not wait that long — raise it if needed).</summary>
        public int MaxSynRetries = 5;

        /// <summary>Maximum segment lifetime. TIME-WAIT lasts 2 × MSL = 60 s by default (RFC 9293 §3.4.2).</summary>
        public int MslMs = 30000;
        /// <summary>An orphaned FIN-WAIT-2 connection (the application has closed its handle, the peer never
        /// sends its FIN) is released after this long (Linux tcp_fin_timeout); 0 = wait forever as RFC 9293 does.
        /// With a handle still held (half-close), FIN-WAIT-2 waits forever.</summary>
        public int FinWait2TimeoutMs = 60000;
        /// <summary>Delayed ACK (RFC 1122 4.2.3.2 / RFC 9293 §3.8.6.3): at most 500 ms by RFC, ≤ 200 ms here; 0 = ACK every segment.
        /// Every second segment is ACKed at once regardless.</summary>
        public int DelayedAckMs = 100;
        /// <summary>Nagle's algorithm (RFC 9293 §3.7.4): hold small segments while data is unacknowledged.</summary>
        public bool Nagle = true;

        /// <summary>Keepalive (RFC 1122 4.2.3.6): off by default; when on, probe after this much idle time.</summary>
        public bool Keepalive = false;
        public int KeepaliveIdleMs = 7200000;
        public int KeepaliveIntervalMs = 75000;
        /// <summary>Unanswered probes before the connection is aborted (reason KeepaliveTimeout).</summary>
        public int KeepaliveProbes = 9;

        /// <summary>A segment without data that fails the acceptability test is answered with an ACK at most
        /// once per this interval (Linux tcp_invalid_ratelimit): two peers that each find the other's ACKs
        /// unacceptable would otherwise ACK each other for ever (an ACK war, RFC 5961 §7).</summary>
        public int OutOfWindowAckIntervalMs = 500;
        /// <summary>RFC 5961 §7: challenge ACKs each connection may send per second.</summary>
        public int ChallengeAckPerSecond = 10;

        /// <summary>Persist (zero-window probe) interval bounds; back-off doubles between them (RFC 9293 §3.8.6.1).</summary>
        public int PersistMinMs = 1000;
        public int PersistMaxMs = 60000;

        /// <summary>RFC 6528 secret for the ISN hash (16 bytes). Set a per-boot random value on real networks;
        /// all zero is allowed (tests, reproducible labs).</summary>
        public byte[] IsnKey = null;

        /// <summary>First ephemeral port for active opens (RFC 6335 dynamic range).</summary>
        public int EphemeralPortFirst = 49152;
    }
}
