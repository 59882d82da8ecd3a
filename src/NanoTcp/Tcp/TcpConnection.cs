using NanoTcp.Storage;

namespace NanoTcp.Tcp
{
    /// <summary>Who holds a connection slot. One value instead of a set of flags that could disagree.</summary>
    public enum TcpOwner
    {
        /// <summary>The slot is unused.</summary>
        Free = 0,
        /// <summary>Created by a listener (passive open) and not yet accepted: half-open or in the backlog.</summary>
        Listener = 1,
        /// <summary>The application holds the handle (Connect or Accept, until Close or Abort).</summary>
        Application = 2,
        /// <summary>The application closed its handle; the stack finishes the close on its own (an orphan).
        /// Data that arrives now can never be read: it is answered with RST (RFC 1122 4.2.2.13).</summary>
        Stack = 3,
    }

    /// <summary>
    /// One connection slot: the Transmission Control Block of RFC 9293 §3.3.1, its two rings and
    /// its pieces — the out-of-order ranges (<see cref="ReceiveAssembler"/>), the RTO estimator (<see cref="RttEstimator"/>), congestion control
    /// (<see cref="CongestionControl"/>) and one <see cref="TcpTimer"/> per timer. Allocated once by
    /// <see cref="TcpStack"/> and reused by every connection that occupies the slot; the slot number
    /// is the connection's handle and its tcp#N in traces. Fields are internal (the stack's files
    /// share them); applications read the properties.
    /// </summary>
    public sealed class TcpConnection
    {
        internal readonly int Index;
        internal readonly RingBuffer Tx;
        internal readonly RingBuffer Rx;
        internal readonly RttEstimator Rtt = new RttEstimator();
        internal readonly CongestionControl Cc = new CongestionControl();

        // --- timers (TcpTimers.cs runs them) ---
        /// <summary>Retransmission (RFC 6298): runs while data, SYN or FIN is unacknowledged.</summary>
        internal readonly TcpTimer Rtx = new TcpTimer();
        /// <summary>Persist (RFC 9293 §3.8.6.1): runs while data waits for a zero or too-small window.</summary>
        internal readonly TcpTimer Persist = new TcpTimer();
        internal readonly TcpTimer DelayedAck = new TcpTimer();
        internal readonly TcpTimer Keepalive = new TcpTimer();
        /// <summary>2MSL in TIME-WAIT.</summary>
        internal readonly TcpTimer TimeWait = new TcpTimer();
        /// <summary>Release of an orphaned FIN-WAIT-2 connection.</summary>
        internal readonly TcpTimer FinWait2 = new TcpTimer();

        // --- slot lifecycle ---
        internal TcpOwner Owner;
        /// <summary>Listener that created it (passive open), or -1 (active open).</summary>
        internal int Listener;
        internal long OpenedMs;
        internal long StateSinceMs;
        internal TcpState State;
        internal TcpCloseReason CloseReason;
        /// <summary>Last ICMP error about this connection (type·256 + code), 0 = none (RFC 1122 4.2.3.9 soft errors).</summary>
        internal int SoftError;

        // --- addresses ---
        internal uint LocalIp;
        internal uint RemoteIp;
        internal int LocalPort;
        internal int RemotePort;

