using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The seventh and eighth steps of "segment arrives" (RFC 9293 §3.10.7.4): segment text into the
    // receive ring (already trimmed to the window, TcpSegmentTrim.cs), one out-of-order range held
    // past the readable bytes, the FIN — also one that arrives after a hole — and when to acknowledge
    // (delayed ACK, RFC 9293 §3.8.6.3; at once for out-of-order data and gap filling, RFC 5681 §4.2).
    public sealed partial class TcpStack
    {
        private DropReason TextArrives(TcpConnection c, TcpSegment s, long nowMs)
        {
            DropReason result = DropReason.None;
            TcpState state = c.State;
            bool takesText = state == TcpState.Established || state == TcpState.FinWait1 || state == TcpState.FinWait2;
            int length = s.PayloadLength;
            if (length > 0 && takesText)
            {
                if (c.Owner == TcpOwner.Stack)
                {
                    // Nobody will read it (RFC 1122 4.2.2.13): reset.
                    SendResetOf(c, nowMs);
                    EnterClosed(c, TcpCloseReason.Aborted, nowMs);
                    return DropReason.None;
                }
                int rel = SeqNumber.Diff(s.Seq, c.RcvNxt);
                if (rel == 0)
                {
                    InOrderText(c, s.Buffer, s.PayloadOffset, length, nowMs);
                }
                else if (!OutOfOrderText(c, s.Seq, s.Buffer, s.PayloadOffset, length, rel))
                {
                    result = DropReason.TcpOutOfOrderDropped;
                }
            }
            if (s.Fin && result == DropReason.None && (takesText || state == TcpState.SynReceived))
            {
                uint finSeq = s.Seq + (uint)length;
                if (SeqNumber.Ge(finSeq, c.RcvNxt))
                {
                    c.FinPending = true;
                    c.FinSeq = finSeq;
                    // A FIN after a hole is answered at once (a duplicate ACK) and taken when the data
                    // before it arrives.
                    c.AckNow = true;
                }
            }
            if (c.FinPending && c.FinSeq == c.RcvNxt && (takesText || state == TcpState.SynReceived))
            {
                TakeFin(c, nowMs);
            }
            return result;
        }

        /// <summary>Text at RCV.NXT: into the ring, then whatever out-of-order range it reaches.</summary>
        private void InOrderText(TcpConnection c, byte[] b, int offset, int length, long nowMs)
        {
            bool hadHole = c.OooValid;
            if (!hadHole)
            {
                c.Rx.CompactIfEmpty();
            }
            if (!c.Rx.WriteAt(c.Rx.Count, b, offset, length))
            {
                return; // cannot happen after trimming; never write past the ring
            }
            c.Rx.Commit(length);
            c.RcvNxt += (uint)length;
            c.BytesInCount += length;
            if (hadHole && SeqNumber.Le(c.OooStart, c.RcvNxt))
            {
                // The hole is filled: the stored out-of-order range becomes readable.
                if (SeqNumber.Gt(c.OooEnd, c.RcvNxt))
                {
                    int more = SeqNumber.Diff(c.OooEnd, c.RcvNxt);
                    c.Rx.Commit(more);
                    c.RcvNxt = c.OooEnd;
                    c.BytesInCount += more;
                }
                c.OooValid = false;
            }
            c.SegmentsSinceAck++;
            if (hadHole || _delayedAckMs <= 0 || c.SegmentsSinceAck >= 2)
            {
                // RFC 5681 §4.2: a segment that fills all or part of a gap is acknowledged at once;
                // otherwise every second segment (RFC 9293 §3.8.6.3).
                c.AckNow = true;
            }
            else if (!c.DelayedAck.Running)
            {
                c.DelayedAck.Start(nowMs, _delayedAckMs);
            }
        }

        /// <summary>
        /// Text past a hole: kept when it forms or touches the one out-of-order range, else dropped
        /// (the peer resends it). Either way acknowledged at once: the duplicate ACK drives the peer's
        /// fast retransmit. False when dropped.
        /// </summary>
        private bool OutOfOrderText(TcpConnection c, uint seq, byte[] b, int offset, int length, int rel)
        {
            c.OutOfOrderCount++;
            c.AckNow = true;
            uint end = seq + (uint)length;
            if (c.OooValid && !(SeqNumber.Le(seq, c.OooEnd) && SeqNumber.Ge(end, c.OooStart)))
            {
                return false;
            }
            if (!c.Rx.WriteAt(c.Rx.Count + rel, b, offset, length))
            {
                return false;
            }
            if (!c.OooValid)
            {
                c.OooStart = seq;
                c.OooEnd = end;
                c.OooValid = true;
            }
            else
            {
                c.OooStart = SeqNumber.Min(c.OooStart, seq);
                if (SeqNumber.Gt(end, c.OooEnd))
                {
                    c.OooEnd = end;
                }
            }
            if (c.FinPending && SeqNumber.Gt(c.OooEnd, c.FinSeq))
            {
                c.FinPending = false; // data beyond a FIN: that FIN was not the last word
            }
            return true;
        }

        /// <summary>RFC 9293 §3.10.7.4 eighth step: the FIN is in order.</summary>
        private void TakeFin(TcpConnection c, long nowMs)
        {
            c.FinPending = false;
            c.RcvNxt++;
            c.FinReceived = true;
            c.AckNow = true;
            switch (c.State)
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
    }
}
