using NanoTcp.Iface;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    /// <summary>
    /// The TCP layer: a fixed table of connection slots and listeners, plugged into the interface
    /// as its <see cref="ITransportLayer"/> for protocol 6. One class in several files, split the
    /// way lwIP splits tcp.c / tcp_in.c / tcp_out.c:
    /// <list type="bullet">
    /// <item>TcpStack.cs — construction, the table, Poll, slot allocation, state changes</item>
    /// <item>TcpSocketApi.cs — the application's calls (listen, accept, connect, send, receive, close)</item>
    /// <item>TcpInput.cs — "segment arrives" (RFC 9293 §3.10.7): demultiplexing and the state machine</item>
    /// <item>TcpOutput.cs — segment output: data, SYN, FIN, ACK, RST, window, Nagle, SWS</item>
    /// <item>TcpTimers.cs — retransmission (RFC 6298), persist, delayed ACK, keepalive, TIME-WAIT 2MSL</item>
    /// <item>TcpTrace.cs — trace events for states, segments and timers</item>
    /// <item>TcpInvariants.cs — consistency checks for tests and the board's selftest</item>
    /// </list>
    /// Around it: TcpConnection.cs (the TCB), TcpConfig.cs, SeqNumber.cs (modulo-2^32 comparisons),
    /// Storage/RingBuffer.cs, TcpIsnGenerator.cs (RFC 6528), TcpTimerCode.cs, TcpCloseReason.cs (reasons and
    /// event bits), TcpStatusText.cs (netstat / status page lines).
    /// The interface plugs it in with <c>iface.AttachTransport(new TcpStack(config, iface, tracer))</c>.
    /// Nothing allocates after the constructor; nothing reads a clock (time comes in with Input and Poll).
    /// </summary>
    public sealed partial class TcpStack : ITransportLayer
    {
        // Footprint accounting in nanoFramework's terms (the larger of the two runtimes): every object
        // header and every field takes one 12-byte heap block; byte arrays are packed after a header.
        // TcpConnection: header + 72 fields = 876; two RingBuffers (header + 3 fields) = 96; two byte[] headers = 24.
        /// <summary>Per connection, besides its ring bytes.</summary>
        public const int ConnectionObjectBytes = 996;
        /// <summary>Per listener: header + 4 fields.</summary>
        public const int ListenerObjectBytes = 60;
        /// <summary>The stack object, its tables, the ISN generator and the TcpConfig object.</summary>
        public const int StackObjectBytes = 700;

        private readonly TcpConfig _cfg;
        private readonly IIpv4Output _out;
        private readonly Tracer _tracer;
        private readonly TcpConnection[] _conns;
        private readonly TcpListener[] _listeners;
        private readonly TcpIsnGenerator _isn;
        private readonly int _ourMss;
        private TcpOptions _opts;
        private long _now;
        private int _nextEphemeral;

        // stack-wide counters
        private int _segmentsIn;
        private int _segmentsOut;
        private int _resetsSent;
        private int _activeOpens;
        private int _passiveOpens;
        private int _timeWaitReclaimed;
        private int _halfOpenEvicted;

        public TcpStack(TcpConfig config, IIpv4Output output, Tracer tracer)
        {
            _cfg = config == null ? new TcpConfig() : config;
            _out = output;
            _tracer = tracer == null ? new Tracer() : tracer;
            _conns = new TcpConnection[_cfg.Connections];
            for (int i = 0; i < _conns.Length; i++)
            {
                _conns[i] = new TcpConnection(i, _cfg.SendBufferSize, _cfg.ReceiveBufferSize);
            }
            _listeners = new TcpListener[_cfg.Listeners];
            for (int i = 0; i < _listeners.Length; i++)
            {
                _listeners[i] = new TcpListener();
            }
            _isn = new TcpIsnGenerator(_cfg.IsnKey);
            // RFC 9293 §3.7.1: MSS = MTU − 40 unless configured smaller.
            int mtuMss = output.MaxTransportLength - TcpPacket.HeaderLength;
            _ourMss = _cfg.Mss > 0 && _cfg.Mss < mtuMss ? _cfg.Mss : mtuMss;
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

        public int SegmentsIn { get { return _segmentsIn; } }
        public int SegmentsOut { get { return _segmentsOut; } }
        public int ResetsSent { get { return _resetsSent; } }
        public int ActiveOpens { get { return _activeOpens; } }
        public int PassiveOpens { get { return _passiveOpens; } }
        public int TimeWaitReclaimed { get { return _timeWaitReclaimed; } }
        public int HalfOpenEvicted { get { return _halfOpenEvicted; } }

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
                    total += ConnectionObjectBytes + _conns[i].Tx.Capacity + _conns[i].Rx.Capacity;
                }
                return total;
            }
        }

        /// <summary>Runs due timers of every connection, then sends whatever is ready (data, FIN, ACKs, window updates).</summary>
        public void Poll(long nowMs)
        {
            _now = nowMs;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (!c.InUse)
                {
                    continue;
                }
                RunTimers(c, nowMs);
                if (c.InUse)
                {
                    Output(c, nowMs);
                }
            }
        }

        /// <summary>
        /// Earliest time at which Poll has timer work, or -1 when no timer runs. Firmware may sleep
        /// until then (or until a frame arrives); tests jump a virtual clock to it.
        /// </summary>
        public long NextTimerMs()
        {
            long next = -1;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (!c.InUse || c.State == TcpState.Closed)
                {
                    continue;
                }
                if (c.AckNow)
                {
                    return _now;
                }
                next = Earliest(next, c.State == TcpState.TimeWait ? c.TimeWaitDeadline : 0);
                next = Earliest(next, c.RtxDeadline);
                next = Earliest(next, c.DelayedAckDeadline);
                next = Earliest(next, KeepaliveDue(c));
                next = Earliest(next, FinWait2Deadline(c));
            }
            return next;
        }

        private static long Earliest(long current, long candidate)
        {
            if (candidate <= 0)
            {
                return current;
            }
            return current < 0 || candidate < current ? candidate : current;
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
                if (!c.InUse)
                {
                    return c;
                }
                if (c.State == TcpState.TimeWait && !c.AppOwned && (oldest == null || c.StateSinceMs < oldest.StateSinceMs))
                {
                    oldest = c;
                }
            }
            if (oldest != null)
            {
                _timeWaitReclaimed++;
                EnterClosed(oldest, TcpCloseReason.Evicted, nowMs);
                return oldest.InUse ? null : oldest;
            }
            return null;
        }

        private void InitConnection(TcpConnection c, uint localIp, int localPort, uint remoteIp, int remotePort, long nowMs)
        {
            c.InUse = true;
            c.AppOwned = false;
            c.Listener = -1;
            c.Accepted = false;
            c.Orphaned = false;
            c.OpenedMs = nowMs;
            c.StateSinceMs = nowMs;
            c.State = TcpState.Closed;
            c.CloseReason = TcpCloseReason.None;
            c.LocalIp = localIp;
            c.LocalPort = localPort;
            c.RemoteIp = remoteIp;
            c.RemotePort = remotePort;
            c.Tx.Clear();
            c.Rx.Clear();
            c.Iss = _isn.Next(localIp, localPort, remoteIp, remotePort, nowMs);
            c.SndUna = c.Iss;
            c.SndNxt = c.Iss;
            c.SndMax = c.Iss;
            c.TxStartSeq = c.Iss + 1;
            c.SndWnd = 0;
            c.SndWl1 = 0;
            c.SndWl2 = 0;
            c.SndMaxWnd = 0;
            c.SndMss = 536; // RFC 9293 §3.7.1: default when the peer sends no MSS option
            c.FinQueued = false;
            c.Irs = 0;
            c.RcvNxt = 0;
            c.RcvAdvRight = 0;
            c.FinReceived = false;
            c.OooValid = false;
            c.OooFin = false;
            c.SrttX8 = 0;
            c.RttvarX4 = 0;
            c.Rto = ClampRto(_cfg.RtoInitialMs);
            c.RttTiming = false;
            c.Retries = 0;
            c.RtxDeadline = 0;
            c.PersistInterval = 0;
            c.PersistForce = false;
            c.DupAcks = 0;
            c.AckNow = false;
            c.DelayedAckDeadline = 0;
            c.SegmentsSinceAck = 0;
            c.LastReceiveMs = nowMs;
            c.KeepaliveSent = 0;
            c.TimeWaitDeadline = 0;
            c.ChallengeWindowStartMs = nowMs;
            c.ChallengeCount = 0;
            c.LastOutOfWindowAckMs = nowMs - _cfg.OutOfWindowAckIntervalMs;
            c.Cwnd = 0;
            c.Ssthresh = 65535;
            c.ResetCounters();
        }

        /// <summary>Applies the peer's MSS option (RFC 9293 §3.7.1 / RFC 6691), capped by what one frame carries.</summary>
        private void SetSendMss(TcpConnection c, int peerMss)
        {
            int mss = peerMss > 0 ? peerMss : 536;
            int max = _out.MaxTransportLength - TcpPacket.HeaderLength;
            if (mss > max) mss = max;
            if (mss < 64) mss = 64; // hostile tiny MSS: keep segments sane
            c.SndMss = mss;
            // RFC 5681 §3.1 initial window (RFC 3390 form): min(4·MSS, max(2·MSS, 4380)).
            int iw = 4 * mss;
            int cap = 2 * mss > 4380 ? 2 * mss : 4380;
            c.Cwnd = iw < cap ? iw : cap;
        }

        private void SetState(TcpConnection c, TcpState to, long nowMs)
        {
            TcpState from = c.State;
            if (from == to)
            {
                return;
            }
            c.State = to;
            c.StateSinceMs = nowMs;
            if (_tracer.Wants(TraceLevel.States))
            {
                TraceEvent e = _tracer.Begin(TraceKind.TcpState, nowMs);
                e.Connection = c.Index;
                e.From = (int)from;
                e.To = (int)to;
                e.SrcIp = c.LocalIp;
                e.SrcPort = c.LocalPort;
                e.DstIp = c.RemoteIp;
                e.DstPort = c.RemotePort;
                _tracer.Emit();
            }
        }

        /// <summary>Enters CLOSED with a reason; frees the slot unless an application still holds the handle.</summary>
        private void EnterClosed(TcpConnection c, TcpCloseReason reason, long nowMs)
        {
            if (c.CloseReason == TcpCloseReason.None)
            {
                c.CloseReason = reason;
            }
            SetState(c, TcpState.Closed, nowMs);
            c.RtxDeadline = 0;
            c.DelayedAckDeadline = 0;
            c.TimeWaitDeadline = 0;
            c.AckNow = false;
            c.Tx.Clear();
            c.OooValid = false;
            c.OooFin = false;
            if (!c.AppOwned)
            {
                c.InUse = false;
                c.Rx.Clear();
            }
        }

        /// <summary>RFC 9293 §3.10.7.4: TIME-WAIT for 2·MSL; the timer is in TcpTimers.cs.</summary>
        private void EnterTimeWait(TcpConnection c, long nowMs)
        {
            SetState(c, TcpState.TimeWait, nowMs);
            c.RtxDeadline = 0;
            c.DelayedAckDeadline = 0;
            c.TimeWaitDeadline = nowMs + 2L * _cfg.MslMs;
            TraceTimer(c, TcpTimerCode.TimeWaitStart, 2L * _cfg.MslMs, nowMs);
        }

        private TcpConnection FindConnection(uint localIp, int localPort, uint remoteIp, int remotePort)
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.InUse && c.State != TcpState.Closed && c.LocalPort == localPort && c.RemotePort == remotePort
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

        private int ClampRto(int rto)
        {
            if (rto < _cfg.RtoMinMs) rto = _cfg.RtoMinMs;
            if (rto > _cfg.RtoMaxMs) rto = _cfg.RtoMaxMs;
            return rto;
        }

        private static bool IsSynchronized(TcpState s)
        {
            return s >= TcpState.Established;
        }
    }
}
