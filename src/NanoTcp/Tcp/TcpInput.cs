using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // "Segment arrives", RFC 9293 §3.10.7: validation, demultiplexing, then the processing of the
    // state the connection is in. The steps keep the RFC's numbering (first: sequence number ...
    // eighth: FIN) so the code can be read next to the RFC.
    public sealed partial class TcpStack
    {
        /// <summary>Takes one TCP segment from the interface (see ITransportLayer.Input). Never throws.</summary>
        public DropReason Input(uint source, uint destination, byte[] buffer, int offset, int length, long nowMs)
        {
            _now = nowMs;
            TcpSegment p = _seg;
            DropReason r = p.Parse(source, destination, buffer, offset, length);
            if (r != DropReason.None)
            {
                return r;
            }
            _segmentsIn++;
            int localPort = p.DestinationPort;
            int remotePort = p.SourcePort;
            TcpConnection c = FindConnection(destination, localPort, source, remotePort);
            if (c != null && c.State == TcpState.TimeWait && p.Syn && !p.HasAck && !p.Rst
                && SeqNumber.Gt(p.Seq, c.RcvNxt) && FindListener(localPort) >= 0)
            {
                // RFC 9293 §3.10.7.4 / RFC 1122 4.2.2.13: a new SYN above the old connection's sequence
                // space may open a new incarnation from TIME-WAIT.
                EnterClosed(c, TcpCloseReason.Normal, nowMs);
                c = null;
            }
            int li = c == null ? FindListener(localPort) : -1;
            if (c != null || li < 0 || !p.Syn || p.Rst || p.HasAck)
            {
                // A SYN that opens a connection is traced in ListenArrives, once its slot (tcp#N) is known.
                TraceSegment(c == null ? -1 : c.Index, false, source, destination, buffer, offset, length, p.Options.Mss, nowMs);
            }
            if (c != null)
            {
                c.SegmentsInCount++;
                r = SegmentArrives(c, p, nowMs);
                if (c.InUse && c.State != TcpState.Closed)
                {
                    Output(c, nowMs);
                }
                return r;
            }
            if (li >= 0)
            {
                return ListenArrives(li, source, destination, p, nowMs);
            }
            // CLOSED (no connection, no listener), RFC 9293 §3.10.7.1: answer with RST, never an RST with an RST.
            if (!p.Rst)
            {
                SendResetFor(source, destination, p, nowMs);
            }
            return DropReason.TcpPortClosed;
        }

        /// <summary>RFC 9293 §3.10.7.2 LISTEN: a SYN creates a half-open connection in SYN-RECEIVED.</summary>
        private DropReason ListenArrives(int li, uint source, uint destination, TcpSegment p, long nowMs)
        {
            if (p.Rst)
            {
                return DropReason.TcpRstIgnored;
            }
            if (p.HasAck)
            {
                SendResetFor(source, destination, p, nowMs);
                return DropReason.TcpBadAck;
            }
            if (!p.Syn)
            {
                return DropReason.TcpUnexpected;
            }
            TcpListener listener = _listeners[li];
            // Backlog: half-open plus established-but-not-accepted connections of this listener.
            // SYN-flood policy: when it is full, the oldest half-open connection is evicted (never an
            // established one); when only established ones fill it, the SYN is dropped.
            int pending = 0;
            TcpConnection oldestHalfOpen = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection q = _conns[i];
                if (q.InUse && q.Listener == li && !q.Accepted && q.State != TcpState.Closed)
                {
                    pending++;
                    if (q.State == TcpState.SynReceived && (oldestHalfOpen == null || q.OpenedMs < oldestHalfOpen.OpenedMs))
                    {
                        oldestHalfOpen = q;
                    }
                }
            }
            if (pending >= _cfg.Backlog)
            {
                if (oldestHalfOpen == null)
                {
                    listener.DroppedSyns++;
                    TraceSegment(-1, false, source, destination, p.Buffer, p.HeaderOffset, p.SegmentLength, p.Options.Mss, nowMs);
                    return DropReason.TcpBacklogFull;
                }
                _halfOpenEvicted++;
                EnterClosed(oldestHalfOpen, TcpCloseReason.Evicted, nowMs);
            }
            TcpConnection c = AllocateSlot(nowMs);
            if (c == null)
            {
                // Last resort under a flood: any listener's oldest half-open connection.
                TcpConnection victim = null;
                for (int i = 0; i < _conns.Length; i++)
                {
                    TcpConnection q = _conns[i];
                    if (q.InUse && q.State == TcpState.SynReceived && q.Listener >= 0 && (victim == null || q.OpenedMs < victim.OpenedMs))
                    {
                        victim = q;
                    }
                }
                if (victim == null)
                {
                    listener.DroppedSyns++;
                    TraceSegment(-1, false, source, destination, p.Buffer, p.HeaderOffset, p.SegmentLength, p.Options.Mss, nowMs);
                    return DropReason.TcpTableFull;
                }
                _halfOpenEvicted++;
                EnterClosed(victim, TcpCloseReason.Evicted, nowMs);
                c = victim;
            }
            InitConnection(c, destination, p.DestinationPort, source, p.SourcePort, nowMs);
            c.Listener = li;
            c.State = TcpState.Listen; // for the trace: LISTEN -> SYN-RECEIVED
            c.SegmentsInCount = 1;
            c.Irs = p.Seq;
            c.RcvNxt = c.Irs + 1;
            c.RcvAdvRight = c.RcvNxt + (uint)(c.Rx.Free > 65535 ? 65535 : c.Rx.Free);
            c.SndWnd = p.Window;
            c.SndMaxWnd = p.Window;
            c.SndWl1 = c.Irs;
            c.SndWl2 = c.Iss;
            SetSendMss(c, p.Options.Mss);
            TraceSegment(c.Index, false, source, destination, p.Buffer, p.HeaderOffset, p.SegmentLength, p.Options.Mss, nowMs);
            // Data carried by the SYN is not queued (RFC 9293 allows either): it is not acknowledged
            // and the peer sends it again after the handshake.
            _passiveOpens++;
            SetState(c, TcpState.SynReceived, nowMs);
            Output(c, nowMs);
            return DropReason.None;
        }

        private DropReason SegmentArrives(TcpConnection c, TcpSegment p, long nowMs)
        {
            if (c.State == TcpState.SynSent)
            {
                return SynSentArrives(c, p, nowMs);
            }
            uint seq = p.Seq;
            uint ack = p.AckNumber;
            bool syn = p.Syn;
            bool fin = p.Fin;
            bool rst = p.Rst;
            bool hasAck = p.HasAck;
            int window = p.Window;
            int dataOffset = p.PayloadOffset;
            int dataLength = p.PayloadLength;

            if (c.State == TcpState.SynReceived && syn && !rst && seq == c.Irs)
            {
                if (!hasAck)
                {
                    // The peer repeats its SYN: our SYN-ACK was lost. Send it again.
                    c.SndNxt = c.Iss;
                    return DropReason.None;
                }
                // Simultaneous open: the peer's SYN-ACK carries the SYN we already have; keep its ACK.
                syn = false;
                seq++;
            }

            // first: sequence number (acceptability test, RFC 9293 §3.10.7.4 table)
            int rcvWnd = c.Rx.Free;
            if (rcvWnd > 65535) rcvWnd = 65535;
            int segLen = dataLength + (syn ? 1 : 0) + (fin ? 1 : 0);
            bool acceptable;
            if (segLen == 0)
            {
                // Zero-length: RCV.NXT ≤ SEG.SEQ ≤ RCV.NXT + RCV.WND. The right edge itself is accepted, as BSD
                // and Linux do (RFC 9293 says "<"): an ACK there occupies no sequence space, and a peer whose
                // SND.MAX sits exactly at our window edge must still be heard.
                acceptable = rcvWnd == 0 ? seq == c.RcvNxt : SeqNumber.Le(c.RcvNxt, seq) && SeqNumber.Le(seq, c.RcvNxt + (uint)rcvWnd);
            }
            else
            {
                acceptable = rcvWnd != 0
                    && (SeqNumber.InRange(seq, c.RcvNxt, c.RcvNxt + (uint)rcvWnd)
                        || SeqNumber.InRange(seq + (uint)segLen - 1, c.RcvNxt, c.RcvNxt + (uint)rcvWnd));
            }
            if (!acceptable)
            {
                if (rcvWnd == 0 && seq == c.RcvNxt && !syn)
                {
                    // Zero window: the text is refused but ACK and RST are still processed (RFC 9293 §3.10.7.4).
                    // A bare FIN at RCV.NXT takes no buffer space and is taken (as Linux does): the
                    // application reads EOF once it has drained the ring.
                    if (dataLength > 0)
                    {
                        fin = false;
                    }
                    dataLength = 0;
                    c.AckNow = true;
                }
                else
                {
                    if (rst)
                    {
                        return DropReason.TcpNotAcceptable; // RFC 5961 §3.2: out-of-window RST, silently
                    }
                    if (c.State == TcpState.TimeWait && fin)
                    {
                        // The peer did not get our last ACK and resent its FIN: ACK it again, restart 2MSL.
                        c.TimeWaitDeadline = nowMs + 2L * _cfg.MslMs;
                        TraceTimer(c, TcpTimerCode.TimeWaitRestart, 2L * _cfg.MslMs, nowMs);
                    }
                    if (segLen == 0)
                    {
                        // A bare ACK out of the window: answered at most every OutOfWindowAckIntervalMs.
                        if (nowMs - c.LastOutOfWindowAckMs < _cfg.OutOfWindowAckIntervalMs)
                        {
                            return DropReason.TcpNotAcceptable;
                        }
                        c.LastOutOfWindowAckMs = nowMs;
                    }
                    c.AckNow = true;
                    return DropReason.TcpNotAcceptable;
                }
            }
            c.LastReceiveMs = nowMs;
            c.KeepaliveSent = 0;

            // second: RST (RFC 5961 §3.2: only exactly RCV.NXT resets; in-window otherwise → challenge ACK)
            if (rst)
            {
                if (c.State == TcpState.TimeWait)
                {
                    return DropReason.TcpRstIgnored; // RFC 1337: TIME-WAIT assassination
                }
                if (seq != c.RcvNxt)
                {
                    SendChallengeAck(c, nowMs);
                    return DropReason.TcpChallengeAck;
                }
                if (c.State == TcpState.SynReceived)
                {
                    // Passive open: back to LISTEN (the half-open slot is released); active: refused.
                    EnterClosed(c, c.Listener >= 0 ? TcpCloseReason.Evicted : TcpCloseReason.Refused, nowMs);
                }
                else
                {
                    EnterClosed(c, TcpCloseReason.ResetByPeer, nowMs);
                }
                return DropReason.None;
            }

            // (third, security/precedence: not used)
            // Trim what lies before RCV.NXT (duplicates, overlaps) and beyond the window.
            if (SeqNumber.Lt(seq, c.RcvNxt))
            {
                int cut = SeqNumber.Diff(c.RcvNxt, seq);
                if (syn)
                {
                    cut--;
                    seq++;
                }
                if (cut > 0)
                {
                    int d = cut < dataLength ? cut : dataLength;
                    dataOffset += d;
                    dataLength -= d;
                    seq += (uint)d;
                    cut -= d;
                }
                if (cut > 0)
                {
                    fin = false;
                }
            }
            int room = rcvWnd - SeqNumber.Diff(seq, c.RcvNxt);
            if (room < 0) room = 0;
            if (dataLength > room)
            {
                dataLength = room;
                fin = false;
            }

            // fourth: SYN in a synchronized state (RFC 5961 §4: challenge ACK, whatever its sequence number)
            if (syn)
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
            if (!hasAck)
            {
                return DropReason.TcpNoAck;
            }
            if (c.State == TcpState.SynReceived)
            {
                if (SeqNumber.Lt(c.SndUna, ack) && SeqNumber.Le(ack, c.SndMax))
                {
                    c.SndWnd = window;
                    if (window > c.SndMaxWnd) c.SndMaxWnd = window;
                    c.SndWl1 = seq;
                    c.SndWl2 = ack;
                    SetState(c, TcpState.Established, nowMs);
                    AfterEstablished(c, nowMs);
                }
                else
                {
                    SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, ack, 0, TcpFlags.Rst, nowMs);
                    return DropReason.TcpBadAck;
                }
            }
            // RFC 5961 §5.2: acceptable ACKs lie in [SND.UNA − MAX.SND.WND, SND.NXT] (SND.MAX here).
            if (SeqNumber.Gt(ack, c.SndMax) || SeqNumber.Lt(ack, c.SndUna - (uint)c.SndMaxWnd))
            {
                SendChallengeAck(c, nowMs);
                return DropReason.TcpChallengeAck;
            }
            if (c.State == TcpState.TimeWait)
            {
                // Only a retransmitted FIN is expected here (handled above as not acceptable); anything else is ACKed.
                if (fin || dataLength > 0)
                {
                    c.AckNow = true;
                }
                return DropReason.None;
            }
            bool windowChanged = window != c.SndWnd;
            if (SeqNumber.Lt(c.SndUna, ack))
            {
                if (AckArrives(c, ack, nowMs))
                {
                    return DropReason.None; // LAST-ACK completed: the connection is gone
                }
            }
            else if (ack == c.SndUna && dataLength == 0 && !fin && !windowChanged && c.SndUna != c.SndMax && window != 0)
            {
                // RFC 5681 §2 duplicate ACK; the third triggers fast retransmit (§3.2). Answers to
                // zero-window probes (window 0) repeat the same ACK too, but say "full", not "lost".
                c.DupAcks++;
                if (c.DupAcks == 3 && !c.InRecovery)
                {
                    FastRetransmit(c, nowMs);
                }
            }
            // Send window update (SND.WL1/SND.WL2 guard against old segments).
            if (SeqNumber.Lt(c.SndWl1, seq) || (c.SndWl1 == seq && SeqNumber.Le(c.SndWl2, ack)))
            {
                bool wasZero = c.SndWnd == 0;
                c.SndWnd = window;
                c.SndWl1 = seq;
                c.SndWl2 = ack;
                if (window > c.SndMaxWnd) c.SndMaxWnd = window;
                if (wasZero && window > 0)
                {
                    // The window opened: leave persist mode. A probe octet the peer did not take
                    // is sent again with the data that follows it.
                    c.PersistInterval = 0;
                    c.PersistForce = false;
                    c.SndNxt = c.SndUna;
                    if (c.SndUna == c.SndMax) c.RtxDeadline = 0;
                }
            }

            // (sixth, URG: ignored)
            // seventh and eighth: text and FIN
            return TextArrives(c, seq, p.Buffer, dataOffset, dataLength, fin, nowMs);
        }

        /// <summary>RFC 9293 §3.10.7.3 SYN-SENT.</summary>
        private DropReason SynSentArrives(TcpConnection c, TcpSegment p, long nowMs)
        {
            uint seq = p.Seq;
            uint ack = p.AckNumber;
            if (p.HasAck && (SeqNumber.Le(ack, c.Iss) || SeqNumber.Gt(ack, c.SndMax)))
            {
                // An ACK for something we never sent (e.g. an old duplicate's SYN-ACK): refuse it.
                if (!p.Rst)
                {
                    SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, ack, 0, TcpFlags.Rst, nowMs);
                }
                return DropReason.TcpBadAck;
            }
            if (p.Rst)
            {
                if (p.HasAck)
                {
                    EnterClosed(c, TcpCloseReason.Refused, nowMs);
                    return DropReason.None;
                }
                return DropReason.TcpRstIgnored;
            }
            if (!p.Syn)
            {
                return DropReason.TcpUnexpected;
            }
            c.Irs = seq;
            c.RcvNxt = seq + 1;
            c.RcvAdvRight = c.RcvNxt + (uint)(c.Rx.Free > 65535 ? 65535 : c.Rx.Free);
            SetSendMss(c, p.Options.Mss);
            c.SndWl1 = seq;
            c.SndWl2 = ack;
            c.SndWnd = p.Window;
            c.SndMaxWnd = p.Window;
            c.AckNow = true;
            if (p.HasAck)
            {
                AckArrives(c, ack, nowMs);
                SetState(c, TcpState.Established, nowMs);
                AfterEstablished(c, nowMs);
                return TextArrives(c, seq + 1, p.Buffer, p.PayloadOffset, p.PayloadLength, p.Fin, nowMs);
            }
            // Simultaneous open: answer with SYN-ACK (same ISS), enter SYN-RECEIVED.
            SetState(c, TcpState.SynReceived, nowMs);
            c.SndNxt = c.Iss;
            c.RtxDeadline = 0;
            c.Retries = 0;
            return DropReason.None;
        }

        private void AfterEstablished(TcpConnection c, long nowMs)
        {
            int free = c.Rx.Free > 65535 ? 65535 : c.Rx.Free;
            c.RcvAdvRight = c.RcvNxt + (uint)free;
            c.LastReceiveMs = nowMs;
            if (c.FinQueued)
            {
                // Close was called during the handshake: the FIN goes out now (RFC 9293 §3.10.4).
                SetState(c, TcpState.FinWait1, nowMs);
            }
        }

        /// <summary>
        /// SND.UNA &lt; ack ≤ SND.MAX: frees acknowledged data, samples RTT, restarts or stops the RTO,
        /// grows the congestion window and moves the closing states on when our FIN is acknowledged.
        /// Returns true when the connection was released (LAST-ACK done).
        /// </summary>
        private bool AckArrives(TcpConnection c, uint ack, long nowMs)
        {
            int acked = SeqNumber.Diff(ack, c.SndUna);
            if (c.SndUna == c.Iss)
            {
                acked--; // our SYN
            }
            uint finSeq = c.TxStartSeq + (uint)c.Tx.Count;
            bool finAcked = c.FinQueued && SeqNumber.Gt(ack, finSeq);
            int dataAcked = acked - (finAcked ? 1 : 0);
            if (dataAcked > 0)
            {
                c.Tx.Discard(dataAcked);
                c.TxStartSeq += (uint)dataAcked;
                c.Tx.CompactIfEmpty();
            }
            c.SndUna = ack;
            if (SeqNumber.Lt(c.SndNxt, ack))
            {
                c.SndNxt = ack;
            }
            // RFC 6298 §2 with Karn's rule: the timed segment was never retransmitted (timing stops on RTO).
            if (c.RttTiming && SeqNumber.Ge(ack, c.RttSeq))
            {
                c.RttTiming = false;
                UpdateRto(c, (int)(nowMs - c.RttStartMs), nowMs);
            }
            c.Retries = 0;
            c.DupAcks = 0;
            // RFC 6582: an ACK below Recover is partial (another segment of that window was lost too).
            bool partialAck = false;
            if (c.InRecovery)
            {
                if (SeqNumber.Ge(ack, c.Recover))
                {
                    c.InRecovery = false;
                    c.Cwnd = c.Ssthresh;
                }
                else
                {
                    partialAck = true;
                }
            }
            // RFC 5681 §3.1: slow start below ssthresh, then about one MSS per RTT (not during recovery).
            if (!c.InRecovery)
            {
                if (c.Cwnd < c.Ssthresh)
                {
                    c.Cwnd += acked < c.SndMss ? acked : c.SndMss;
                }
                else
                {
                    int inc = c.SndMss * c.SndMss / (c.Cwnd > 0 ? c.Cwnd : 1);
                    c.Cwnd += inc > 0 ? inc : 1;
                }
            }
            if (c.Cwnd > 1048576) c.Cwnd = 1048576;
            // RFC 6298 5.2 / 5.3: stop the timer when all is acknowledged, else restart it.
            c.RtxDeadline = c.SndUna == c.SndMax ? 0 : nowMs + c.Rto;
            if (c.SndUna == c.SndMax)
            {
                c.PersistInterval = 0;
            }
            if (partialAck)
            {
                ResendFirstUnacked(c, nowMs);
            }
            if (finAcked)
            {
                switch (c.State)
                {
                    case TcpState.FinWait1:
                        SetState(c, TcpState.FinWait2, nowMs);
                        break;
                    case TcpState.Closing:
                        EnterTimeWait(c, nowMs);
                        break;
                    case TcpState.LastAck:
                        EnterClosed(c, TcpCloseReason.Normal, nowMs);
                        return true;
                }
            }
            return false;
        }

        /// <summary>RFC 6298 §2: SRTT/RTTVAR from one sample (K = 4, G = 1 ms), RTO clamped to [min, max].</summary>
        private void UpdateRto(TcpConnection c, int sampleMs, long nowMs)
        {
            if (sampleMs < 1) sampleMs = 1;
            if (c.SrttX8 == 0)
            {
                c.SrttX8 = sampleMs << 3;          // SRTT = R
                c.RttvarX4 = sampleMs << 1;        // RTTVAR = R/2 (scaled ×4)
            }
            else
            {
                int delta = sampleMs - (c.SrttX8 >> 3);
                c.SrttX8 += delta;                 // SRTT += (R − SRTT)/8
                if (delta < 0) delta = -delta;
                c.RttvarX4 += delta - (c.RttvarX4 >> 2); // RTTVAR += (|R − SRTT| − RTTVAR)/4
            }
            int var = c.RttvarX4 > 1 ? c.RttvarX4 : 1; // max(G, 4·RTTVAR)
            c.Rto = ClampRto((c.SrttX8 >> 3) + var);
            TraceTimer(c, TcpTimerCode.RttSample, sampleMs, nowMs);
        }

        /// <summary>Seventh and eighth steps: segment text into the receive ring, then FIN.</summary>
        private DropReason TextArrives(TcpConnection c, uint seq, byte[] b, int dataOffset, int dataLength, bool fin, long nowMs)
        {
            DropReason result = DropReason.None;
            bool finFromRange = false;
            TcpState s = c.State;
            bool takesText = s == TcpState.Established || s == TcpState.FinWait1 || s == TcpState.FinWait2;
            if (dataLength > 0 && takesText && c.Orphaned)
            {
                // Nobody will read it (RFC 1122 4.2.2.13): reset.
                SendResetOf(c, nowMs);
                EnterClosed(c, TcpCloseReason.Aborted, nowMs);
                return DropReason.None;
            }
            if (dataLength > 0 && takesText)
            {
                int rel = SeqNumber.Diff(seq, c.RcvNxt);
                if (rel == 0)
                {
                    if (!c.OooValid)
                    {
                        c.Rx.CompactIfEmpty();
                    }
                    c.Rx.WriteAt(c.Rx.Count, b, dataOffset, dataLength);
                    c.Rx.Commit(dataLength);
                    c.RcvNxt += (uint)dataLength;
                    c.BytesInCount += dataLength;
                    if (c.OooValid && SeqNumber.Le(c.OooStart, c.RcvNxt))
                    {
                        // The hole is filled: the stored out-of-order range becomes readable.
                        if (SeqNumber.Gt(c.OooEnd, c.RcvNxt))
                        {
                            int more = SeqNumber.Diff(c.OooEnd, c.RcvNxt);
                            c.Rx.Commit(more);
                            c.RcvNxt = c.OooEnd;
                            c.BytesInCount += more;
                        }
                        // A FIN that followed the range is in order now.
                        finFromRange = c.OooFin && c.RcvNxt == c.OooEnd;
                        c.OooValid = false;
                        c.OooFin = false;
                        c.AckNow = true;
                    }
                    // Delayed ACK (RFC 9293 §3.8.6.3): every second segment at once, else after the delay.
                    c.SegmentsSinceAck++;
                    if (_cfg.DelayedAckMs <= 0 || c.SegmentsSinceAck >= 2)
                    {
                        c.AckNow = true;
                    }
                    else if (c.DelayedAckDeadline == 0)
                    {
                        c.DelayedAckDeadline = nowMs + _cfg.DelayedAckMs;
                    }
                }
                else
                {
                    // Out of order: keep one range past the readable bytes; ACK at once (the duplicate ACK
                    // drives the sender's fast retransmit). A FIN right after the range is remembered.
                    c.OutOfOrderCount++;
                    c.AckNow = true;
                    uint end = seq + (uint)dataLength;
                    if (!c.OooValid || (SeqNumber.Le(seq, c.OooEnd) && SeqNumber.Ge(end, c.OooStart)))
                    {
                        c.Rx.WriteAt(c.Rx.Count + rel, b, dataOffset, dataLength);
                        if (!c.OooValid)
                        {
                            c.OooStart = seq;
                            c.OooEnd = end;
                            c.OooValid = true;
                            c.OooFin = false;
                        }
                        else
                        {
                            c.OooStart = SeqNumber.Min(c.OooStart, seq);
                            if (SeqNumber.Gt(end, c.OooEnd))
                            {
                                c.OooEnd = end;
                                c.OooFin = false; // data beyond a FIN: that FIN was not the last word
                            }
                        }
                        if (fin && end == c.OooEnd)
                        {
                            c.OooFin = true;
                        }
                    }
                    else
                    {
                        result = DropReason.TcpOutOfOrderDropped;
                    }
                    fin = false;
                }
            }
            else if (dataLength == 0 && fin && takesText && c.OooValid && seq == c.OooEnd)
            {
                // A bare FIN right after the out-of-order range.
                c.OooFin = true;
                c.AckNow = true;
                fin = false;
            }
            if ((finFromRange || (fin && seq + (uint)dataLength == c.RcvNxt)) && (takesText || s == TcpState.SynReceived))
            {
                c.RcvNxt++;
                c.FinReceived = true;
                c.AckNow = true;
                switch (s)
                {
                    case TcpState.SynReceived:
                    case TcpState.Established:
                        SetState(c, TcpState.CloseWait, nowMs);
                        break;
                    case TcpState.FinWait1:
                        SetState(c, TcpState.Closing, nowMs); // simultaneous close: our FIN is not yet ACKed
                        break;
                    case TcpState.FinWait2:
                        EnterTimeWait(c, nowMs);
                        break;
                }
            }
            return result;
        }
    }
}
