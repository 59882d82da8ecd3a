using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The seventh and eighth steps of "segment arrives" (RFC 9293 §3.10.7.4): segment text into the
    // receive ring (already trimmed to the window, TcpSegmentTrim.cs), out-of-order ranges held
    // past the readable bytes (ReceiveAssembler), the FIN — also one that arrives after a hole — and when to acknowledge
    // (delayed ACK, RFC 9293 §3.8.6.3; at once for out-of-order data and gap filling, RFC 5681 §4.2).
    public sealed partial class TcpStack
    {
        private DropReason TextArrives(TcpConnection c, TcpSegment s, long nowMs)
        {
            DropReason result = DropReason.None;
            bool outOfOrder = false;
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
                else
                {
                    outOfOrder = true;
                    if (!OutOfOrderText(c, s.Seq, s.Buffer, s.PayloadOffset, length, rel))
                    {
                        result = DropReason.TcpOutOfOrderDropped;
                    }
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
                    outOfOrder = finSeq != c.RcvNxt;
                }
            }
            if (c.FinPending && c.FinSeq == c.RcvNxt && (takesText || state == TcpState.SynReceived))
            {
                TakeFin(c, nowMs);
            }
            if (outOfOrder && c.AckNow && !_txBlocked)
            {
                // One duplicate ACK per out-of-order segment, even when several arrive in one turn
                // (RFC 5681 §4.2: the peer counts them for its fast retransmit), with SACK blocks when
                // agreed. Data waiting to go carries the acknowledgment instead (as it would have at
                // the next Poll): a segment with data is no duplicate ACK, so a peer's own data flow
                // does not turn every reordered segment into a fast retransmit.
                if (HasSendableData(c))
                {
                    Output(c, nowMs);
                }
                else
                {
                    SendAck(c, nowMs);
                }
            }
            return result;
        }

        /// <summary>Text at RCV.NXT: into the ring, then whatever out-of-order ranges it reaches.</summary>
        private void InOrderText(TcpConnection c, byte[] b, int offset, int length, long nowMs)
        {
            bool hadHole = !c.Ooo.IsEmpty;
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
            c.LastDataMs = nowMs;
            if (hadHole)
            {
                // Stored out-of-order ranges this reaches become readable.
                uint next = c.Ooo.TakeFrom(c.RcvNxt);
                int more = SeqNumber.Diff(next, c.RcvNxt);
                if (more > 0)
                {
                    c.Rx.Commit(more);
                    c.RcvNxt = next;
                    c.BytesInCount += more;
                }
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
        /// Text past a hole: kept in the ring at its place and recorded as a range, unless it would need
        /// more ranges than the connection has (then dropped: the peer resends it). Either way
        /// acknowledged at once (TextArrives sends the duplicate ACK). False when dropped.
        /// </summary>
        private bool OutOfOrderText(TcpConnection c, uint seq, byte[] b, int offset, int length, int rel)
        {
            c.OutOfOrderCount++;
            int position = c.Rx.Count + rel;
            bool kept = position + length <= c.Rx.Capacity && c.Ooo.Add(seq, seq + (uint)length);
            if (kept)
            {
                c.Rx.WriteAt(position, b, offset, length);
                c.LatestOooSeq = seq;
                if (c.FinPending && SeqNumber.Gt(c.Ooo.HighestEnd, c.FinSeq))
                {
                    c.FinPending = false; // data beyond a FIN: that FIN was not the last word
                }
            }
            c.AckNow = true;
            return kept;
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
