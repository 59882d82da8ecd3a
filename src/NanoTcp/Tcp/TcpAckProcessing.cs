using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The fifth step of "segment arrives" (RFC 9293 §3.10.7.4) once the ACK is known to be acceptable:
    // SND.UNA moves on (acknowledged data leaves the send ring, the RTT is sampled, the retransmission
    // timer restarts or stops, congestion control hears of it), duplicate ACKs are counted (RFC 5681),
    // the send window is updated (SND.WL1/SND.WL2), and our FIN being acknowledged moves the closing states.
    public sealed partial class TcpStack
    {
        /// <summary>An acceptable ACK on a synchronized connection. Returns true when the connection was released (LAST-ACK done).</summary>
        private bool ProcessAck(TcpConnection c, TcpSegment s, long nowMs)
        {
            uint ack = s.AckNumber;
            int window = s.Window;
            c.ProbesUnanswered = 0; // the peer is there and answering
            bool windowChanged = window != c.SndWnd;
            _sackHeld = 0;
            bool sackedNew = c.SackOk && s.Options.SackBlocks > 0 && ReadSackBlocks(c, s.Options, ack, nowMs);
            if (SeqNumber.Lt(c.SndUna, ack))
            {
                if (NewAck(c, ack, nowMs))
                {
                    return true;
                }
            }
            else if (ack == c.SndUna && c.SndUna != c.SndNxt && window != 0
                && (sackedNew || (!windowChanged && s.PayloadLength == 0 && !s.Fin)))
            {
                // A duplicate ACK: RFC 5681 §2 (no data, same window), or, with SACK, one whose blocks report
                // octets not SACKed before, whatever it carries and whatever window it offers (RFC 6675 §2):
                // in a two-way transfer most of the peer's duplicate ACKs ride on its data and move its window.
                // Answers to zero-window probes (window 0) repeat the same ACK too, but say "full", not "lost".
                DuplicateAck(c, _sackHeld > 2 * c.SndMss, nowMs);
            }
            UpdateSendWindow(c, s.Seq, ack, window);
            return false;
        }

        /// <summary>
        /// SND.UNA &lt; ack ≤ SND.NXT: frees acknowledged data, samples the RTT (Karn), restarts or stops
        /// the retransmission timer (RFC 6298 5.2/5.3), tells congestion control, and moves the closing
        /// states on when our FIN is acknowledged. Returns true when the connection was released.
        /// </summary>
        private bool NewAck(TcpConnection c, uint ack, long nowMs)
        {
            int acked = SeqNumber.Diff(ack, c.SndUna);
            if (c.SndUna == c.Iss)
            {
                acked--; // our SYN
            }
            bool finAcked = c.FinSent && SeqNumber.Gt(ack, c.FinSeqOut);
            int dataAcked = acked - (finAcked ? 1 : 0);
            if (dataAcked > 0)
            {
                c.Tx.Discard(dataAcked);
                c.TxStartSeq += (uint)dataAcked;
                c.Tx.CompactIfEmpty();
            }
            c.SndUna = ack;
            if (SeqNumber.Lt(c.HighSacked, ack))
            {
                c.HighSacked = ack;
            }
            if (c.GoBack && SeqNumber.Lt(c.RtxNext, ack))
            {
                c.RtxNext = ack;
            }
            if (c.GoBack && c.RtxNext == c.SndNxt)
            {
                c.GoBack = false;
            }
            int sample = c.Rtt.OnAck(ack, nowMs, _rtoMin, _rtoMax);
            if (sample >= 0)
            {
                TraceTimer(c, TcpTimerCode.RttSample, sample, nowMs);
            }
            if (SeqNumber.Lt(c.RtxHigh, ack))
            {
                c.RtxHigh = ack;            // octets never resent were acknowledged: no more back-off
                if (sample < 0)
                {
                    c.Rtt.EndBackoff(_rtoMin, _rtoMax); // (a sample has just set the RTO from the estimate)
                }
            }
            c.Retries = 0;
            c.LimitedTransmitBytes = 0;
            int flight = SeqNumber.Diff(c.SndNxt, c.SndUna);
            int action = c.Cc.OnNewAck(ack, acked, flight);
            if (c.SndUna == c.SndNxt)
            {
                c.Rtx.Stop();
            }
            else if (action != CongestionControl.ResendHole || c.Cc.TakeFirstPartialAck())
            {
                c.Rtx.Start(nowMs, c.Rtt.RtoMs);
            }
            if (action == CongestionControl.ResendHole)
            {
                ResendFirstUnacked(c, nowMs);
            }
            if (finAcked)
            {
                switch (c.State)
                {
                    case TcpState.FinWait1:
                        SetState(c, TcpState.FinWait2, nowMs);
                        StartFinWait2Timer(c);
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

        /// <summary>
        /// RFC 5681 §3.2: the third duplicate ACK resends the first unacknowledged segment (fast retransmit);
        /// so does an earlier one when <paramref name="sackSaysLost"/>: more than two segments' worth of
        /// octets above SND.UNA are SACKed (RFC 6675 §4 IsLost), as when the peer's other ACKs were lost.
        /// </summary>
        private void DuplicateAck(TcpConnection c, bool sackSaysLost, long nowMs)
        {
            // FlightSize without what limited transmit sent (RFC 5681 §3.2 step 2).
            int flight = SeqNumber.Diff(c.SndNxt, c.SndUna) - c.LimitedTransmitBytes;
            if (c.Cc.OnDuplicateAck(c.SndUna, flight, c.SndNxt, sackSaysLost) != CongestionControl.FastRetransmit)
            {
                return;
            }
            c.FastRetransmitCount++;
            TraceTimer(c, TcpTimerCode.FastRetransmit, c.SndUna, nowMs);
            ResendFirstUnacked(c, nowMs);
            c.Rtx.Start(nowMs, c.Rtt.RtoMs);
        }

        /// <summary>Octets the last ACK's SACK blocks reported held above SND.UNA (<see cref="ReadSackBlocks"/>).</summary>
        private int _sackHeld;

        /// <summary>
        /// The SACK blocks of an ACK for our data (RFC 2018), without a scoreboard: true when a block reaches
        /// above <see cref="TcpConnection.HighSacked"/> (new octets: RFC 6675's duplicate ACK), which moves
        /// up; the octets the blocks report held between <paramref name="ack"/> (or SND.UNA, if higher) and
        /// SND.NXT go to <see cref="_sackHeld"/>. Blocks at or below the ACK (D-SACK, RFC 2883) or beyond
        /// SND.NXT count nothing. A receiver reports disjoint blocks, so their sum is what it holds (or less).
        /// </summary>
        private bool ReadSackBlocks(TcpConnection c, TcpOptions o, uint ack, long nowMs)
        {
            uint floor = SeqNumber.Lt(c.SndUna, ack) && SeqNumber.Le(ack, c.SndNxt) ? ack : c.SndUna;
            uint high = SeqNumber.Lt(floor, c.HighSacked) && SeqNumber.Le(c.HighSacked, c.SndNxt) ? c.HighSacked : floor;
            int held = 0;
            bool fresh = false;
            for (int k = 0; k < o.SackBlocks; k++)
            {
                uint left = o.SackLeft[k];
                uint right = o.SackRight[k];
                if (!SeqNumber.Lt(left, right) || !SeqNumber.Lt(floor, right) || SeqNumber.Gt(right, c.SndNxt)
                    || (k == 0 && WithinLaterBlock(o, left, right)))
                {
                    continue;
                }
                if (c.Rtt.Timing)
                {
                    SackSample(c, left, right, nowMs);
                }
                if (SeqNumber.Lt(left, floor)) left = floor;
                held += SeqNumber.Diff(right, left);
                if (SeqNumber.Lt(high, right))
                {
                    high = right;
                    fresh = true;
                }
            }
            c.HighSacked = high;
            _sackHeld = held;
            return fresh;
        }

        /// <summary>A SACK block that holds the timed segment gives an RTT sample (<see cref="RttEstimator.OnSack"/>).</summary>
        private void SackSample(TcpConnection c, uint left, uint right, long nowMs)
        {
            int sample = c.Rtt.OnSack(left, right, nowMs, _rtoMin, _rtoMax);
            if (sample >= 0)
            {
                TraceTimer(c, TcpTimerCode.RttSample, sample, nowMs);
            }
        }

        /// <summary>RFC 2883 §4: a first block inside another block reports a duplicate segment, not more data held.</summary>
        private static bool WithinLaterBlock(TcpOptions o, uint left, uint right)
        {
            for (int k = 1; k < o.SackBlocks; k++)
            {
                if (SeqNumber.Le(o.SackLeft[k], left) && SeqNumber.Le(right, o.SackRight[k]))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// RFC 9293 §3.10.7.4: the send window, guarded by SND.WL1/SND.WL2 against old segments. When a
        /// zero window opens, persist ends, and probe octets the peer did not take are taken back: they
        /// lead the next segment of new data (the one place SND.NXT moves back; they were never
        /// acknowledged, only offered).
        /// </summary>
        private void UpdateSendWindow(TcpConnection c, uint seq, uint ack, int window)
        {
            if (!(SeqNumber.Lt(c.SndWl1, seq) || (c.SndWl1 == seq && SeqNumber.Le(c.SndWl2, ack))))
            {
                return;
            }
            bool wasZero = c.SndWnd == 0;
            c.SndWnd = window;
            c.SndWl1 = seq;
            c.SndWl2 = ack;
            if (window > c.SndMaxWnd) c.SndMaxWnd = window;
            if (wasZero && window > 0)
            {
                bool probing = c.ProbesSent > 0;
                EndPersist(c);
                if (probing && c.SndUna != c.SndNxt && !c.GoBack)
                {
                    c.BytesOutCount -= SeqNumber.Diff(c.SndNxt, c.SndUna) - (c.FinSent ? 1 : 0);
                    c.SndNxt = c.SndUna;
                    c.Rtt.Cancel();
                    c.Rtx.Stop();
                }
            }
        }
    }
}
