using System;

namespace NanoTcp.Tcp
{
    /// <summary>
    /// Everything the TCP layer allocates, and every timer and policy it applies, decided once
    /// at start-up. Set the properties, then hand the object to <see cref="TcpStack"/>: its
    /// constructor validates every value (<see cref="Validate"/>: an ArgumentException naming the
    /// field) and freezes the object, so a setting can never change under a running stack. The one
    /// value the console changes at run time, MSL, goes through <see cref="TcpStack.SetMsl"/>.
    /// Defaults follow the RFCs (cited) and fit a 4-connection board in about 20 KB.
    /// </summary>
    public sealed class TcpConfig
    {
        private bool _frozen;
        private int _connections = 4;
        private int _listeners = 2;
        private int _backlog = 2;
        private int _sendBufferSize = 2048;
        private int _receiveBufferSize = 2048;
        private int _mss;
        private int _outOfOrderRanges = 4;
        private int _rtoInitialMs = 1000;
        private int _rtoMinMs = 1000;
        private int _rtoMaxMs = 60000;
        private int _maxRetries = 8;
        private int _maxSynRetries = 5;
        private int _orphanRetries = 4;
        private int _mslMs = 30000;
        private int _finWait2TimeoutMs = 60000;
        private int _delayedAckMs = 100;
        private bool _nagle = true;
        private bool _keepalive;
        private int _keepaliveIdleMs = 7200000;
        private int _keepaliveIntervalMs = 75000;
        private int _keepaliveProbes = 9;
        private int _outOfWindowAckIntervalMs = 500;
        private int _challengeAckPerSecond = 10;
        private int _persistMinMs = 1000;
        private int _persistMaxMs = 60000;
        private byte[] _isnKey;
        private int _ephemeralPortFirst = 49152;
        private bool _synCookies = true;
        private bool _sack = true;
        private int _reclaimIdleMs;

