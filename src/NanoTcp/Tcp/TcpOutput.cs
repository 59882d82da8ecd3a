using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Segment output (lwIP tcp_out): what to send now, and building a segment in the interface's
    // transmit buffer. New data always leaves from SND.NXT, which never moves back; resending what
    // was lost is TcpRetransmit.cs, probing a closed window TcpPersist.cs. Payload is copied once,
    // from the send ring straight into the frame.
    public sealed partial class TcpStack
    {
        /// <summary>Sends what the connection's state, windows, Nagle and SWS rules allow, then any ACK owed.</summary>
        private void Output(TcpConnection c, long nowMs)
        {
            if (_txBlocked)
            {
                return;
            }
            switch (c.State)
            {
                case TcpState.Closed:
                case TcpState.Listen:
                    return;
                case TcpState.SynSent:
                    if (c.SndNxt == c.Iss)
                    {
                        SendSyn(c, TcpFlags.Syn, SynFirst, nowMs);
                    }
                    return;
                case TcpState.SynReceived:
                    if (c.SndNxt == c.Iss)
                    {
                        SendSyn(c, TcpFlags.Syn | TcpFlags.Ack, SynFirst, nowMs);
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
            if (c.GoBack)
            {
                sent = ResendLost(c, nowMs);
            }
            if (!c.GoBack && SendNewData(c, nowMs))
            {
                sent = true;
            }
            if (!sent && c.AckNow && !_txBlocked)
            {
                SendAck(c, nowMs);
            }
            ArmPersist(c, nowMs);
        }

        /// <summary>Data bytes in the send ring not yet sent.</summary>
        private static int Unsent(TcpConnection c)
        {
            int n = SeqNumber.Diff(c.TxStartSeq + (uint)c.Tx.Count, c.SndNxt);
            return n > 0 ? n : 0;
        }

        /// <summary>
        /// True when Output would send new data now (for NextTimerMs): data or a FIN waits and the
        /// windows allow a segment that Nagle and sender SWS avoidance would let go.
        /// </summary>
        private bool HasSendableData(TcpConnection c)
        {
            if (!IsSynchronized(c.State) || c.State == TcpState.TimeWait || c.GoBack)
            {
                return c.GoBack;
            }
            int unsent = Unsent(c);
            bool fin = c.FinQueued && !c.FinSent;
            if (unsent == 0 && !fin)
            {
                return false;
            }
            int usable = UsableWindow(c);
            if (usable <= 0)
            {
                return false;
            }
            return unsent >= c.SndMss && usable >= c.SndMss || fin && unsent < usable
                || (unsent <= usable && (!_nagle || !SmallSegmentInFlight(c)));
        }

        /// <summary>
        /// Minshall's Nagle (draft-minshall-nagle, Linux tcp_minshall_check): a small segment sent
        /// earlier, ending at SND.SML, is not yet acknowledged (SND.UNA &lt; SND.SML &lt;= SND.NXT). Full
        /// segments in flight do not hold a small one back, so a reply of MSS + a few bytes leaves
        /// whole instead of waiting for the peer's delayed ACK of its first segment; at most one small
        /// segment is unacknowledged at a time (RFC 1122 §4.2.3.4).
        /// </summary>
        private static bool SmallSegmentInFlight(TcpConnection c)
        {
            return c.SndSml - c.SndUna - 1u < c.SndNxt - c.SndUna;
        }

        /// <summary>What the peer's window and the congestion window leave for new data.</summary>
        private static int UsableWindow(TcpConnection c)
        {
            int cwnd = c.Cc.Window;
            int wnd = c.SndWnd < cwnd ? c.SndWnd : cwnd;
            int usable = wnd - SeqNumber.Diff(c.SndNxt, c.SndUna);
            return usable > 0 ? usable : 0;
        }

        /// <summary>
        /// New data and the FIN from SND.NXT: full segments, or a last partial one when Nagle (RFC 9293
        /// §3.7.4, Minshall's variant) and sender SWS avoidance (§3.8.6.2.1) let it go. Returns true when
        /// something was sent.
        /// </summary>
        private bool SendNewData(TcpConnection c, long nowMs)
        {
            bool sent = false;
            for (int guard = 0; guard < 64; guard++)
            {
                // Unsent and UsableWindow written out: this loop runs at every Poll of every connection,
                // and each call costs the interpreter as much as a dozen instructions.
                int unsent = (int)(c.TxStartSeq + (uint)c.Tx.Count - c.SndNxt);
                if (unsent < 0) unsent = 0;
                bool finToSend = c.FinQueued && !c.FinSent;
                if (unsent == 0 && !finToSend)
                {
                    break;
                }
                int cwnd = c.Cc.Window;
                int usable = (c.SndWnd < cwnd ? c.SndWnd : cwnd) - (int)(c.SndNxt - c.SndUna);
                if (usable < 0) usable = 0;
                int len = unsent < c.SndMss ? unsent : c.SndMss;
                if (len > usable) len = usable;
                // The FIN takes a sequence number: it must fit in the window too (as in Linux).
                bool fin = finToSend && len == unsent && len < usable;
                bool go;
                if (len > 0)
                {
                    go = len == c.SndMss                                                   // a full segment
                        || fin
                        || (len == unsent && (!_nagle || !SmallSegmentInFlight(c)))        // Nagle (Minshall)
                        || (c.SndMaxWnd > 0 && len >= c.SndMaxWnd / 2);                    // sender SWS
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
                if (len > 0 && len == unsent) flags |= TcpFlags.Psh;
                if (!SendSegment(c, flags, c.SndNxt, (int)(c.SndNxt - c.TxStartSeq), len, nowMs))
                {
                    break; // the device is full: try again next Poll
                }
                c.BytesOutCount += len;
                c.LastDataMs = nowMs;
                if (c.Cc.DuplicateAcks > 0 && !c.Cc.InRecovery)
                {
                    c.LimitedTransmitBytes += len; // RFC 3042: not part of FlightSize for ssthresh
                }
                c.SndNxt += (uint)len + (fin ? 1u : 0u);
                if (len < c.SndMss)
                {
                    c.SndSml = c.SndNxt; // a small segment: the next one waits until this is acknowledged
                }
                c.Rtt.Start(c.SndNxt, nowMs);
                if (!c.Rtx.Armed)
                {
                    c.Rtx.Start(nowMs, c.Rtt.RtoMs); // RFC 6298 5.1
                }
                if (c.Persist.Armed || c.ProbesSent > 0)
                {
                    EndPersist(c);
                }
                sent = true;
                if (fin || len == 0)
                {
                    break;
                }
            }
            return sent;
        }

        private const int SynFirst = 0;
        /// <summary>Sent again because it was lost: counted as a retransmission.</summary>
        private const int SynRetransmission = 1;
        /// <summary>Our SYN again as the SYN-ACK of a simultaneous open: same sequence number, so not timed, but nothing was lost.</summary>
        private const int SynAnswer = 2;

        /// <summary>Our SYN (active open) or SYN-ACK (passive), with the MSS option; only the first one is timed (Karn).</summary>
        private void SendSyn(TcpConnection c, int flags, int kind, long nowMs)
        {
            if (!SendSegment(c, flags, c.Iss, 0, 0, nowMs))
            {
                return;
            }
            if (kind == SynFirst)
            {
                c.Rtt.Start(c.Iss + 1, nowMs);
            }
            else
            {
                c.Rtt.Cancel();
                if (kind == SynRetransmission)
                {
                    c.RetransmitCount++;
                }
            }
            if (c.SndNxt == c.Iss)
            {
                c.SndNxt = c.Iss + 1;
            }
            if (!c.Rtx.Running)
            {
                c.Rtx.Start(nowMs, c.Rtt.RtoMs);
            }
        }

        /// <summary>
        /// A pure ACK &lt;SEQ=SND.NXT&gt;&lt;ACK=RCV.NXT&gt; with the current window, capped at the right edge
        /// of the peer's window, SND.UNA + SND.WND (Linux tcp_acceptable_seq), so it never lies beyond
        /// what the peer will accept.
        /// </summary>
        private void SendAck(TcpConnection c, long nowMs)
        {
            SendSegment(c, TcpFlags.Ack, AckSequence(c), 0, 0, nowMs);
        }

        private static uint AckSequence(TcpConnection c)
        {
            if (!IsSynchronized(c.State))
            {
                return c.SndNxt;
            }
            // Only for an open window: behind a zero window SND.NXT may hold a probe octet or a FIN the
            // peer has taken, and an ACK one below its RCV.NXT would be refused (two such peers ACK each other for ever).
            uint edge = c.SndUna + (uint)c.SndWnd;
            return c.SndWnd > 0 && SeqNumber.Lt(edge, c.SndNxt) ? edge : c.SndNxt;
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

        /// <summary>
        /// Builds one segment in the interface's transmit buffer and sends it. False when the device
        /// refused the frame (its transmit queue is full): nothing is counted as sent, the caller keeps
        /// its sequence numbers where they were and the stack stops sending until the next Poll.
        /// </summary>
        private bool SendSegment(TcpConnection c, int flags, uint seq, int txOffset, int length, long nowMs)
        {
            byte[] b = _out.TxBuffer;
            int o = _out.TransportOffset;
            bool syn = (flags & TcpFlags.Syn) != 0;
            int optionsLength = 0;
            bool sackPermitted = false;
            int sackBlocks = 0;
            if (syn)
            {
                optionsLength = 4;
                sackPermitted = c.State == TcpState.SynSent ? _cfg.Sack : c.SackOk;
                if (sackPermitted)
                {
                    optionsLength += 4;
                }
            }
            else if (c.SackOk && length == 0 && !c.Ooo.IsEmpty)
            {
                // RFC 2018 §4: an ACK sent while out-of-order data is held says which; only on segments
                // without payload, so a data segment keeps its full MSS.
                sackBlocks = c.Ooo.Count < TcpOptions.MaxSackBlocks ? c.Ooo.Count : TcpOptions.MaxSackBlocks;
                optionsLength = TcpOptions.SackLength(sackBlocks);
            }
            int window = AdvertisedWindow(c, syn);
            uint ackNumber = (flags & TcpFlags.Ack) != 0 ? c.RcvNxt : 0;
            TcpPacket.WriteHeader(b, o, c.LocalPort, c.RemotePort, seq, ackNumber, flags, window, optionsLength);
            if (syn)
            {
                TcpOptions.WriteMss(b, o + TcpPacket.HeaderLength, _ourMss);
                if (sackPermitted)
                {
                    TcpOptions.WriteSackPermitted(b, o + TcpPacket.HeaderLength + 4);
                }
            }
            else if (sackBlocks > 0)
            {
                WriteSackBlocks(c, b, o + TcpPacket.HeaderLength, sackBlocks);
            }
            int headerLength = TcpPacket.HeaderLength + optionsLength;
            if (length > 0)
            {
                c.Tx.Peek(txOffset, b, o + headerLength, length);
            }
            int segmentLength = headerLength + length;
            TcpPacket.WriteChecksum(b, o, segmentLength, c.LocalIp, c.RemoteIp);
            if (_tracer.Active >= TraceLevel.Segments)
            {
                TraceSegmentOut(c.Index, c.LocalIp, c.RemoteIp, b, o, segmentLength, syn ? _ourMss : 0, nowMs);
            }
            if (_out.SendIpv4(c.RemoteIp, IpProtocol.Tcp, segmentLength, nowMs) == DropReason.TxDeviceRefused)
            {
                // Traced as sent and as refused (the interface traces the drop); it goes again next Poll.
                _txBlocked = true;
                _txRefused++;
                return false;
            }
            c.SegmentsOutCount++;
            _segmentsOut++;
            if ((flags & TcpFlags.Ack) != 0)
            {
                c.AckNow = false;
                c.DelayedAck.Stop();
                c.SegmentsSinceAck = 0;
            }
            return true;
        }

        /// <summary>
        /// RFC 2018 §4: the first block is the range holding the latest out-of-order segment, then the
        /// other ranges from the highest down.
        /// </summary>
        private static void WriteSackBlocks(TcpConnection c, byte[] b, int offset, int blocks)
        {
            TcpOptions.WriteSackHeader(b, offset, blocks);
            int first = c.Ooo.IndexHolding(c.LatestOooSeq);
            int written = 0;
            if (first >= 0)
            {
                TcpOptions.WriteSackBlock(b, offset, written++, c.Ooo.StartOf(first), c.Ooo.EndOf(first));
            }
            for (int i = c.Ooo.Count - 1; i >= 0 && written < blocks; i--)
            {
                if (i != first)
                {
                    TcpOptions.WriteSackBlock(b, offset, written++, c.Ooo.StartOf(i), c.Ooo.EndOf(i));
                }
            }
        }

        /// <summary>
        /// The window to advertise: free receive space, but the right edge only moves when it can
        /// move by min(half the buffer, one MSS) — receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2).
        /// It never moves left (no window shrinking) and is never negative.
        /// </summary>
        private int AdvertisedWindow(TcpConnection c, bool syn)
        {
            int free = ReceiveWindowNow(c);
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

        /// <summary>
        /// RST for a connection we abort: &lt;SEQ=SND.NXT&gt;&lt;CTL=RST&gt; (RFC 9293 §3.10.5) — behind a zero
        /// window at SND.UNA instead: a probe octet the peer refused is not in its sequence space, and an
        /// RST must sit exactly at its RCV.NXT to be believed (RFC 5961 §3.2).
        /// </summary>
        private void SendResetOf(TcpConnection c, long nowMs)
        {
            SendReset(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, c.SndWnd == 0 ? c.SndUna : c.SndNxt, 0, TcpFlags.Rst, nowMs);
            c.SegmentsOutCount++;
        }

        /// <summary>
        /// RST in reply to a segment that has no connection (RFC 9293 §3.10.7.1): &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;
        /// when it carried an ACK, else &lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;.
        /// </summary>
        private void SendResetFor(TcpSegment s, long nowMs)
        {
            if (s.HasAck)
            {
                SendReset(s.DestinationIp, s.SourceIp, s.DestinationPort, s.SourcePort, s.AckNumber, 0, TcpFlags.Rst, nowMs);
            }
            else
            {
                SendReset(s.DestinationIp, s.SourceIp, s.DestinationPort, s.SourcePort, 0,
                    s.Seq + (uint)s.SequenceLength, TcpFlags.Rst | TcpFlags.Ack, nowMs);
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
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TcpConnection c = FindConnection(localIp, localPort, remoteIp, remotePort);
                TraceSegmentOut(c == null ? -1 : c.Index, localIp, remoteIp, b, o, TcpPacket.HeaderLength, 0, nowMs);
            }
            _segmentsOut++;
            _resetsSent++;
            _out.SendIpv4(remoteIp, IpProtocol.Tcp, TcpPacket.HeaderLength, nowMs);
        }
    }
}
