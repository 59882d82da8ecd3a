using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Timers of one connection, run from Poll: TIME-WAIT (2MSL), retransmission (RFC 6298) which
    // doubles as the persist timer while the peer's window is zero, delayed ACK, keepalive.
    public sealed partial class TcpStack
    {
        private void RunTimers(TcpConnection c, long nowMs)
        {
            if (c.State == TcpState.Closed)
            {
                return;
            }
            // TIME-WAIT: 2·MSL after the last ACK (RFC 9293 §3.4.2), then the slot is free.
            if (c.State == TcpState.TimeWait)
            {
                if (nowMs >= c.TimeWaitDeadline)
                {
                    TraceTimer(c, TcpTimerCode.TimeWaitExpired, 2L * _cfg.MslMs, nowMs);
                    EnterClosed(c, TcpCloseReason.Normal, nowMs);
                }
                return;
            }
            long finWait2 = FinWait2Deadline(c);
            if (finWait2 > 0 && nowMs >= finWait2)
            {
                TraceTimer(c, TcpTimerCode.FinWait2Timeout, _cfg.FinWait2TimeoutMs, nowMs);
                EnterClosed(c, TcpCloseReason.TimedOut, nowMs);
                return;
            }
            if (c.RtxDeadline != 0 && nowMs >= c.RtxDeadline)
            {
                // Nothing in flight means this was the persist timer (zero or too-small window); a probe
                // in flight into a still-zero window is re-probed, not counted as a retransmission.
                if (IsSynchronized(c.State) && (c.SndWnd == 0 || c.SndUna == c.SndMax))
                {
                    PersistTimeout(c, nowMs);
                }
                else
                {
                    RetransmitTimeout(c, nowMs);
                }
                if (c.State == TcpState.Closed)
                {
                    return;
                }
            }
            if (c.DelayedAckDeadline != 0 && nowMs >= c.DelayedAckDeadline)
            {
                c.DelayedAckDeadline = 0;
                c.AckNow = true;
                TraceTimer(c, TcpTimerCode.DelayedAck, _cfg.DelayedAckMs, nowMs);
            }
            long due = KeepaliveDue(c);
            if (due > 0 && nowMs >= due)
            {
                KeepaliveTimeout(c, nowMs);
            }
        }

        /// <summary>
        /// RFC 6298 5.4–5.7: resend from SND.UNA, double the RTO (Karn: no RTT sample from a
        /// retransmitted segment), collapse the congestion window to one segment (RFC 5681 §3.1),
        /// give up after MaxRetries (MaxSynRetries during the handshake).
        /// </summary>
        private void RetransmitTimeout(TcpConnection c, long nowMs)
        {
            c.Retries++;
            bool handshake = c.State == TcpState.SynSent || c.State == TcpState.SynReceived;
            int max = handshake ? _cfg.MaxSynRetries : _cfg.MaxRetries;
            if (c.Retries > max)
            {
                TraceTimer(c, TcpTimerCode.GiveUp, c.Retries - 1, nowMs);
                if (c.State != TcpState.SynSent)
                {
                    SendResetOf(c, nowMs);
                }
                EnterClosed(c, c.State == TcpState.SynReceived && c.Listener >= 0 ? TcpCloseReason.Evicted : TcpCloseReason.TimedOut, nowMs);
                return;
            }
            c.Rto = c.Rto * 2 > _cfg.RtoMaxMs ? _cfg.RtoMaxMs : c.Rto * 2;
            c.RttTiming = false;
            int inFlight = SeqNumber.Diff(c.SndMax, c.SndUna);
            int half = inFlight / 2;
            c.Ssthresh = half > 2 * c.SndMss ? half : 2 * c.SndMss;
            c.Cwnd = c.SndMss;
            c.DupAcks = 0;
            c.InRecovery = false;
            c.SndNxt = c.SndUna; // go back: Output resends SYN, SYN-ACK, data or FIN from here
            c.RtxDeadline = nowMs + c.Rto;
            TraceTimer(c, TcpTimerCode.Retransmit, c.Rto, nowMs);
        }

        /// <summary>
        /// RFC 9293 §3.8.6.1 / RFC 1122 4.2.2.17: probe a zero window with one octet, backing off; the
        /// connection is kept open while the peer answers. With a small non-zero window this is the
        /// sender SWS override timeout (RFC 1122 4.2.3.4 (d)): send what the window allows, however
        /// small — otherwise a lost window update leaves both sides waiting for ever.
        /// </summary>
        private void PersistTimeout(TcpConnection c, long nowMs)
        {
            c.ZeroWindowProbeCount++;
            c.SndNxt = c.SndUna;
            c.PersistForce = true;
            c.RttTiming = false;
            int next = c.PersistInterval * 2;
            if (next < _cfg.PersistMinMs) next = _cfg.PersistMinMs;
            if (next > _cfg.PersistMaxMs) next = _cfg.PersistMaxMs;
            c.PersistInterval = next;
            c.RtxDeadline = nowMs + next;
            TraceTimer(c, TcpTimerCode.Persist, next, nowMs);
        }

        /// <summary>When an orphaned FIN-WAIT-2 connection is released, or 0.</summary>
        private long FinWait2Deadline(TcpConnection c)
        {
            if (c.State != TcpState.FinWait2 || c.AppOwned || _cfg.FinWait2TimeoutMs <= 0)
            {
                return 0;
            }
            return c.StateSinceMs + _cfg.FinWait2TimeoutMs;
        }

        /// <summary>When the next keepalive probe is due, or 0 (off, not established, or data in flight).</summary>
        private long KeepaliveDue(TcpConnection c)
        {
            if (!_cfg.Keepalive || (c.State != TcpState.Established && c.State != TcpState.CloseWait) || c.SndUna != c.SndMax)
            {
                return 0;
            }
            return c.LastReceiveMs + _cfg.KeepaliveIdleMs + (long)c.KeepaliveSent * _cfg.KeepaliveIntervalMs;
        }

        /// <summary>RFC 1122 4.2.3.6: a probe &lt;SEQ=SND.NXT−1&gt; with no data makes the peer ACK; after
        /// KeepaliveProbes unanswered probes the connection is aborted.</summary>
        private void KeepaliveTimeout(TcpConnection c, long nowMs)
        {
            if (c.KeepaliveSent >= _cfg.KeepaliveProbes)
            {
                TraceTimer(c, TcpTimerCode.GiveUp, c.KeepaliveSent, nowMs);
                SendResetOf(c, nowMs);
                EnterClosed(c, TcpCloseReason.KeepaliveTimeout, nowMs);
                return;
            }
            c.KeepaliveSent++;
            c.KeepaliveProbeCount++;
            TraceTimer(c, TcpTimerCode.Keepalive, c.KeepaliveSent, nowMs);
            SendSegment(c, TcpFlags.Ack, c.SndNxt - 1, 0, 0, nowMs);
        }
    }
}