        /// <summary>Connection slots (active, accepted, half-open and TIME-WAIT all share them).</summary>
        public int Connections { get { return _connections; } set { Change(); _connections = value; } }
        /// <summary>Listening ports.</summary>
        public int Listeners { get { return _listeners; } set { Change(); _listeners = value; } }
        /// <summary>Per listener: half-open (SYN-RECEIVED) plus established-not-yet-accepted connections.</summary>
        public int Backlog { get { return _backlog; } set { Change(); _backlog = value; } }
        /// <summary>Send ring per connection, bytes (holds unacknowledged and unsent data).</summary>
        public int SendBufferSize { get { return _sendBufferSize; } set { Change(); _sendBufferSize = value; } }
        /// <summary>Receive ring per connection, bytes (in-order unread data plus one out-of-order range).
        /// The advertised window is its free space, at most 65535 (no window scaling).</summary>
        public int ReceiveBufferSize { get { return _receiveBufferSize; } set { Change(); _receiveBufferSize = value; } }
        /// <summary>Separate out-of-order ranges the receiver keeps past a hole (each 8 bytes per connection);
        /// a segment that would need one more is dropped and resent by the peer.</summary>
        public int OutOfOrderRanges { get { return _outOfOrderRanges; } set { Change(); _outOfOrderRanges = value; } }
        /// <summary>MSS we advertise; 0 = from the device MTU (MaxTransportLength − 20, 1460 on Ethernet).</summary>
        public int Mss { get { return _mss; } set { Change(); _mss = value; } }
        /// <summary>RFC 6298 (2.1): initial RTO, 1 s.</summary>
        public int RtoInitialMs { get { return _rtoInitialMs; } set { Change(); _rtoInitialMs = value; } }
        /// <summary>RFC 6298 (2.4) asks for 1 s; 200 ms is Linux's choice. Configurable.</summary>
        public int RtoMinMs { get { return _rtoMinMs; } set { Change(); _rtoMinMs = value; } }
        /// <summary>RFC 6298 (2.5): an upper bound of at least 60 s.</summary>
        public int RtoMaxMs { get { return _rtoMaxMs; } set { Change(); _rtoMaxMs = value; } }
        /// <summary>Retransmissions of data or FIN, and unanswered zero-window probes, before the connection
        /// is aborted (reason TimedOut; RFC 1122 4.2.3.5 R2, 4.2.2.17).</summary>
        public int MaxRetries { get { return _maxRetries; } set { Change(); _maxRetries = value; } }
        /// <summary>Retransmissions of a SYN or SYN-ACK before giving up: 5 back-offs from 1 s give up after 63 s
        /// (RFC 1122 4.2.3.5 suggests at least 3 minutes; a lab should not wait that long — raise it if needed).</summary>
        public int MaxSynRetries { get { return _maxSynRetries; } set { Change(); _maxSynRetries = value; } }
        /// <summary>The same limits for a connection the application has closed (nobody waits for it any more;
        /// Linux tcp_orphan_retries): retransmissions and zero-window probes, answered or not.</summary>
        public int OrphanRetries { get { return _orphanRetries; } set { Change(); _orphanRetries = value; } }
        /// <summary>Maximum segment lifetime. TIME-WAIT lasts 2 × MSL = 60 s by default (RFC 9293 §3.4.2).
        /// The initial value; a running stack changes it with TcpStack.SetMsl.</summary>
        public int MslMs { get { return _mslMs; } set { Change(); _mslMs = value; } }
        /// <summary>An orphaned FIN-WAIT-2 connection (the application has closed its handle, the peer never
        /// sends its FIN) is released after this long (Linux tcp_fin_timeout); 0 = wait forever as RFC 9293 does.
        /// With a handle still held (half-close), FIN-WAIT-2 waits forever.</summary>
        public int FinWait2TimeoutMs { get { return _finWait2TimeoutMs; } set { Change(); _finWait2TimeoutMs = value; } }
        /// <summary>Delayed ACK (RFC 1122 4.2.3.2 / RFC 9293 §3.8.6.3): at most 500 ms by RFC, 100 ms here; 0 = ACK every segment.
        /// Every second full segment is ACKed at once regardless.</summary>
        public int DelayedAckMs { get { return _delayedAckMs; } set { Change(); _delayedAckMs = value; } }
        /// <summary>Nagle's algorithm (RFC 9293 §3.7.4): hold small segments while data is unacknowledged.</summary>
        public bool Nagle { get { return _nagle; } set { Change(); _nagle = value; } }
        /// <summary>Keepalive (RFC 1122 4.2.3.6): off by default; when on, probe after this much idle time.</summary>
        public bool Keepalive { get { return _keepalive; } set { Change(); _keepalive = value; } }
        public int KeepaliveIdleMs { get { return _keepaliveIdleMs; } set { Change(); _keepaliveIdleMs = value; } }
        public int KeepaliveIntervalMs { get { return _keepaliveIntervalMs; } set { Change(); _keepaliveIntervalMs = value; } }
        /// <summary>Unanswered probes before the connection is aborted (reason KeepaliveTimeout).</summary>
        public int KeepaliveProbes { get { return _keepaliveProbes; } set { Change(); _keepaliveProbes = value; } }
        /// <summary>A segment without data that fails the acceptability test is answered with an ACK at most
        /// once per this interval (Linux tcp_invalid_ratelimit): two peers that each find the other's ACKs
        /// unacceptable would otherwise ACK each other for ever (an ACK war, RFC 5961 §7).</summary>
        public int OutOfWindowAckIntervalMs { get { return _outOfWindowAckIntervalMs; } set { Change(); _outOfWindowAckIntervalMs = value; } }
        /// <summary>RFC 5961 §7: challenge ACKs each connection may send per second.</summary>
        public int ChallengeAckPerSecond { get { return _challengeAckPerSecond; } set { Change(); _challengeAckPerSecond = value; } }
        /// <summary>Persist (zero-window probe) interval bounds; back-off doubles between them (RFC 9293 §3.8.6.1).</summary>
        public int PersistMinMs { get { return _persistMinMs; } set { Change(); _persistMinMs = value; } }
        public int PersistMaxMs { get { return _persistMaxMs; } set { Change(); _persistMaxMs = value; } }
        /// <summary>RFC 6528 secret for the ISN hash (16 bytes). Set a per-boot random value on real networks;
        /// null or all zero is allowed (tests, reproducible labs).</summary>
        public byte[] IsnKey { get { return _isnKey; } set { Change(); _isnKey = value; } }
        /// <summary>First ephemeral port for active opens (RFC 6335 dynamic range).</summary>
        public int EphemeralPortFirst { get { return _ephemeralPortFirst; } set { Change(); _ephemeralPortFirst = value; } }

        /// <summary>SYN cookies (RFC 4987 §3.6): when a listener's backlog is full, or no slot is free, a SYN is
        /// answered statelessly; the ACK that completes the handshake creates the connection.</summary>
        public bool SynCookies { get { return _synCookies; } set { Change(); _synCookies = value; } }
        /// <summary>A new passive connection that finds no free slot takes the one of the least recently active
        /// passive connection that has moved no data for this long (RST to its peer); 0 = never.</summary>
        public int ReclaimIdleMs { get { return _reclaimIdleMs; } set { Change(); _reclaimIdleMs = value; } }

