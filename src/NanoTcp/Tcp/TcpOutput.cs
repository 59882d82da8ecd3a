using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Segment output (lwIP tcp_out): what to send now, and building the segment in the interface's
    // transmit buffer. Payload is copied once, from the send ring straight into the frame.
    public sealed partial class TcpStack
    {
        /// <summary>Sends what the connection's state, windows, Nagle and SWS rules allow, then any ACK owed.</summary>
        private void Output(TcpConnection c, long nowMs)
        {
            switch (c.State)
            {
                case TcpState.Closed:
                case TcpState.Listen:
                    return;
                case TcpState.SynSent:
                    if (c.SndNxt == c.Iss)
                    {
                        SendSyn(c, TcpFlags.Syn, nowMs);
                    }
                    return;
                case TcpState.SynReceived:
                    if (c.SndNxt == c.Iss)
                    {
                        SendSyn(c, TcpFlags.Syn | TcpFlags.Ack, nowMs);
                    }
                    else if (c.AckNow)
                    {
                        SendAck(c, nowMs);
                    }
                    return;
                case TcpState.TimeWait:
                    if (c.AckNow)
                    {
                        SendAck(c, nowMs);
                    }
                    return;
            }

            bool sent = false;
            int pending = 0;
            bool finToSend = false;
            for (int guard = 0; guard < 256; guard++)
            {
                int offset = SeqNumber.Diff(c.SndNxt, c.TxStartSeq);
                pending = c.Tx.Count - offset;
                if (pending < 0) pending = 0;
                uint finSeq = c.TxStartSeq + (uint)c.Tx.Count;
                finToSend = c.FinQueued && SeqNumber.Le(c.SndNxt, finSeq);
                // Usable window: the peer's offer and the congestion window, less what is in flight.
                // RFC 3042 limited transmit: each of the first two duplicate ACKs lets one more new
                // segment out, so a small window still brings the three duplicates fast retransmit needs.
                int cwnd = c.Cwnd;
                if (!c.InRecovery && c.DupAcks > 0 && c.DupAcks < 3)
                {
                    cwnd += c.DupAcks * c.SndMss;
                }
                int wnd = c.SndWnd < cwnd ? c.SndWnd : cwnd;
                int usable = wnd - SeqNumber.Diff(c.SndNxt, c.SndUna);
                if (usable < 0) usable = 0;
                if (c.PersistForce && usable == 0)
                {
                    usable = 1; // RFC 9293 §3.8.6.1: a zero-window probe carries one octet
                }
                int len = pending < c.SndMss ? pending : c.SndMss;
                if (len > usable) len = usable;
                // Going back after an RTO resends what was sent, up to SND.MAX; data queued since goes
                // in its own segment, counted and timed as new (capture tools take bytes past SND.MAX in
                // a retransmission for an ACK of an unseen segment). Except a one-octet window probe
                // the peer did not take: once the window opens it leads the next full segment.
                int resend = SeqNumber.Diff(c.SndMax, c.SndNxt);
                if (resend > 1 && len > resend)
                {
                    len = resend;
                }
                // The FIN takes a sequence number: it must fit in the window too (as in Linux); into a
                // closed window it goes as the persist probe.
                bool fin = finToSend && len == pending && (len < usable || c.PersistForce);
                bool go;
                if (len > 0)
                {
                    bool retransmission = SeqNumber.Lt(c.SndNxt, c.SndMax);
                    bool nothingUnacked = c.SndUna == c.SndMax;
                    go = len == c.SndMss                                   // a full segment
                        || fin || c.PersistForce || retransmission
                        || (len == pending && (!_cfg.Nagle || nothingUnacked)) // Nagle (RFC 9293 §3.7.4)
                        || (c.SndMaxWnd > 0 && len >= c.SndMaxWnd / 2);       // sender SWS (§3.8.6.2.1)
                }
                else
                {
                    go = fin;
                }
                if (!go)
                {
                    break;
                }
                int flags = TcpFlags.Ack;
                if (fin) flags |= TcpFlags.Fin;
                if (len > 0 && len == pending) flags |= TcpFlags.Psh;
                bool isRetransmission = SeqNumber.Lt(c.SndNxt, c.SndMax);
                SendSegment(c, flags, c.SndNxt, offset, len, nowMs);
                if (isRetransmission)
                {
                    c.RetransmitCount++;
                }
                else
                {
                    c.BytesOutCount += len;
                    if (!c.RttTiming)
                    {
                        c.RttTiming = true;
                        c.RttSeq = c.SndNxt + (uint)len + (fin ? 1u : 0u);
                        c.RttStartMs = nowMs;
                    }
                }
                c.SndNxt += (uint)len + (fin ? 1u : 0u);
                if (SeqNumber.Gt(c.SndNxt, c.SndMax))
                {
                    c.SndMax = c.SndNxt;
                }
                if (c.RtxDeadline == 0)
                {
                    c.RtxDeadline = nowMs + c.Rto; // RFC 6298 5.1
                }
                c.PersistForce = false;
                sent = true;
                if (fin || len == 0)
                {
                    break;
                }
            }
            if (!sent && c.AckNow)
            {
                SendAck(c, nowMs);
            }
            // Persist (RFC 9293 §3.8.6.1): data waits, nothing is in flight, so nothing will bring an ACK:
            // the window is zero (probe) or too small for SWS avoidance (override timeout).
            if (!sent && c.RtxDeadline == 0 && (pending > 0 || finToSend) && c.SndUna == c.SndMax)
            {
                if (c.PersistInterval == 0)
                {
                    c.PersistInterval = c.Rto < _cfg.PersistMinMs ? _cfg.PersistMinMs : c.Rto;
                    if (c.PersistInterval > _cfg.PersistMaxMs) c.PersistInterval = _cfg.PersistMaxMs;
                }
                c.RtxDeadline = nowMs + c.PersistInterval;
            }
        }

        private void SendSyn(TcpConnection c, int flags, long nowMs)
        {
            if (c.Retries > 0)
            {
                c.RetransmitCount++;
            }
            else
            {
                c.RttTiming = true;
                c.RttSeq = c.Iss + 1;
                c.RttStartMs = nowMs;
            }
            SendSegment(c, flags, c.Iss, 0, 0, nowMs);
            c.SndNxt = c.Iss + 1;
            if (SeqNumber.Gt(c.SndNxt, c.SndMax))
            {
                c.SndMax = c.SndNxt;
            }
            if (c.RtxDeadline == 0)
            {
                c.RtxDeadline = nowMs + c.Rto;
            }
        }

        /// <summary>
        /// A pure ACK &lt;SEQ=SND.MAX&gt;&lt;ACK=RCV.NXT&gt; with the current window. SND.MAX, not SND.NXT:
        /// while we go back to retransmit, SND.NXT lies behind what the peer has received, and an
        /// ACK carrying it would fail the peer's acceptability test and be ignored (BSD does the same).
        /// Capped at the right edge of the peer's window, SND.UNA + SND.WND (Linux tcp_acceptable_seq),
        /// so it never lies beyond what the peer will accept.
        /// </summary>
        private void SendAck(TcpConnection c, long nowMs)
        {
            SendSegment(c, TcpFlags.Ack, AckSequence(c), 0, 0, nowMs);
        }

        private static uint AckSequence(TcpConnection c)
        {
            if (!IsSynchronized(c.State))
            {
                return c.SndMax;
            }
            // Only for an open window: behind a zero window SND.MAX may hold a probe octet or a FIN the
            // peer has taken, and an ACK one below its RCV.NXT would be refused (two such peers ACK each other for ever).
            uint edge = c.SndUna + (uint)c.SndWnd;
            return c.SndWnd > 0 && SeqNumber.Lt(edge, c.SndMax) ? edge : c.SndMax;
        }

        /// <summary>RFC 5961 §7: challenge ACKs are rate-limited per connection (not globally: a global
        /// counter is an off-path side channel, CVE-2016-5696).</summary>
        private void SendChallengeAck(TcpConnection c, long nowMs)
        {
            if (nowMs - c.ChallengeWindowStartMs >= 1000)
            {
                c.ChallengeWindowStartMs = nowMs;
                c.ChallengeCount = 0;
            }
            if (c.ChallengeCount >= _cfg.ChallengeAckPerSecond)
            {
                return;
            }
            c.ChallengeCount++;
            c.ChallengeAckCount++;
            SendAck(c, nowMs);
        }

        /// <summary>RFC 5681 §3.2: resend the first unacknowledged segment, halve the congestion window.</summary>
        private void FastRetransmit(TcpConnection c, long nowMs)
        {
            int inFlight = SeqNumber.Diff(c.SndMax, c.SndUna);
            int half = inFlight / 2;
            c.Ssthresh = half > 2 * c.SndMss ? half : 2 * c.SndMss;
            c.Cwnd = c.Ssthresh;
            c.RttTiming = false; // Karn
            c.FastRetransmitCount++;
            c.InRecovery = true;
            c.Recover = c.SndMax;
            TraceTimer(c, TcpTimerCode.FastRetransmit, c.SndUna, nowMs);
            ResendFirstUnacked(c, nowMs);
        }

        /// <summary>
        /// Sends the first unacknowledged segment again (fast retransmit, and each partial ACK in
        /// fast recovery, RFC 6582 §3.2 step 5: the next hole is resent at once instead of waiting
        /// for the RTO, which several losses in one window would otherwise cost).
        /// </summary>
        private void ResendFirstUnacked(TcpConnection c, long nowMs)
        {
            // Only what was sent before (up to SND.MAX): new data would overrun the peer's window.
            int offset = SeqNumber.Diff(c.SndUna, c.TxStartSeq);
            uint finSeq = c.TxStartSeq + (uint)c.Tx.Count;
            bool finSent = c.FinQueued && SeqNumber.Lt(finSeq, c.SndMax);
            int sentData = SeqNumber.Diff(c.SndMax, c.SndUna) - (finSent ? 1 : 0);
            int len = sentData < c.SndMss ? sentData : c.SndMss;
            if (len < 0) len = 0;
            bool fin = finSent && len == sentData;
            if (len == 0 && !fin)
            {
                return;
            }
            c.RetransmitCount++;
            SendSegment(c, TcpFlags.Ack | (fin ? TcpFlags.Fin : 0), c.SndUna, offset, len, nowMs);
            c.RtxDeadline = nowMs + c.Rto;
        }

        /// <summary>Builds one segment in the interface's transmit buffer and sends it.</summary>
        private void SendSegment(TcpConnection c, int flags, uint seq, int txOffset, int length, long nowMs)
        {
            byte[] b = _out.TxBuffer;
            int o = _out.TransportOffset;
            bool syn = (flags & TcpFlags.Syn) != 0;
            int optionsLength = syn ? 4 : 0;
            int window = AdvertisedWindow(c, syn);
            uint ackNumber = (flags & TcpFlags.Ack) != 0 ? c.RcvNxt : 0;
            TcpPacket.WriteHeader(b, o, c.LocalPort, c.RemotePort, seq, ackNumber, flags, window, optionsLength);
            if (syn)
            {
                TcpOptions.WriteMss(b, o + TcpPacket.HeaderLength, _ourMss);
            }
            int headerLength = TcpPacket.HeaderLength + optionsLength;
            if (length > 0)
            {
                c.Tx.Peek(txOffset, b, o + headerLength, length);
            }
            int segmentLength = headerLength + length;
            TcpPacket.WriteChecksum(b, o, segmentLength, c.LocalIp, c.RemoteIp);
            TraceSegment(c.Index, true, c.LocalIp, c.RemoteIp, b, o, segmentLength, syn ? _ourMss : 0, nowMs);
            c.SegmentsOutCount++;
            _segmentsOut++;
            if ((flags & TcpFlags.Ack) != 0)
            {
                c.AckNow = false;
                c.DelayedAckDeadline = 0;
                c.SegmentsSinceAck = 0;
            }
            if ((flags & TcpFlags.Rst) != 0)
            {
                _resetsSent++;
            }
            _out.SendIpv4(c.RemoteIp, IpProtocol.Tcp, segmentLength, nowMs);
        }

        /// <summary>
        /// The window to advertise: free receive space, but the right edge only moves when it can
        /// move by min(half the buffer, one MSS) — receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2).
        /// It never moves left (no window shrinking).
        /// </summary>
        private int AdvertisedWindow(TcpConnection c, bool syn)
        {
            int free = c.Rx.Free;
            if (free > 65535) free = 65535;
            if (syn || c.State == TcpState.SynSent)
            {
                return free;
            }
            uint right = c.RcvNxt + (uint)free;
            if (SeqNumber.Diff(right, c.RcvAdvRight) >= WindowUpdateThreshold(c) || free == c.Rx.Capacity)
            {
                c.RcvAdvRight = right;
            }
            int window = SeqNumber.Diff(c.RcvAdvRight, c.RcvNxt);
            if (window < 0) window = 0;
            if (window > free) window = free;
            return window;
        }

        private int WindowUpdateThreshold(TcpConnection c)
        {
            int half = c.Rx.Capacity / 2;
            return half < _ourMss ? half : _ourMss;
        }

        /// <summary>RST for a connection we abort: &lt;SEQ=SND.MAX&gt; (SND.NXT unless going back)&lt;CTL=RST&gt; (RFC 9293 §3.10.5).</summary>
        private void SendResetOf(TcpConnection c, long nowMs)
        {
            SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, c.SndMax, 0, TcpFlags.Rst, nowMs);
            c.SegmentsOutCount++;
        }

        /// <summary>
        /// RST in reply to a segment that has no connection (RFC 9293 §3.10.7.1): &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;
        /// when it carried an ACK, else &lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;.
        /// </summary>
        private void SendResetFor(uint source, uint destination, TcpSegment p, long nowMs)
        {
            if (p.HasAck)
            {
                SendReset(destination, source, p.DestinationPort, p.SourcePort, p.AckNumber, 0, TcpFlags.Rst, nowMs);
            }
            else
            {
                SendReset(destination, source, p.DestinationPort, p.SourcePort, 0,
                    p.Seq + (uint)p.SequenceLength, TcpFlags.Rst | TcpFlags.Ack, nowMs);
            }
        }

        private void SendReset(uint localIp, uint remoteIp, int localPort, int remotePort, uint seq, uint ack, int flags, long nowMs)
        {
            if (localIp == 0 || remoteIp == 0)
            {
                return;
            }
            byte[] b = _out.TxBuffer;
            int o = _out.TransportOffset;
            TcpPacket.WriteHeader(b, o, localPort, remotePort, seq, ack, flags, 0, 0);
            TcpPacket.WriteChecksum(b, o, TcpPacket.HeaderLength, localIp, remoteIp);
            TcpConnection c = FindConnection(localIp, localPort, remoteIp, remotePort);
            TraceSegment(c == null ? -1 : c.Index, true, localIp, remoteIp, b, o, TcpPacket.HeaderLength, 0, nowMs);
            _segmentsOut++;
            _resetsSent++;
            _out.SendIpv4(remoteIp, IpProtocol.Tcp, TcpPacket.HeaderLength, nowMs);
        }
    }
}
