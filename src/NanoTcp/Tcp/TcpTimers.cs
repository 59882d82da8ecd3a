using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The timers of one connection, run from Poll in a fixed order, each a TcpTimer of its own:
    // TIME-WAIT (2MSL), FIN-WAIT-2 release, retransmission (TcpRetransmit.cs), persist
    // (TcpPersist.cs), delayed ACK, keepalive. The ones without a file of their own are here.
    public sealed partial class TcpStack
    {
        private void RunTimers(TcpConnection c, long nowMs)
        {
            // Each timer's Due test is written out (Armed && now >= At): this runs for every connection
            // at every Poll, and a call per timer is the interpreter's largest cost here.
            // TIME-WAIT: 2·MSL after the last ACK (RFC 9293 §3.4.2), then the slot is free.
            if (c.State == TcpState.TimeWait)
            {
                if (c.TimeWait.Armed && nowMs >= c.TimeWait.At)
                {
                    TraceTimer(c, TcpTimerCode.TimeWaitExpired, 2L * _mslMs, nowMs);
                    EnterClosed(c, TcpCloseReason.Normal, nowMs);
                }
                return;
            }
            if (c.FinWait2.Armed && nowMs >= c.FinWait2.At)
            {
                TraceTimer(c, TcpTimerCode.FinWait2Timeout, _cfg.FinWait2TimeoutMs, nowMs);
                EnterClosed(c, TcpCloseReason.TimedOut, nowMs);
                return;
            }
            if (c.Rtx.Armed && nowMs >= c.Rtx.At)
            {
                if (IsSynchronized(c.State) && c.SndWnd == 0)
                {
                    // What is in flight went into a window that has closed since: probe it, don't back off.
                    c.Rtx.Stop();
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
            if (c.Persist.Armed && nowMs >= c.Persist.At)
            {
                PersistTimeout(c, nowMs);
                if (c.State == TcpState.Closed)
                {
                    return;
                }
            }
            if (c.DelayedAck.Armed && nowMs >= c.DelayedAck.At)
            {
                c.DelayedAck.Stop();
                c.AckNow = true;
                TraceTimer(c, TcpTimerCode.DelayedAck, _delayedAckMs, nowMs);
            }
            if (c.Keepalive.Armed && nowMs >= c.Keepalive.At)
            {
                KeepaliveTimeout(c, nowMs);
            }
        }

        /// <summary>An orphaned FIN-WAIT-2 connection is released TcpConfig.FinWait2TimeoutMs after it entered FIN-WAIT-2.</summary>
        private void StartFinWait2Timer(TcpConnection c)
        {
            if (c.State == TcpState.FinWait2 && c.Owner != TcpOwner.Application && _cfg.FinWait2TimeoutMs > 0 && !c.FinWait2.Running)
            {
                c.FinWait2.Start(c.StateSinceMs, _cfg.FinWait2TimeoutMs);
            }
        }

        /// <summary>Keepalive (RFC 1122 4.2.3.6): idle time runs from the last segment received.</summary>
        private void RestartKeepalive(TcpConnection c, long nowMs)
        {
            c.KeepaliveSent = 0;
            c.Keepalive.Start(nowMs, _cfg.KeepaliveIdleMs);
        }

        /// <summary>RFC 1122 4.2.3.6: a probe &lt;SEQ=SND.NXT−1&gt; with no data makes the peer ACK; after
        /// KeepaliveProbes unanswered probes the connection is aborted. Only an idle connection is probed:
        /// with data in flight the retransmission timer watches the peer.</summary>
        private void KeepaliveTimeout(TcpConnection c, long nowMs)
        {
            if ((c.State != TcpState.Established && c.State != TcpState.CloseWait) || c.SndUna != c.SndNxt)
            {
                c.Keepalive.Start(nowMs, _cfg.KeepaliveIdleMs);
                return;
            }
            if (c.KeepaliveSent >= _cfg.KeepaliveProbes)
            {
                TraceTimer(c, TcpTimerCode.GiveUp, c.KeepaliveSent, nowMs);
                SendResetOf(c, nowMs);
                EnterClosed(c, TcpCloseReason.KeepaliveTimeout, nowMs);
                return;
            }
            c.KeepaliveSent++;
            c.KeepaliveProbeCount++;
            c.Keepalive.Start(nowMs, _cfg.KeepaliveIntervalMs);
            TraceTimer(c, TcpTimerCode.Keepalive, c.KeepaliveSent, nowMs);
            SendSegment(c, TcpFlags.Ack, c.SndNxt - 1, 0, 0, nowMs);
        }
    }
}