        /// <summary>Selective acknowledgments (RFC 2018), receiver side: SACK-permitted is offered in our SYN and
        /// echoed to a SYN that offers it; then ACKs carry up to four SACK blocks for the out-of-order data
        /// held (OutOfOrderRanges), so the peer resends only the holes. SACK blocks the peer sends are
        /// not used (our own recovery is NewReno, RFC 6582).</summary>
        public bool Sack { get { return _sack; } set { Change(); _sack = value; } }

        /// <summary>True once a TcpStack uses this object: setters then throw.</summary>
        public bool IsFrozen { get { return _frozen; } }

        /// <summary>
        /// Checks every value; throws ArgumentException naming the first field that is out of range
        /// and why. <paramref name="mtuMss"/> is the largest MSS one frame of the device carries.
        /// </summary>
        public void Validate(int mtuMss)
        {
            Range(_connections, 1, 4096, "Connections");
            Range(_listeners, 0, 4096, "Listeners");
            Range(_backlog, 1, _connections, "Backlog", "at least 1 and at most Connections");
            Range(_sendBufferSize, 1, 16 * 1048576, "SendBufferSize");
            // One full segment of the smallest MSS a peer may send without the option (RFC 9293 §3.7.1).
            Range(_receiveBufferSize, 536, 16 * 1048576, "ReceiveBufferSize", "at least one 536-byte segment");
            Range(_outOfOrderRanges, 1, 64, "OutOfOrderRanges");
            if (_mss != 0)
            {
                Range(_mss, 64, mtuMss, "Mss", "0 (from the MTU) or 64 .. " + mtuMss.ToString() + " (one frame)");
                Range(_mss, 64, _receiveBufferSize, "Mss", "not larger than ReceiveBufferSize");
            }
            Range(_rtoMinMs, 1, 3600000, "RtoMinMs");
            Range(_rtoMaxMs, _rtoMinMs, 3600000, "RtoMaxMs", "at least RtoMinMs");
            Range(_rtoInitialMs, _rtoMinMs, _rtoMaxMs, "RtoInitialMs", "between RtoMinMs and RtoMaxMs");
            Range(_maxRetries, 1, 100, "MaxRetries");
            Range(_maxSynRetries, 1, 100, "MaxSynRetries");
            Range(_orphanRetries, 1, 100, "OrphanRetries");
            Range(_mslMs, 1, 600000, "MslMs");
            Range(_finWait2TimeoutMs, 0, int.MaxValue, "FinWait2TimeoutMs");
            Range(_delayedAckMs, 0, 500, "DelayedAckMs", "0 .. 500 (RFC 1122 4.2.3.2)");
            Range(_keepaliveIdleMs, 1, int.MaxValue, "KeepaliveIdleMs");
            Range(_keepaliveIntervalMs, 1, int.MaxValue, "KeepaliveIntervalMs");
            Range(_keepaliveProbes, 1, 1000, "KeepaliveProbes");
            Range(_outOfWindowAckIntervalMs, 0, 600000, "OutOfWindowAckIntervalMs");
            Range(_challengeAckPerSecond, 0, 100000, "ChallengeAckPerSecond");
            Range(_persistMinMs, 1, 3600000, "PersistMinMs");
            Range(_persistMaxMs, _persistMinMs, 3600000, "PersistMaxMs", "at least PersistMinMs");
            if (_isnKey != null && _isnKey.Length != 16)
            {
                throw new ArgumentException("TcpConfig.IsnKey must be 16 bytes (or null)", "IsnKey");
            }
            Range(_ephemeralPortFirst, 1024, 65535, "EphemeralPortFirst");
            Range(_reclaimIdleMs, 0, int.MaxValue, "ReclaimIdleMs");
        }

        internal void Freeze()
        {
            _frozen = true;
        }

        private void Change()
        {
            if (_frozen)
            {
                throw new InvalidOperationException("TcpConfig is in use by a TcpStack and cannot change (MSL: TcpStack.SetMsl)");
            }
        }

        private static void Range(int value, int min, int max, string field)
        {
            Range(value, min, max, field, min.ToString() + " .. " + max.ToString());
        }

        private static void Range(int value, int min, int max, string field, string rule)
        {
            if (value < min || value > max)
            {
                throw new ArgumentException("TcpConfig." + field + " = " + value.ToString() + ": must be " + rule, field);
            }
        }
    }
}