        // --- send sequence space (RFC 9293 §3.3.1). SND.NXT never moves back: retransmission has its own pointer. ---
        internal uint Iss;
        internal uint SndUna;
        internal uint SndNxt;
        internal int SndWnd;
        internal uint SndWl1;
        internal uint SndWl2;
        /// <summary>Largest window the peer has offered (RFC 9293 §3.8.6.2.1 SWS, RFC 5961 MAX.SND.WND).</summary>
        internal int SndMaxWnd;
        /// <summary>
        /// SND.SML: the end of the last segment shorter than the MSS that was sent (Minshall's Nagle,
        /// draft-minshall-nagle): a small segment waits only while an earlier small one is unacknowledged.
        /// </summary>
        internal uint SndSml;
        /// <summary>Effective send MSS: the peer's MSS option (536 when absent) capped by our MTU and the path MTU.</summary>
        internal int SndMss;
        /// <summary>Sequence number of the first byte in Tx (ISS + 1, then advanced as data is acknowledged).</summary>
        internal uint TxStartSeq;
        /// <summary>The application has shut down its side: a FIN follows the last byte of Tx.</summary>
        internal bool FinQueued;
        /// <summary>Go-back-N after an RTO (or a refused probe octet): [RtxNext, SND.NXT) is resent before new data.</summary>
        internal bool GoBack;
        internal uint RtxNext;
        /// <summary>
        /// End of the highest octet ever resent (or SND.UNA, when higher): an ACK above it acknowledges
        /// data sent once, which ends the RTO back-off (RFC 8961 §4).
        /// </summary>
        internal uint RtxHigh;
        /// <summary>The SYN or SYN-ACK was retransmitted after a timeout (RFC 6298 5.7).</summary>
        internal bool HandshakeTimedOut;
        /// <summary>Consecutive retransmission timeouts without progress.</summary>
        internal int Retries;
        /// <summary>Zero-window probes sent without an ACK in return (RFC 1122 4.2.2.17), and all probes of this episode.</summary>
        internal int ProbesUnanswered;
        internal int ProbesSent;
        internal int PersistIntervalMs;
        /// <summary>Bytes sent under limited transmit since the last new ACK (excluded from FlightSize, RFC 5681 §3.2).</summary>
        internal int LimitedTransmitBytes;
        /// <summary>
        /// Highest right edge of the peer's SACK blocks for our data (RFC 6675 §2 "un-SACKed octets"),
        /// kept at SND.UNA or above: a block reaching past it reports new data. One number instead of
        /// a scoreboard.
        /// </summary>
        internal uint HighSacked;

        // --- receive sequence space ---
        internal uint Irs;
        internal uint RcvNxt;
        /// <summary>Right edge of the window we last advertised (RCV.NXT + RCV.WND); never moved left.</summary>
        internal uint RcvAdvRight;
        internal bool FinReceived;
        /// <summary>The out-of-order ranges held in Rx past the readable bytes.</summary>
        internal readonly ReceiveAssembler Ooo;
        /// <summary>A FIN seen beyond RCV.NXT (after a hole): taken once the data before it has arrived.</summary>
        internal bool FinPending;
        internal uint FinSeq;
        /// <summary>Both sides offered SACK-permitted (RFC 2018): our ACKs may carry SACK blocks.</summary>
        internal bool SackOk;
        /// <summary>First sequence number of the latest out-of-order segment kept: its range is the first SACK block.</summary>
        internal uint LatestOooSeq;

        // --- ACK generation ---
        internal bool AckNow;
        internal int SegmentsSinceAck;

        // --- keepalive, idleness ---
        internal long LastReceiveMs;
        /// <summary>When payload last moved either way (or the connection was established): idle reclaim.</summary>
        internal long LastDataMs;
        internal int KeepaliveSent;

        // --- RFC 5961 §7 rate limit ---
        internal long ChallengeWindowStartMs;
        internal int ChallengeCount;
        /// <summary>When the last ACK for an unacceptable zero-length segment went out (ACK-war limit).</summary>
        internal long LastOutOfWindowAckMs;

        // --- counters (public through properties) ---
        internal int SegmentsInCount;
        /// <summary>Created by a SYN cookie's ACK (RFC 4987): no SYN-RECEIVED state was ever held.</summary>
        internal bool FromCookie;
        internal int SegmentsOutCount;
        internal long BytesInCount;
        internal long BytesOutCount;
        internal int RetransmitCount;
        internal int FastRetransmitCount;
        internal int OutOfOrderCount;
        internal int ChallengeAckCount;
        internal int ZeroWindowProbeCount;
        internal int KeepaliveProbeCount;

        internal TcpConnection(int index, int sendBufferSize, int receiveBufferSize, int outOfOrderRanges)
        {
            Index = index;
            Tx = new RingBuffer(sendBufferSize);
            Rx = new RingBuffer(receiveBufferSize);
            Ooo = new ReceiveAssembler(outOfOrderRanges);
            Listener = -1;
        }

