using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // SYN cookies (RFC 4987 §3.6): when a listener's backlog is full, or no slot is free, a SYN is
    // answered without keeping anything: our initial sequence number carries the state.
    //   bits 31..27  t, the time in 64-second units (mod 32): a cookie lives one to two units
    //   bits 26..24  the peer's MSS, as an index into CookieMss (the largest entry not above it)
    //   bits 23..0   SipHash-2-4 (the ISN key) of both addresses and ports, the peer's ISN and t
    // The ACK that completes the handshake (ACK = cookie + 1) proves the peer saw our SYN-ACK: it
    // creates the connection directly in ESTABLISHED, in the listener's backlog like any other. Window
    // scale, SACK and timestamps are declined anyway, so only the MSS needs to travel in the cookie.
    public sealed partial class TcpStack
    {
        private static readonly int[] CookieMss = { 536, 1024, 1220, 1360, 1400, 1440, 1452, 1460 };
        /// <summary>Cookie time unit: 2^16 ms, about 65 s.</summary>
        private const int CookieTimeShift = 16;

        private int _synCookiesSent;
        private int _synCookiesAccepted;

        /// <summary>SYN-ACKs sent as cookies (nothing kept for them).</summary>
        public int SynCookiesSent { get { return _synCookiesSent; } }
        /// <summary>Connections created by the ACK of a cookie.</summary>
        public int SynCookiesAccepted { get { return _synCookiesAccepted; } }

        /// <summary>Answers the SYN with a SYN-ACK whose sequence number is a cookie; keeps nothing.</summary>
        private void SendSynCookie(TcpListener listener, TcpSegment s, long nowMs)
        {
            int mssIndex = 0;
            int peerMss = s.Options.Mss > 0 ? s.Options.Mss : 536;
            while (mssIndex + 1 < CookieMss.Length && CookieMss[mssIndex + 1] <= peerMss && CookieMss[mssIndex + 1] <= _mtuMss)
            {
                mssIndex++;
            }
            uint t = (uint)(nowMs >> CookieTimeShift) & 0x1F;
            uint cookie = (t << 27) | ((uint)mssIndex << 24) | CookieHash(s, s.Seq, t);
            listener.SynCookies++;
            _synCookiesSent++;
            // Our window: a full ring (the connection does not exist yet).
            byte[] b = _out.TxBuffer;
            int o = _out.TransportOffset;
            int window = _cfg.ReceiveBufferSize > 65535 ? 65535 : _cfg.ReceiveBufferSize;
            TcpPacket.WriteHeader(b, o, s.DestinationPort, s.SourcePort, cookie, s.Seq + 1, TcpFlags.Syn | TcpFlags.Ack, window, 4);
            TcpOptions.WriteMss(b, o + TcpPacket.HeaderLength, _ourMss);
            TcpPacket.WriteChecksum(b, o, TcpPacket.HeaderLength + 4, s.DestinationIp, s.SourceIp);
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceSegmentOut(-1, s.DestinationIp, s.SourceIp, b, o, TcpPacket.HeaderLength + 4, _ourMss, nowMs);
            }
            _segmentsOut++;
            _out.SendIpv4(s.SourceIp, IpProtocol.Tcp, TcpPacket.HeaderLength + 4, nowMs);
        }

        /// <summary>
        /// The ACK (no SYN, no RST) that may complete a cookie handshake: ACK − 1 must be a cookie of this
        /// 4-tuple and the peer's ISN (SEQ − 1), made in this time unit or the one before. Returns the MSS
        /// it carries, or -1 when it is not ours.
        /// </summary>
        private int CheckSynCookie(TcpSegment s, long nowMs)
        {
            uint cookie = s.AckNumber - 1;
            uint t = cookie >> 27;
            uint now = (uint)(nowMs >> CookieTimeShift) & 0x1F;
            if (t != now && t != ((now - 1) & 0x1F))
            {
                return -1;
            }
            if ((cookie & 0xFFFFFF) != CookieHash(s, s.Seq - 1, t))
            {
                return -1;
            }
            return CookieMss[(cookie >> 24) & 7];
        }

        private uint CookieHash(TcpSegment s, uint peerIsn, uint t)
        {
            ulong m0 = ((ulong)s.DestinationIp << 32) | s.SourceIp;
            ulong m1 = ((ulong)(uint)s.DestinationPort << 48) | ((ulong)(uint)s.SourcePort << 32) | peerIsn;
            return (uint)_isn.SipHash24(m0 ^ ((ulong)t << 59), m1) & 0xFFFFFF;
        }

        /// <summary>
        /// A valid cookie's ACK: the connection is created in ESTABLISHED and queued for Accept, then the
        /// segment (which may carry data) is processed like any other. Dropped when the listener's queue
        /// of established connections is full or no slot can be had.
        /// </summary>
        private DropReason CookieArrives(int li, TcpSegment s, int mss, long nowMs)
        {
            int waiting = 0;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection q = _conns[i];
                if (q.Owner == TcpOwner.Listener && q.Listener == li && q.State != TcpState.Closed && q.State != TcpState.SynReceived)
                {
                    waiting++;
                }
            }
            if (waiting >= _cfg.Backlog)
            {
                _listeners[li].DroppedSyns++;
                return DropReason.TcpBacklogFull; // the peer resends (its data, or its ACK with data)
            }
            TcpConnection c = SlotForPassiveOpen(nowMs, true);
            if (c == null)
            {
                _listeners[li].DroppedSyns++;
                return DropReason.TcpTableFull;
            }
            InitConnection(c, TcpOwner.Listener, s.DestinationIp, s.DestinationPort, s.SourceIp, s.SourcePort, nowMs);
            c.Listener = li;
            c.FromCookie = true;
            c.Iss = s.AckNumber - 1;
            c.SndUna = s.AckNumber;
            c.SndNxt = s.AckNumber;
            c.TxStartSeq = s.AckNumber;
            c.RtxNext = s.AckNumber;
            c.Cc.Reset(c.Iss);
            c.Irs = s.Seq - 1;
            c.RcvNxt = s.Seq;
            c.SndWnd = s.Window;
            c.SndMaxWnd = s.Window;
            c.SndWl1 = s.Seq;
            c.SndWl2 = s.AckNumber;
            SetSendMss(c, mss);
            _synCookiesAccepted++;
            _passiveOpens++;
            c.SegmentsInCount = 1;
            TraceSegmentIn(c.Index, s, nowMs);
            TraceTimer(c, TcpTimerCode.SynCookie, mss, nowMs);
            c.State = TcpState.Established;
            c.StateSinceMs = nowMs;
            TraceState(c, TcpState.Listen, TcpState.Established, nowMs);
            AfterEstablished(c, nowMs);
            return SegmentArrives(c, s, nowMs);
        }
    }
}
