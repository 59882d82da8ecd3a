using NanoTcp.Storage;

namespace NanoTcp.Tcp
{
    /// <summary>
    /// One connection slot: the Transmission Control Block of RFC 9293 §3.3.1 plus its two rings,
    /// timers and counters. Allocated once by <see cref="TcpStack"/>; reused for every connection
    /// that occupies the slot. The slot number is the connection's handle and its tcp#N in traces.
    /// Fields are internal (the stack's files share them); the application reads the properties.
    /// </summary>
    public sealed class TcpConnection
    {
        internal readonly int Index;
        internal readonly RingBuffer Tx;
        internal readonly RingBuffer Rx;

        // --- slot ownership ---
        internal bool InUse;
        /// <summary>Handle held by the application (Connect/Accept until Close/Abort).</summary>
        internal bool AppOwned;
        /// <summary>Listener that created it (passive open), or -1 (active open).</summary>
        internal int Listener;
        internal bool Accepted;
        /// <summary>The application called Close: data arriving now can never be read (RFC 1122 4.2.2.13: RST).</summary>
        internal bool Orphaned;
        internal long OpenedMs;
        internal long StateSinceMs;

        internal TcpState State;
        internal TcpCloseReason CloseReason;

        // --- addresses ---
        internal uint LocalIp;
        internal uint RemoteIp;
        internal int LocalPort;
        internal int RemotePort;

        // --- send sequence space (RFC 9293 §3.3.1) ---
        internal uint Iss;
        internal uint SndUna;
        internal uint SndNxt;
        /// <summary>Highest sequence number sent + 1 (BSD snd_max): SND.NXT rewinds on RTO, this does not.</summary>
        internal uint SndMax;
        internal int SndWnd;
        internal uint SndWl1;
        internal uint SndWl2;
        /// <summary>Largest window the peer has offered (RFC 9293 §3.8.6.2.1 SWS, RFC 5961 MAX.SND.WND).</summary>
        internal int SndMaxWnd;
        /// <summary>Effective send MSS: the peer's MSS option (536 when absent) capped by our MTU.</summary>
        internal int SndMss;
        /// <summary>Sequence number of the first byte in Tx (ISS + 1, then advanced as data is acknowledged).</summary>
        internal uint TxStartSeq;
        /// <summary>The application has shut down its side: a FIN follows the last byte of Tx.</summary>
        internal bool FinQueued;

        // --- congestion window (RFC 5681, simplified: slow start, congestion avoidance, RTO collapse) ---
        internal int Cwnd;
        internal int Ssthresh;

        // --- receive sequence space ---
        internal uint Irs;
        internal uint RcvNxt;
        /// <summary>Right edge of the window we last advertised (RCV.NXT + RCV.WND); never moved left.</summary>
        internal uint RcvAdvRight;
        internal bool FinReceived;
        /// <summary>One out-of-order range [OooStart, OooEnd) held in Rx past the readable bytes.</summary>
        internal bool OooValid;
        internal uint OooStart;
        internal uint OooEnd;
        /// <summary>The peer's FIN came right after the out-of-order range: taken when the hole is filled.</summary>
        internal bool OooFin;

        // --- RTO (RFC 6298), kept scaled like BSD: SrttX8 = 8·SRTT, RttvarX4 = 4·RTTVAR ---
        internal int SrttX8;
        internal int RttvarX4;
        internal int Rto;
        internal bool RttTiming;
        internal uint RttSeq;
        internal long RttStartMs;
        internal int Retries;
        /// <summary>Retransmission or persist deadline; 0 = stopped.</summary>
        internal long RtxDeadline;
        internal int PersistInterval;
        internal bool PersistForce;
        internal int DupAcks;
        /// <summary>RFC 6582 fast recovery: on from a fast retransmit until SND.MAX at that moment (Recover) is acknowledged.</summary>
        internal bool InRecovery;
        internal uint Recover;

        // --- ACK generation ---
        internal bool AckNow;
        internal long DelayedAckDeadline;
        internal int SegmentsSinceAck;

        // --- keepalive, TIME-WAIT ---
        internal long LastReceiveMs;
        internal int KeepaliveSent;
        internal long TimeWaitDeadline;

