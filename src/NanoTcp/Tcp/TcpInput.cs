using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // "Segment arrives", RFC 9293 §3.10.7: the segment is parsed once (Wire/TcpSegment), matched to a
    // connection or listener, then processed in the steps of the state it finds. The steps keep the
    // RFC's numbering (first: sequence number ... eighth: FIN) so the code reads next to the RFC; the
    // first step is TcpSegmentTrim.cs, the fifth TcpAckProcessing.cs, the seventh and eighth TcpReceive.cs.
    public sealed partial class TcpStack
    {
        /// <summary>
        /// Takes one TCP segment from the interface (see ITransportLayer.Input). Never throws. Answers that
        /// need no connection (RST for a closed port, a SYN cookie, a challenge ACK) leave at once; the rest
        /// at the next <see cref="Poll"/>.
        /// </summary>
        public DropReason Input(uint source, uint destination, byte[] buffer, int offset, int length, long nowMs)
        {
            _now = nowMs;
            TcpSegment s = _seg;
            DropReason r = s.Parse(source, destination, buffer, offset, length);
            if (r != DropReason.None)
            {
                return r;
            }
            _segmentsIn++;
            if (!Ipv4Address.IsValidSource(source))
            {
                return DropReason.Ipv4BadSource; // the interface drops these too; never answer or open for them
            }
            TcpConnection c = FindConnection(destination, s.DestinationPort, source, s.SourcePort);
            if (c != null && c.State == TcpState.TimeWait && s.Syn && !s.HasAck && !s.Rst
                && SeqNumber.Gt(s.Seq, c.RcvNxt) && FindListener(s.DestinationPort) >= 0)
            {
                // RFC 9293 §3.10.7.4 / RFC 1122 4.2.2.13: a new SYN above the old connection's sequence
                // space may open a new incarnation from TIME-WAIT.
                EnterClosed(c, TcpCloseReason.Normal, nowMs);
                c = null;
            }
            if (c == null)
            {
                int li = FindListener(s.DestinationPort);
                if (li >= 0 && s.Syn && !s.Rst && !s.HasAck)
                {
                    return ListenArrives(li, s, nowMs); // traced there, once its slot (tcp#N) is known
                }
                if (li >= 0 && _cfg.SynCookies && s.HasAck && !s.Syn && !s.Rst)
                {
                    int mss = CheckSynCookie(s, nowMs);
                    if (mss > 0)
                    {
                        return CookieArrives(li, s, mss, nowMs);
                    }
                }
                TraceSegmentIn(-1, s, nowMs);
                if (li >= 0)
                {
                    return ListenOther(s, nowMs);
                }
                // CLOSED (no connection, no listener), RFC 9293 §3.10.7.1: RST, never in reply to an RST.
                if (!s.Rst)
                {
                    SendResetFor(s, nowMs);
                }
                return DropReason.TcpPortClosed;
            }
            if (_tracer.Active >= TraceLevel.Segments)
            {
                TraceSegmentIn(c.Index, s, nowMs); // tested in place: once per segment (the interpreter's call cost)
            }
            c.SegmentsInCount++;
            // What this segment calls for (an ACK, data the window now allows) goes out at the next Poll,
            // which the owner runs after its applications in the same turn: an ACK then carries the
            // window the application has opened meanwhile, and a reply rides on it.
            return c.State == TcpState.SynSent ? SynSentArrives(c, s, nowMs) : SegmentArrives(c, s, nowMs);
        }

        /// <summary>RFC 9293 §3.10.7.2, LISTEN, anything but a plain SYN: an RST is ignored, an ACK is reset.</summary>
        private DropReason ListenOther(TcpSegment s, long nowMs)
        {
            if (s.Rst)
            {
                return DropReason.TcpRstIgnored;
            }
            if (s.HasAck)
            {
                SendResetFor(s, nowMs);
                return DropReason.TcpBadAck;
            }
            return DropReason.TcpUnexpected;
        }

        /// <summary>
        /// RFC 9293 §3.10.7.2 LISTEN: a SYN creates a half-open connection in SYN-RECEIVED — when the
        /// listener's backlog has room and a slot is free. Otherwise it is answered with a SYN cookie
        /// (TcpSynCookies.cs), which holds nothing; with cookies off, the oldest half-open connection is
        /// evicted instead. Established connections are never evicted for a SYN; when they alone fill
        /// the backlog, the SYN is dropped (the client retries once the application accepts).
        /// </summary>
        private DropReason ListenArrives(int li, TcpSegment s, long nowMs)
        {
            TcpListener listener = _listeners[li];
            int pending = 0;
            TcpConnection oldestHalfOpen = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection q = _conns[i];
                if (q.Owner == TcpOwner.Listener && q.Listener == li && q.State != TcpState.Closed)
                {
                    pending++;
                    if (q.State == TcpState.SynReceived && (oldestHalfOpen == null || q.OpenedMs < oldestHalfOpen.OpenedMs))
                    {
                        oldestHalfOpen = q;
                    }
                }
            }
            TcpConnection c = null;
            if (pending >= _cfg.Backlog)
            {
                if (oldestHalfOpen == null)
                {
                    listener.DroppedSyns++;
                    TraceSegmentIn(-1, s, nowMs);
                    return DropReason.TcpBacklogFull;
                }
                if (!_cfg.SynCookies)
                {
                    _halfOpenEvicted++;
                    EnterClosed(oldestHalfOpen, TcpCloseReason.Evicted, nowMs);
                    c = AllocateSlot(nowMs);
                }
            }
            else
            {
                c = _cfg.SynCookies ? AllocateSlot(nowMs) : SlotForPassiveOpen(nowMs, true);
            }
            if (c == null)
            {
                TraceSegmentIn(-1, s, nowMs);
                // A cookie only where its ACK could be given a slot: the backlog is full of half-open
                // connections, or some half-open or idle connection would give way to a proven client.
                // A table of busy connections drops the SYN instead (the client retries, no false hope).
                if (_cfg.SynCookies && (pending >= _cfg.Backlog || RoomForProvenClient(nowMs)))
                {
                    SendSynCookie(listener, s, nowMs);
                    return DropReason.None;
                }
                listener.DroppedSyns++;
                return DropReason.TcpTableFull;
            }
            InitConnection(c, TcpOwner.Listener, s.DestinationIp, s.DestinationPort, s.SourceIp, s.SourcePort, nowMs);
            c.Listener = li;
            c.SegmentsInCount = 1;
            c.Irs = s.Seq;
            c.RcvNxt = c.Irs + 1;
            c.RcvAdvRight = c.RcvNxt + (uint)ReceiveWindowNow(c);
            c.SndWnd = s.Window;
            c.SndMaxWnd = s.Window;
            c.SndWl1 = c.Irs;
            c.SndWl2 = c.Iss;
            SetSendMss(c, s.Options.Mss);
            c.SackOk = _cfg.Sack && s.Options.SackPermitted; // echoed in our SYN-ACK
            TraceSegmentIn(c.Index, s, nowMs);
            // Data carried by the SYN is not queued (RFC 9293 allows either): it is not acknowledged
            // and the peer sends it again after the handshake.
            _passiveOpens++;
            c.State = TcpState.SynReceived;
            c.StateSinceMs = nowMs;
            TraceState(c, TcpState.Listen, TcpState.SynReceived, nowMs); // the listener's LISTEN gave birth to it
            return DropReason.None; // the SYN-ACK goes out at the next Poll
        }

        /// <summary>RFC 9293 §3.10.7.3 SYN-SENT.</summary>
        private DropReason SynSentArrives(TcpConnection c, TcpSegment s, long nowMs)
        {
            uint ack = s.AckNumber;
            if (s.HasAck && (SeqNumber.Le(ack, c.Iss) || SeqNumber.Gt(ack, c.SndNxt)))
            {
                // An ACK for something we never sent (e.g. an old duplicate's SYN-ACK): refuse it.
                if (!s.Rst)
                {
                    SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, ack, 0, TcpFlags.Rst, nowMs);
                }
                return DropReason.TcpBadAck;
            }
            if (s.Rst)
            {
                if (s.HasAck)
                {
                    EnterClosed(c, TcpCloseReason.Refused, nowMs);
                    return DropReason.None;
                }
                return DropReason.TcpRstIgnored;
            }
            if (!s.Syn)
            {
                return DropReason.TcpUnexpected;
            }
            c.Irs = s.Seq;
            c.RcvNxt = s.Seq + 1;
            SetSendMss(c, s.Options.Mss);
            c.SackOk = _cfg.Sack && s.Options.SackPermitted; // our SYN offered it when Sack is on
            c.SndWl1 = s.Seq;
            c.SndWl2 = ack;
            c.SndWnd = s.Window;
            c.SndMaxWnd = s.Window;
            c.AckNow = true;
            // The SYN is consumed; what remains is text and perhaps a FIN, judged like any other segment.
            s.Flags &= ~TcpFlags.Syn;
            s.Seq++;
            if (!s.HasAck)
            {
                // Simultaneous open: answer with SYN-ACK (our own ISS again), enter SYN-RECEIVED.
                SetState(c, TcpState.SynReceived, nowMs);
                c.RcvAdvRight = c.RcvNxt + (uint)ReceiveWindowNow(c);
                SendSyn(c, TcpFlags.Syn | TcpFlags.Ack, SynAnswer, nowMs);
                return DropReason.None;
            }
            NewAck(c, ack, nowMs);
            SetState(c, TcpState.Established, nowMs);
            AfterEstablished(c, nowMs);
            if (!TrimToWindow(c, s))
            {
                return DropReason.TcpNotAcceptable;
            }
            return TextArrives(c, s, nowMs);
        }

        /// <summary>RFC 9293 §3.10.7.4: every state from SYN-RECEIVED on.</summary>
        private DropReason SegmentArrives(TcpConnection c, TcpSegment s, long nowMs)
        {
            if (c.State == TcpState.SynReceived && s.Syn && !s.Rst && s.Seq == c.Irs)
            {
                if (!s.HasAck)
                {
                    // The peer repeats its SYN: our SYN-ACK was lost. Send it again (a retransmission: not timed),
                    // and restart the timer so its own expiry does not send a second copy right behind it.
                    ResendSyn(c, nowMs);
                    c.Rtx.Start(nowMs, c.Rtt.RtoMs);
                    return DropReason.None;
                }
                // Simultaneous open: the peer's SYN-ACK carries the SYN we already have; keep its ACK.
                s.Flags &= ~TcpFlags.Syn;
                s.Seq++;
            }

            // first: sequence number (acceptability, and the segment trimmed to the window)
            if (!TrimToWindow(c, s))
            {
                return Unacceptable(c, s, nowMs);
            }
            c.LastReceiveMs = nowMs;
            if (_keepalive)
            {
                RestartKeepalive(c, nowMs);
            }
            // The flags as trimmed, tested in place below rather than through TcpSegment's properties
            // (once per segment: the interpreter's call cost).
            int flags = s.Flags;

            // second: RST (RFC 5961 §3.2: only exactly RCV.NXT resets; in-window otherwise → challenge ACK)
            if ((flags & TcpFlags.Rst) != 0)
            {
                if (c.State == TcpState.TimeWait)
                {
                    return DropReason.TcpRstIgnored; // RFC 1337: TIME-WAIT assassination
                }
                if (s.Seq != c.RcvNxt)
                {
                    SendChallengeAck(c, nowMs);
                    return DropReason.TcpChallengeAck;
                }
                // Passive open: back to LISTEN (the half-open slot is released); otherwise reset by the peer.
                EnterClosed(c, c.State == TcpState.SynReceived && c.Listener >= 0 ? TcpCloseReason.Evicted : TcpCloseReason.ResetByPeer, nowMs);
                return DropReason.None;
            }

            // (third, security/precedence: not used)
            // fourth: SYN in a synchronized state (RFC 5961 §4: challenge ACK, whatever its sequence number)
            if ((flags & TcpFlags.Syn) != 0)
            {
                if (c.State == TcpState.SynReceived && c.Listener >= 0)
                {
                    EnterClosed(c, TcpCloseReason.Evicted, nowMs); // RFC 9293: back to LISTEN
                    return DropReason.TcpUnexpected;
                }
                SendChallengeAck(c, nowMs);
                return DropReason.TcpChallengeAck;
            }

            // fifth: ACK
            if ((flags & TcpFlags.Ack) == 0)
            {
                return DropReason.TcpNoAck;
            }
            uint ack = s.AckNumber;
            if (c.State == TcpState.SynReceived)
            {
                if (!SeqNumber.Lt(c.SndUna, ack) || !SeqNumber.Le(ack, c.SndNxt))
                {
                    SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, ack, 0, TcpFlags.Rst, nowMs);
                    return DropReason.TcpBadAck;
                }
                c.SndWnd = s.Window;
                if (s.Window > c.SndMaxWnd) c.SndMaxWnd = s.Window;
                c.SndWl1 = s.Seq;
                c.SndWl2 = ack;
                SetState(c, TcpState.Established, nowMs);
                AfterEstablished(c, nowMs);
            }
            // RFC 5961 §5.2: acceptable ACKs lie in [SND.UNA − MAX.SND.WND, SND.NXT].
            if (SeqNumber.Gt(ack, c.SndNxt) || SeqNumber.Lt(ack, c.SndUna - (uint)c.SndMaxWnd))
            {
                SendChallengeAck(c, nowMs);
                return DropReason.TcpChallengeAck;
            }
            if (c.State == TcpState.TimeWait)
            {
                // Only a retransmitted FIN is expected here (handled as not acceptable); anything else is ACKed.
                if (s.Fin || s.PayloadLength > 0)
                {
                    c.AckNow = true;
                }
                return DropReason.None;
            }
            if (ProcessAck(c, s, nowMs))
            {
                return DropReason.None; // LAST-ACK completed: the connection is gone
            }

            // (sixth, URG: ignored)
            // seventh and eighth: text and FIN
            return TextArrives(c, s, nowMs);
        }

        /// <summary>
        /// A segment that failed the acceptability test (RFC 9293 §3.10.7.4): answered with an ACK unless it
        /// is an RST. In TIME-WAIT only the peer's retransmitted FIN (ending at RCV.NXT) restarts 2MSL;
        /// anything else there goes through the challenge-ACK limit. A bare ACK is answered at most once
        /// per OutOfWindowAckIntervalMs (ACK war, RFC 5961 §7).
        /// </summary>
        private DropReason Unacceptable(TcpConnection c, TcpSegment s, long nowMs)
        {
            if (s.Rst)
            {
                return DropReason.TcpNotAcceptable; // RFC 5961 §3.2: out-of-window RST, silently
            }
            if (c.State == TcpState.TimeWait)
            {
                if (s.Fin && s.Seq + (uint)s.SequenceLength == c.RcvNxt)
                {
                    // The peer did not get our last ACK and resent its FIN: ACK it again, restart 2MSL.
                    c.TimeWait.Start(nowMs, 2L * _mslMs);
                    TraceTimer(c, TcpTimerCode.TimeWaitRestart, 2L * _mslMs, nowMs);
                    c.AckNow = true;
                }
                else
                {
                    SendChallengeAck(c, nowMs);
                }
                return DropReason.TcpNotAcceptable;
            }
            if (s.SequenceLength == 0)
            {
                if (nowMs - c.LastOutOfWindowAckMs < _cfg.OutOfWindowAckIntervalMs)
                {
                    return DropReason.TcpNotAcceptable;
                }
                c.LastOutOfWindowAckMs = nowMs;
            }
            c.AckNow = true;
            return DropReason.TcpNotAcceptable;
        }

        private void AfterEstablished(TcpConnection c, long nowMs)
        {
            c.RcvAdvRight = c.RcvNxt + (uint)ReceiveWindowNow(c);
            c.LastReceiveMs = nowMs;
            c.LastDataMs = nowMs;
            if (c.HandshakeTimedOut)
            {
                c.Rtt.RestartAfterHandshakeTimeout(_rtoMin, _rtoMax); // RFC 6298 5.7
            }
            if (_keepalive)
            {
                RestartKeepalive(c, nowMs);
            }
            if (c.FinQueued)
            {
                // Close was called during the handshake: the FIN goes out now (RFC 9293 §3.10.4).
                SetState(c, TcpState.FinWait1, nowMs);
            }
        }
    }
}
