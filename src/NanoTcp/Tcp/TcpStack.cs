using NanoTcp.Iface;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    /// <summary>
    /// The TCP layer: a fixed table of connection slots and listeners, plugged into the interface
    /// as its <see cref="ITransportLayer"/> for protocol 6. One class in several files, one concern
    /// each (lwIP's tcp.c / tcp_in.c / tcp_out.c split, smoltcp's process/dispatch):
    /// <list type="bullet">
    /// <item>TcpStack.cs — construction, the table, Poll, slots and their owners, state changes</item>
    /// <item>TcpSocketApi.cs — the application's calls (listen, accept, connect, send, receive, close)</item>
    /// <item>TcpInput.cs — "segment arrives" (RFC 9293 §3.10.7): demultiplexing and each state's steps</item>
    /// <item>TcpSegmentTrim.cs — the acceptability test and trimming of a segment to the receive window</item>
    /// <item>TcpAckProcessing.cs — an acceptable ACK: SND.UNA, RTT, congestion control, the send window</item>
    /// <item>TcpReceive.cs — text and FIN into the receive ring, out-of-order data, when to ACK</item>
    /// <item>TcpOutput.cs — new data (Nagle, sender SWS, windows), SYN, FIN, ACK, RST; the advertised window</item>
    /// <item>TcpRetransmit.cs — retransmission timeout and go-back-N, fast retransmit, partial-ACK resend</item>
    /// <item>TcpPersist.cs — the persist timer: zero-window probes and the SWS override</item>
    /// <item>TcpTimers.cs — the timer runner; delayed ACK, keepalive, TIME-WAIT (2MSL), FIN-WAIT-2</item>
    /// <item>TcpIcmp.cs — ICMP errors: path MTU (RFC 1191), hard and soft errors (RFC 1122 4.2.3.9)</item>
    /// <item>TcpTrace.cs, TcpInvariants.cs — trace events; consistency checks for tests and selftest</item>
    /// </list>
    /// Pieces used by the files above: TcpConnection.cs (the TCB and its owner), TcpTimer.cs,
    /// RttEstimator.cs (RFC 6298), CongestionControl.cs (RFC 5681, 6582, 3042), TcpConfig.cs
    /// (validated, frozen), SeqNumber.cs (modulo-2^32 comparisons), TcpIsnGenerator.cs (RFC 6528),
    /// Storage/RingBuffer.cs, Wire/TcpSegment.cs (the parsed segment).
    /// Plug it in with <c>iface.AttachTransport(new TcpStack(config, iface, tracer))</c>.
    /// Nothing allocates after the constructor; nothing reads a clock (time comes in with Input and Poll).
    /// </summary>
    public sealed partial class TcpStack : ITransportLayer
    {
        // Footprint accounting in nanoFramework's terms (the larger of the two runtimes): every object
        // header and every field takes one 12-byte heap block; byte arrays are packed after a header.
        // TcpConnection: header + 64 fields = 780; RttEstimator (header + 6) + CongestionControl (header + 7)
        // + 6 timers (header + 2 each) = 84 + 96 + 216; two RingBuffers (header + 3 fields) = 96; two byte[] headers = 24;
        // ReceiveAssembler (header + 3) = 48 plus two uint arrays of OutOfOrderRanges (OutOfOrderBytesPerRange each).
        /// <summary>Per connection, besides its ring bytes and out-of-order ranges.</summary>
        public const int ConnectionObjectBytes = 1344;
        public const int OutOfOrderBytesPerRange = 8;
        /// <summary>Per listener: header + 4 fields.</summary>
        public const int ListenerObjectBytes = 60;
        /// <summary>The stack object, its tables, the parsed segment, the ISN generator and the TcpConfig object.</summary>
        public const int StackObjectBytes = 1100;

        private readonly TcpConfig _cfg;
        private readonly IIpv4Output _out;
        private readonly Tracer _tracer;
        private readonly TcpConnection[] _conns;
        private readonly TcpListener[] _listeners;
        private readonly TcpIsnGenerator _isn;
        /// <summary>The segment being processed, parsed once by Input (one object, refilled).</summary>
        private readonly TcpSegment _seg = new TcpSegment();
        private readonly int _ourMss;
        private readonly int _mtuMss;
        // Hot configuration values, copied once (the object is frozen).
        private readonly int _rtoMin;
        private readonly int _rtoMax;
        private readonly int _delayedAckMs;
        private readonly bool _nagle;
        private readonly bool _keepalive;
        private int _mslMs;
        private long _now;
        private int _nextEphemeral;
        /// <summary>The device refused a frame this turn (its queue is full): stop sending until the next Poll.</summary>
        private bool _txBlocked;

        // stack-wide counters
        private int _segmentsIn;
        private int _segmentsOut;
        private int _resetsSent;
        private int _activeOpens;
        private int _passiveOpens;
        private int _timeWaitReclaimed;
        private int _halfOpenEvicted;
        private int _idleReclaimed;
        private int _txRefused;
        private int _icmpErrorsIn;

        public TcpStack(TcpConfig config, IIpv4Output output, Tracer tracer)
        {
            _cfg = config == null ? new TcpConfig() : config;
            _out = output;
            _tracer = tracer == null ? new Tracer() : tracer;
            // RFC 9293 §3.7.1: MSS = MTU − 40 unless configured smaller.
            _mtuMss = output.MaxTransportLength - TcpPacket.HeaderLength;
            _cfg.Validate(_mtuMss);
            _cfg.Freeze();
            _ourMss = _cfg.Mss > 0 ? _cfg.Mss : _mtuMss;
            _rtoMin = _cfg.RtoMinMs;
            _rtoMax = _cfg.RtoMaxMs;
            _delayedAckMs = _cfg.DelayedAckMs;
            _nagle = _cfg.Nagle;
            _keepalive = _cfg.Keepalive;
            _mslMs = _cfg.MslMs;
            _conns = new TcpConnection[_cfg.Connections];
            for (int i = 0; i < _conns.Length; i++)
            {
                _conns[i] = new TcpConnection(i, _cfg.SendBufferSize, _cfg.ReceiveBufferSize, _cfg.OutOfOrderRanges);
            }
            _listeners = new TcpListener[_cfg.Listeners];
            for (int i = 0; i < _listeners.Length; i++)
            {
                _listeners[i] = new TcpListener();
            }
            _isn = new TcpIsnGenerator(_cfg.IsnKey);
            _nextEphemeral = _cfg.EphemeralPortFirst;
        }

        public int Protocol { get { return IpProtocol.Tcp; } }
        public TcpConfig Config { get { return _cfg; } }
        public Tracer Tracer { get { return _tracer; } }
        /// <summary>The MSS we advertise in SYN and SYN-ACK.</summary>
        public int LocalMss { get { return _ourMss; } }
        public int ConnectionSlots { get { return _conns.Length; } }
        public int ListenerSlots { get { return _listeners.Length; } }
        /// <summary>Slot i (handle i): state, addresses and counters, for status pages and tests.</summary>
        public TcpConnection ConnectionAt(int index) { return index >= 0 && index < _conns.Length ? _conns[index] : null; }
        public TcpListener ListenerAt(int index) { return index >= 0 && index < _listeners.Length ? _listeners[index] : null; }

        /// <summary>Maximum segment lifetime in use (TIME-WAIT lasts twice this).</summary>
        public int MslMs { get { return _mslMs; } }

        /// <summary>Changes MSL for TIME-WAIT periods that start from now on (the console's `msl`); 1 .. 600000 ms.</summary>
        public bool SetMsl(int ms)
        {
            if (ms < 1 || ms > 600000)
            {
                return false;
            }
            _mslMs = ms;
            return true;
        }

        public int SegmentsIn { get { return _segmentsIn; } }
        public int SegmentsOut { get { return _segmentsOut; } }
        public int ResetsSent { get { return _resetsSent; } }
        public int ActiveOpens { get { return _activeOpens; } }
        public int PassiveOpens { get { return _passiveOpens; } }
        public int TimeWaitReclaimed { get { return _timeWaitReclaimed; } }
        public int HalfOpenEvicted { get { return _halfOpenEvicted; } }
        /// <summary>Idle passive connections reset to make room for a new one (TcpConfig.ReclaimIdleMs).</summary>
        public int IdleReclaimed { get { return _idleReclaimed; } }
        /// <summary>Segments the device refused (its transmit queue was full); each is sent again later.</summary>
        public int TransmitRefused { get { return _txRefused; } }
        /// <summary>ICMP errors that matched a connection.</summary>
        public int IcmpErrorsIn { get { return _icmpErrorsIn; } }

        /// <summary>
        /// Bytes this layer allocated at start-up: rings plus an estimate of object overhead
        /// (frame buffers belong to the interface and are not counted here).
        /// </summary>
        public int StaticFootprintBytes
        {
            get
            {
                int total = StackObjectBytes + _listeners.Length * ListenerObjectBytes;
                for (int i = 0; i < _conns.Length; i++)
                {
                    total += ConnectionObjectBytes + _conns[i].Tx.Capacity + _conns[i].Rx.Capacity
                        + 24 + OutOfOrderBytesPerRange * _conns[i].Ooo.Capacity;
                }
                return total;
            }
        }

        /// <summary>Runs due timers of every connection, then sends whatever is ready (data, FIN, ACKs, window updates).</summary>
        public void Poll(long nowMs)
        {
            _now = nowMs;
            _txBlocked = false;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Free || c.State == TcpState.Closed)
                {
                    continue;
                }
                RunTimers(c, nowMs);
                if (c.State != TcpState.Closed)
                {
                    Output(c, nowMs);
                }
            }
        }

        /// <summary>
        /// Earliest time at which Poll has work: a timer, or now when something waits to be sent (an
        /// owed ACK, a window update, data the windows allow). When the device refused a frame in the
        /// last Poll (its transmit buffer busy), waiting work is retried a millisecond later rather
        /// than at once, so a main loop does not spin on a busy chip (a full frame takes 1.2 ms on
        /// 10BASE-T). -1 when nothing is scheduled. Firmware may sleep until then (or until a frame
        /// arrives); tests jump a virtual clock to it.
        /// </summary>
        public long NextTimerMs()
        {
            long next = -1;
            bool retry = false;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Free || c.State == TcpState.Closed)
                {
                    continue;
                }
                if (c.AckNow || HasSendableData(c))
                {
                    if (!_txBlocked)
                    {
                        return _now;
                    }
                    retry = true;
                }
                next = c.Rtx.Earliest(next);
                next = c.Persist.Earliest(next);
                next = c.DelayedAck.Earliest(next);
                next = c.Keepalive.Earliest(next);
                next = c.TimeWait.Earliest(next);
                next = c.FinWait2.Earliest(next);
            }
            if (retry && (next < 0 || next > _now + 1))
            {
                next = _now + 1;
            }
            return next;
        }

        // ---- slots ----

        /// <summary>
        /// A free slot; when the table is full, the oldest TIME-WAIT connection no application holds
        /// is reclaimed (lwIP's policy; RFC 9293 §3.6.1 lets a host shorten TIME-WAIT under pressure,
        /// and our ISNs keep moving forward with the clock, RFC 6528). Null when none.
        /// </summary>
        private TcpConnection AllocateSlot(long nowMs)
        {
            TcpConnection oldest = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Free)
                {
                    return c;
                }
                if (c.State == TcpState.TimeWait && c.Owner != TcpOwner.Application && (oldest == null || c.StateSinceMs < oldest.StateSinceMs))
                {
                    oldest = c;
                }
            }
            if (oldest != null)
            {
                _timeWaitReclaimed++;
                EnterClosed(oldest, TcpCloseReason.Evicted, nowMs);
                return oldest.Owner == TcpOwner.Free ? oldest : null;
            }
            return null;
        }

        /// <summary>
        /// A slot for a passive connection: a free one or the oldest TIME-WAIT (AllocateSlot); else, for a
        /// peer that has proven itself (<paramref name="proven"/>: a cookie's ACK, or cookies are off), the
        /// oldest half-open connection of any listener; else the passive connection that has moved no data
        /// for the longest, once that is at least ReclaimIdleMs (its peer gets an RST). Null when none.
        /// </summary>
        private TcpConnection SlotForPassiveOpen(long nowMs, bool proven)
        {
            TcpConnection c = AllocateSlot(nowMs);
            if (c != null || !proven)
            {
                return c;
            }
            TcpConnection victim = OldestHalfOpen();
            if (victim != null)
            {
                _halfOpenEvicted++;
                EnterClosed(victim, TcpCloseReason.Evicted, nowMs);
                return victim.Owner == TcpOwner.Free ? victim : null;
            }
            victim = MostIdlePassive(nowMs);
            if (victim == null)
            {
                return null;
            }
            _idleReclaimed++;
            TraceTimer(victim, TcpTimerCode.IdleReclaim, nowMs - victim.LastDataMs, nowMs);
            SendResetOf(victim, nowMs);
            EnterClosed(victim, TcpCloseReason.Evicted, nowMs);
            // An application still holding the handle lets go when it sees CLOSED; the next proven client gets the slot.
            return victim.Owner == TcpOwner.Free ? victim : null;
        }

        /// <summary>Whether SlotForPassiveOpen would find a slot for a proven client (no slot is free now).</summary>
        private bool RoomForProvenClient(long nowMs)
        {
            return OldestHalfOpen() != null || MostIdlePassive(nowMs) != null;
        }

        private TcpConnection OldestHalfOpen()
        {
            TcpConnection oldest = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection q = _conns[i];
                if (q.Owner == TcpOwner.Listener && q.State == TcpState.SynReceived && (oldest == null || q.OpenedMs < oldest.OpenedMs))
                {
                    oldest = q;
                }
            }
            return oldest;
        }

        /// <summary>The passive connection without data for the longest, if that is at least ReclaimIdleMs; else null.</summary>
        private TcpConnection MostIdlePassive(long nowMs)
        {
            if (_cfg.ReclaimIdleMs <= 0)
            {
                return null;
            }
            TcpConnection idle = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection q = _conns[i];
                if (q.Owner != TcpOwner.Free && q.Listener >= 0 && (q.State == TcpState.Established || q.State == TcpState.CloseWait)
                    && nowMs - q.LastDataMs >= _cfg.ReclaimIdleMs && (idle == null || q.LastDataMs < idle.LastDataMs))
                {
                    idle = q;
                }
            }
            return idle;
        }

        private void InitConnection(TcpConnection c, TcpOwner owner, uint localIp, int localPort, uint remoteIp, int remotePort, long nowMs)
        {
            c.Owner = owner;
            c.Listener = -1;
            c.OpenedMs = nowMs;
            c.StateSinceMs = nowMs;
            c.State = TcpState.Closed;
            c.CloseReason = TcpCloseReason.None;
            c.SoftError = 0;
            c.LocalIp = localIp;
            c.LocalPort = localPort;
            c.RemoteIp = remoteIp;
            c.RemotePort = remotePort;
            c.Tx.Clear();
            c.Rx.Clear();
            c.Iss = _isn.Next(localIp, localPort, remoteIp, remotePort, nowMs);
            c.SndUna = c.Iss;
            c.SndNxt = c.Iss;
            c.TxStartSeq = c.Iss + 1;
            c.SndWnd = 0;
            c.SndWl1 = 0;
            c.SndWl2 = 0;
            c.SndMaxWnd = 0;
            c.SndSml = c.Iss;
            c.SndMss = 536; // RFC 9293 §3.7.1: default when the peer sends no MSS option
            c.FinQueued = false;
            c.GoBack = false;
            c.RtxNext = c.Iss;
            c.RtxHigh = c.Iss;
            c.HandshakeTimedOut = false;
            c.Retries = 0;
            c.ProbesUnanswered = 0;
            c.ProbesSent = 0;
            c.PersistIntervalMs = 0;
            c.LimitedTransmitBytes = 0;
            c.HighSacked = c.Iss;
            c.Irs = 0;
            c.RcvNxt = 0;
            c.RcvAdvRight = 0;
            c.FinReceived = false;
            c.Ooo.Clear();
            c.SackOk = false;
            c.LatestOooSeq = 0;
            c.FinPending = false;
            c.AckNow = false;
            c.SegmentsSinceAck = 0;
            c.LastReceiveMs = nowMs;
            c.LastDataMs = nowMs;
            c.FromCookie = false;
            c.KeepaliveSent = 0;
            c.ChallengeWindowStartMs = nowMs;
            c.ChallengeCount = 0;
            c.LastOutOfWindowAckMs = nowMs - _cfg.OutOfWindowAckIntervalMs;
            c.Rtt.Reset(_cfg.RtoInitialMs);
            c.Cc.Reset(c.Iss);
            c.StopTimers();
            c.ResetCounters();
        }

        /// <summary>Applies the peer's MSS option (RFC 9293 §3.7.1 / RFC 6691), capped by what one frame carries.</summary>
        private void SetSendMss(TcpConnection c, int peerMss)
        {
            int mss = peerMss > 0 ? peerMss : 536;
            if (mss > _mtuMss) mss = _mtuMss;
            if (mss < 64) mss = 64; // hostile tiny MSS: keep segments sane
            c.SndMss = mss;
            c.Cc.SetMss(mss, true);
        }

        /// <summary>Moves the connection to <paramref name="to"/>, traced.</summary>
        private void SetState(TcpConnection c, TcpState to, long nowMs)
        {
            TcpState from = c.State;
            if (from == to)
            {
                return;
            }
            c.State = to;
            c.StateSinceMs = nowMs;
            TraceState(c, from, to, nowMs);
        }

        /// <summary>
        /// Enters CLOSED with a reason. The slot is freed unless an application still holds the handle
        /// (it reads the reason, then calls Close or Abort).
        /// </summary>
        private void EnterClosed(TcpConnection c, TcpCloseReason reason, long nowMs)
        {
            if (c.CloseReason == TcpCloseReason.None)
            {
                c.CloseReason = reason;
            }
            SetState(c, TcpState.Closed, nowMs);
            c.StopTimers();
            c.AckNow = false;
            c.GoBack = false;
            c.Tx.Clear();
            c.Ooo.Clear();
            c.FinPending = false;
            if (c.Owner != TcpOwner.Application)
            {
                FreeSlot(c);
            }
        }

        private static void FreeSlot(TcpConnection c)
        {
            c.Owner = TcpOwner.Free;
            c.Rx.Clear();
        }

        /// <summary>RFC 9293 §3.10.7.4: TIME-WAIT for 2·MSL; the timer's expiry is in TcpTimers.cs.</summary>
        private void EnterTimeWait(TcpConnection c, long nowMs)
        {
            SetState(c, TcpState.TimeWait, nowMs);
            c.StopTimers();
            c.GoBack = false;
            c.TimeWait.Start(nowMs, 2L * _mslMs);
            TraceTimer(c, TcpTimerCode.TimeWaitStart, 2L * _mslMs, nowMs);
        }

        private TcpConnection FindConnection(uint localIp, int localPort, uint remoteIp, int remotePort)
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner != TcpOwner.Free && c.State != TcpState.Closed && c.LocalPort == localPort && c.RemotePort == remotePort
                    && c.RemoteIp == remoteIp && (c.LocalIp == localIp || c.LocalIp == 0))
                {
                    return c;
                }
            }
            return null;
        }

        private int FindListener(int port)
        {
            for (int i = 0; i < _listeners.Length; i++)
            {
                if (_listeners[i].Active && _listeners[i].Port == port)
                {
                    return i;
                }
            }
            return -1;
        }

        private static bool IsSynchronized(TcpState s)
        {
            return s >= TcpState.Established;
        }

        /// <summary>
        /// The interface's address changed (a DHCP lease ended or moved, a static change): connections
        /// bound to the old address can no longer send or receive; they are closed (reason
        /// address-changed) without an RST, which could not be sent from an address we no longer own.
        /// </summary>
        public void AddressChanged(uint oldAddress, uint newAddress, long nowMs)
        {
            _now = nowMs;
            if (oldAddress == 0 || oldAddress == newAddress)
            {
                return;
            }
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner != TcpOwner.Free && c.State != TcpState.Closed && c.LocalIp == oldAddress)
                {
                    EnterClosed(c, TcpCloseReason.AddressChanged, nowMs);
                }
            }
        }
    }
}
