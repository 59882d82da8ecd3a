using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Resending what was lost (lwIP tcp_rexmit), apart from sending new data: the retransmission
    // timeout (RFC 6298 5.4–5.7) and the go-back-N that follows it, the SYN or SYN-ACK resent, fast
    // retransmit and NewReno's partial-ACK resend (the decisions are CongestionControl's). A resent
    // segment is never timed (Karn) and never reaches past SND.NXT: bytes never sent before go out
    // as new data, so capture tools see a retransmission as exactly that.
    public sealed partial class TcpStack
    {
        /// <summary>
        /// RFC 6298 5.4–5.7: double the RTO, collapse the congestion window to one segment (RFC 5681 §3.1),
        /// and go back: everything outstanding is presumed lost and resent from SND.UNA as the window
        /// allows (the first segment in this Poll). Gives up after MaxRetries (MaxSynRetries in the handshake).
        /// </summary>
        private void RetransmitTimeout(TcpConnection c, long nowMs)
        {
            c.Retries++;
            bool handshake = c.State == TcpState.SynSent || c.State == TcpState.SynReceived;
            int max = handshake ? _cfg.MaxSynRetries : _cfg.MaxRetries;
            if (c.Retries > max)
            {
                GiveUp(c, c.Retries - 1, nowMs);
                return;
            }
            c.Rtt.Backoff(_rtoMax);
            c.Rtt.Cancel();
            c.Cc.OnRetransmitTimeout(SeqNumber.Diff(c.SndNxt, c.SndUna), c.SndNxt);
            c.LimitedTransmitBytes = 0;
            c.Rtx.Start(nowMs, c.Rtt.RtoMs);
            TraceTimer(c, TcpTimerCode.Retransmit, c.Rtt.RtoMs, nowMs);
            if (handshake)
            {
                c.HandshakeTimedOut = true;
                ResendSyn(c, nowMs);
                return;
            }
            c.GoBack = true;
            c.RtxNext = c.SndUna;
        }

        /// <summary>Retries exhausted: RST (unless our SYN was never answered) and CLOSED, reason timed-out.</summary>
        private void GiveUp(TcpConnection c, int attempts, long nowMs)
        {
            TraceTimer(c, TcpTimerCode.GiveUp, attempts, nowMs);
            if (c.State != TcpState.SynSent)
            {
                SendResetOf(c, nowMs);
            }
            EnterClosed(c, c.State == TcpState.SynReceived && c.Listener >= 0 ? TcpCloseReason.Evicted : TcpCloseReason.TimedOut, nowMs);
        }

        /// <summary>The SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED) again, with our ISS: a retransmission, not timed.</summary>
        private void ResendSyn(TcpConnection c, long nowMs)
        {
            SendSyn(c, c.State == TcpState.SynSent ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack, SynRetransmission, nowMs);
        }

        /// <summary>
        /// Go-back-N after an RTO (or a refused probe octet, or a lowered path MTU): resends
        /// [RtxNext, SND.NXT) in segments of at most one MSS, as far as the windows allow, counting
        /// only what was resent as outstanding. Returns true when something was sent.
        /// </summary>
        private bool ResendLost(TcpConnection c, long nowMs)
        {
            bool sent = false;
            for (int guard = 0; guard < 64 && c.GoBack; guard++)
            {
                int cwnd = c.Cc.Window;
                int wnd = c.SndWnd < cwnd ? c.SndWnd : cwnd;
                int usable = wnd - SeqNumber.Diff(c.RtxNext, c.SndUna);
                if (usable <= 0)
                {
                    break;
                }
                int n = RetransmitAt(c, c.RtxNext, usable, nowMs);
                if (n < 0)
                {
                    break; // the device is full
                }
                c.RtxNext += (uint)n;
                if (n == 0 || c.RtxNext == c.SndNxt)
                {
                    c.GoBack = false;
                }
                sent = n > 0 || sent;
            }
            if (sent && !c.Rtx.Running)
            {
                c.Rtx.Start(nowMs, c.Rtt.RtoMs);
            }
            return sent;
        }

        /// <summary>
        /// The first unacknowledged segment again: fast retransmit (RFC 5681 §3.2) and each partial ACK
        /// of NewReno fast recovery (RFC 6582 §3.2 step 3: the next hole at once, not after an RTO).
        /// </summary>
        private void ResendFirstUnacked(TcpConnection c, long nowMs)
        {
            c.Rtt.Cancel();
            RetransmitAt(c, c.SndUna, c.SndMss, nowMs);
        }

        /// <summary>
        /// Sends again the data at <paramref name="seq"/> (at most <paramref name="max"/> bytes and one MSS,
        /// never past SND.NXT), with the FIN when it reaches a FIN already sent. Returns the sequence
        /// space sent (0 when nothing was outstanding there), or -1 when the device refused the frame.
        /// </summary>
        private int RetransmitAt(TcpConnection c, uint seq, int max, long nowMs)
        {
            bool finSent = c.FinSent;
            uint dataEnd = finSent ? c.SndNxt - 1 : c.SndNxt;
            int len = SeqNumber.Diff(dataEnd, seq);
            if (len < 0) len = 0;
            if (len > c.SndMss) len = c.SndMss;
            if (len > max) len = max;
            bool fin = finSent && seq + (uint)len == dataEnd;
            if (len == 0 && !fin)
            {
                return 0;
            }
            int flags = TcpFlags.Ack;
            if (fin) flags |= TcpFlags.Fin;
            if (len > 0 && seq + (uint)len == c.TxStartSeq + (uint)c.Tx.Count) flags |= TcpFlags.Psh; // the end of all queued data
            if (!SendSegment(c, flags, seq, SeqNumber.Diff(seq, c.TxStartSeq), len, nowMs))
            {
                return -1;
            }
            c.RetransmitCount++;
            uint end = seq + (uint)len + (fin ? 1u : 0u);
            if (SeqNumber.Lt(c.RtxHigh, end))
            {
                c.RtxHigh = end;
            }
            return len + (fin ? 1 : 0);
        }
    }
}
