using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The persist timer (RFC 9293 §3.8.6.1, RFC 1122 4.2.2.17): data or a FIN waits, nothing is in
    // flight, so no ACK will come to say the window opened. It probes a zero window with one octet,
    // backing off between PersistMinMs and PersistMaxMs, and counts the probes nobody answered: after
    // MaxRetries of them (OrphanRetries probes in all for a connection the application has closed)
    // the connection is aborted. With a small non-zero window that stays small, the same timer is
    // the sender's SWS override (RFC 1122 4.2.3.4): it sends what the window allows, so a lost
    // window update cannot stall a connection.
    public sealed partial class TcpStack
    {
        /// <summary>After output: start the persist timer when data waits behind a window that gives no room.</summary>
        private void ArmPersist(TcpConnection c, long nowMs)
        {
            if (c.Persist.Armed || c.Rtx.Armed || c.GoBack || c.SndUna != c.SndNxt) // fields, not properties: every Poll
            {
                return;
            }
            if (Unsent(c) == 0 && !(c.FinQueued && !c.FinSent))
            {
                return;
            }
            if (c.PersistIntervalMs == 0)
            {
                int first = c.Rtt.RtoMs;
                if (first < _cfg.PersistMinMs) first = _cfg.PersistMinMs;
                if (first > _cfg.PersistMaxMs) first = _cfg.PersistMaxMs;
                c.PersistIntervalMs = first;
            }
            c.Persist.Start(nowMs, c.PersistIntervalMs);
        }

        /// <summary>The window opened, or data flows again: the persist episode is over.</summary>
        private static void EndPersist(TcpConnection c)
        {
            c.Persist.Stop();
            c.PersistIntervalMs = 0;
            c.ProbesSent = 0;
            c.ProbesUnanswered = 0;
        }

        private void PersistTimeout(TcpConnection c, long nowMs)
        {
            bool orphan = c.Owner == TcpOwner.Stack;
            if (orphan ? c.ProbesSent >= _cfg.OrphanRetries : c.ProbesUnanswered >= _cfg.MaxRetries)
            {
                GiveUp(c, c.ProbesSent, nowMs);
                return;
            }
            c.ZeroWindowProbeCount++;
            c.ProbesSent++;
            c.ProbesUnanswered++;
            int next = c.PersistIntervalMs * 2;
            if (next < _cfg.PersistMinMs) next = _cfg.PersistMinMs;
            if (next > _cfg.PersistMaxMs) next = _cfg.PersistMaxMs;
            c.PersistIntervalMs = next;
            c.Persist.Start(nowMs, next);
            TraceTimer(c, TcpTimerCode.Persist, next, nowMs);
            if (c.SndUna != c.SndNxt)
            {
                // The last probe was not taken: offer it again (one octet into a zero window).
                int room = c.SndWnd < c.Cc.Window ? c.SndWnd : c.Cc.Window;
                c.Rtt.Cancel();
                RetransmitAt(c, c.SndUna, room > 0 ? room : 1, nowMs);
                return;
            }
            int usable = UsableWindow(c);
            int unsent = Unsent(c);
            int len = usable > 0 ? usable : 1; // the override sends what fits; a probe carries one octet
            if (len > unsent) len = unsent;
            if (len > c.SndMss) len = c.SndMss;
            bool fin = c.FinQueued && !c.FinSent && len == unsent;
            int flags = TcpFlags.Ack;
            if (fin) flags |= TcpFlags.Fin;
            if (len > 0 && len == unsent) flags |= TcpFlags.Psh;
            if (SendSegment(c, flags, c.SndNxt, SeqNumber.Diff(c.SndNxt, c.TxStartSeq), len, nowMs))
            {
                c.BytesOutCount += len;
                c.SndNxt += (uint)len + (fin ? 1u : 0u);
            }
        }
    }
}