        // --- RFC 5961 §7 rate limit ---
        internal long ChallengeWindowStartMs;
        internal int ChallengeCount;
        /// <summary>When the last ACK for an unacceptable zero-length segment went out (ACK-war limit).</summary>
        internal long LastOutOfWindowAckMs;

        // --- counters (public through properties) ---
        internal int SegmentsInCount;
        internal int SegmentsOutCount;
        internal long BytesInCount;
        internal long BytesOutCount;
        internal int RetransmitCount;
        internal int FastRetransmitCount;
        internal int OutOfOrderCount;
        internal int ChallengeAckCount;
        internal int ZeroWindowProbeCount;
        internal int KeepaliveProbeCount;

        internal TcpConnection(int index, int sendBufferSize, int receiveBufferSize)
        {
            Index = index;
            Tx = new RingBuffer(sendBufferSize);
            Rx = new RingBuffer(receiveBufferSize);
            Listener = -1;
        }

        public int Number { get { return Index; } }
        public TcpState CurrentState { get { return State; } }
        public TcpCloseReason Reason { get { return CloseReason; } }
        public uint LocalAddress { get { return LocalIp; } }
        public uint RemoteAddress { get { return RemoteIp; } }
        public int LocalPortNumber { get { return LocalPort; } }
        public int RemotePortNumber { get { return RemotePort; } }
        public bool IsInUse { get { return InUse; } }
        public int SegmentsIn { get { return SegmentsInCount; } }
        public int SegmentsOut { get { return SegmentsOutCount; } }
        /// <summary>Payload bytes accepted in order from the peer.</summary>
        public long BytesIn { get { return BytesInCount; } }
        /// <summary>Payload bytes sent for the first time.</summary>
        public long BytesOut { get { return BytesOutCount; } }
        public int Retransmits { get { return RetransmitCount; } }
        public int FastRetransmits { get { return FastRetransmitCount; } }
        public int OutOfOrderSegments { get { return OutOfOrderCount; } }
        public int ChallengeAcks { get { return ChallengeAckCount; } }
        public int ZeroWindowProbes { get { return ZeroWindowProbeCount; } }
        public int KeepaliveProbesSent { get { return KeepaliveProbeCount; } }
        /// <summary>Current retransmission timeout, ms.</summary>
        public int RtoMs { get { return Rto; } }
        /// <summary>Smoothed RTT, ms (0 before the first sample).</summary>
        public int SrttMs { get { return SrttX8 >> 3; } }
        public int SendMss { get { return SndMss; } }
        /// <summary>ISS, SND.UNA, SND.NXT, RCV.NXT (RFC 9293 §3.3.1) for tests and status pages.</summary>
        public uint InitialSendSequence { get { return Iss; } }
        public uint SendUnacknowledged { get { return SndUna; } }
        public uint SendNext { get { return SndNxt; } }
        /// <summary>Highest sequence number sent + 1 (SND.NXT rewinds while retransmitting; this does not).</summary>
        public uint SendMaximum { get { return SndMax; } }
        public uint ReceiveNext { get { return RcvNxt; } }
        /// <summary>The window we last advertised.</summary>
        public int ReceiveWindow { get { return (int)(RcvAdvRight - RcvNxt); } }
        public int SendWindow { get { return SndWnd; } }
        public int CongestionWindow { get { return Cwnd; } }
        public int ReceiveQueued { get { return Rx.Count; } }
        public int SendQueued { get { return Tx.Count; } }

        internal void ResetCounters()
        {
            SegmentsInCount = 0;
            SegmentsOutCount = 0;
            BytesInCount = 0;
            BytesOutCount = 0;
            RetransmitCount = 0;
            FastRetransmitCount = 0;
            OutOfOrderCount = 0;
            ChallengeAckCount = 0;
            ZeroWindowProbeCount = 0;
            KeepaliveProbeCount = 0;
        }
    }

    /// <summary>A listening port (the LISTEN state of RFC 9293 is a listener, not a connection slot).</summary>
    public sealed class TcpListener
    {
        internal int Port;
        internal bool Active;
        internal int DroppedSyns;

        public int PortNumber { get { return Port; } }
        public bool IsActive { get { return Active; } }
        /// <summary>SYNs refused because the backlog held only established, unaccepted connections, or the table was full.</summary>
        public int SynsDropped { get { return DroppedSyns; } }
    }
}