        public int Number { get { return Index; } }
        public TcpState CurrentState { get { return State; } }
        public TcpCloseReason Reason { get { return CloseReason; } }
        public TcpOwner SlotOwner { get { return Owner; } }
        /// <summary>Last ICMP error reported for this connection (type·256 + code), 0 = none.</summary>
        public int LastIcmpError { get { return SoftError; } }
        public uint LocalAddress { get { return LocalIp; } }
        public uint RemoteAddress { get { return RemoteIp; } }
        public int LocalPortNumber { get { return LocalPort; } }
        public int RemotePortNumber { get { return RemotePort; } }
        public bool IsInUse { get { return Owner != TcpOwner.Free; } }
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
        public int RtoMs { get { return Rtt.RtoMs; } }
        /// <summary>Smoothed RTT, ms (0 before the first sample).</summary>
        public int SrttMs { get { return Rtt.SrttMs; } }
        public int SendMss { get { return SndMss; } }
        /// <summary>ISS, SND.UNA, SND.NXT, RCV.NXT (RFC 9293 §3.3.1) for tests and status pages.</summary>
        public uint InitialSendSequence { get { return Iss; } }
        public uint SendUnacknowledged { get { return SndUna; } }
        public uint SendNext { get { return SndNxt; } }
        /// <summary>Highest sequence number sent + 1: SND.NXT itself, which never moves back here.</summary>
        public uint SendMaximum { get { return SndNxt; } }
        public uint ReceiveNext { get { return RcvNxt; } }
        /// <summary>The window we last advertised.</summary>
        public int ReceiveWindow { get { return (int)(RcvAdvRight - RcvNxt); } }
        public int SendWindow { get { return SndWnd; } }
        public int CongestionWindow { get { return Cc.Cwnd; } }
        public int SlowStartThreshold { get { return Cc.Ssthresh; } }
        public bool InFastRecovery { get { return Cc.InRecovery; } }
        public int ReceiveQueued { get { return Rx.Count; } }
        public int SendQueued { get { return Tx.Count; } }
        /// <summary>When payload last moved either way (or the connection was established).</summary>
        public long LastDataAtMs { get { return LastDataMs; } }
        /// <summary>Unanswered zero-window probes of the current persist episode.</summary>
        public int UnansweredProbes { get { return ProbesUnanswered; } }
        /// <summary>The timers, for status pages and tests.</summary>
        public TcpTimer RetransmitTimer { get { return Rtx; } }
        public TcpTimer PersistTimer { get { return Persist; } }
        public TcpTimer DelayedAckTimer { get { return DelayedAck; } }
        public TcpTimer KeepaliveTimer { get { return Keepalive; } }
        public TcpTimer TimeWaitTimer { get { return TimeWait; } }
        public TcpTimer FinWait2Timer { get { return FinWait2; } }

        /// <summary>Sequence number of our FIN (meaningful once FinQueued).</summary>
        internal uint FinSeqOut { get { return TxStartSeq + (uint)Tx.Count; } }

        /// <summary>Our FIN has been sent (SND.NXT is past it).</summary>
        internal bool FinSent { get { return FinQueued && SeqNumber.Gt(SndNxt, TxStartSeq + (uint)Tx.Count); } }

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

        internal void StopTimers()
        {
            Rtx.Stop();
            Persist.Stop();
            DelayedAck.Stop();
            Keepalive.Stop();
            TimeWait.Stop();
            FinWait2.Stop();
        }
    }

    /// <summary>A listening port (the LISTEN state of RFC 9293 is a listener, not a connection slot).</summary>
    public sealed class TcpListener
    {
        internal int Port;
        internal bool Active;
        internal int DroppedSyns;
        internal int SynCookies;

        public int PortNumber { get { return Port; } }
        /// <summary>SYNs answered with a cookie (backlog full or no free slot).</summary>
        public int SynCookiesSent { get { return SynCookies; } }
        public bool IsActive { get { return Active; } }
        /// <summary>SYNs refused because the backlog held only established, unaccepted connections, or the table was full.</summary>
        public int SynsDropped { get { return DroppedSyns; } }
    }
}
