namespace NanoTcp.Tcp
{
    // Consistency checks of every connection's sequence variables and rings, for tests, the
    // scenario suite and the board's selftest. Allocates only the message of a violation.
    public sealed partial class TcpStack
    {
        /// <summary>Null when every in-use connection is consistent, else a description of the first violation.</summary>
        public string CheckInvariants()
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Free || c.State == TcpState.Closed || c.State == TcpState.Listen)
                {
                    continue;
                }
                string bad = Violation(c);
                if (bad != null)
                {
                    return "tcp#" + i.ToString() + " " + TcpStates.Name(c.State) + ": " + bad;
                }
            }
            return null;
        }

        private static string Violation(TcpConnection c)
        {
            if (SeqNumber.Gt(c.SndUna, c.SndNxt)) return "SND.UNA > SND.NXT";
            if (SeqNumber.Lt(c.SndUna, c.Iss)) return "SND.UNA < ISS";
            int fin = c.FinQueued ? 1 : 0;
            uint sendEnd = c.TxStartSeq + (uint)c.Tx.Count + (uint)fin;
            if (SeqNumber.Gt(c.SndNxt, sendEnd)) return "SND.NXT beyond the send ring (+FIN)";
            bool finAcked = c.FinQueued && c.Tx.Count == 0 && c.SndUna == c.TxStartSeq + 1;
            if (c.SndUna != c.Iss && !finAcked && c.TxStartSeq != c.SndUna) return "send ring does not start at SND.UNA";
            if (c.GoBack && (SeqNumber.Lt(c.RtxNext, c.SndUna) || SeqNumber.Gt(c.RtxNext, c.SndNxt))) return "retransmission pointer outside [SND.UNA, SND.NXT]";
            if (c.Tx.Count < 0 || c.Tx.Count > c.Tx.Capacity) return "send ring count";
            if (c.Rx.Count < 0 || c.Rx.Count > c.Rx.Capacity) return "receive ring count";
            if (c.OooValid)
            {
                if (!SeqNumber.Gt(c.OooStart, c.RcvNxt)) return "out-of-order range not past RCV.NXT";
                if (!SeqNumber.Gt(c.OooEnd, c.OooStart)) return "empty out-of-order range";
                if (SeqNumber.Diff(c.OooEnd, c.RcvNxt) > c.Rx.Capacity - c.Rx.Count) return "out-of-order range beyond the ring";
            }
            if (c.FinPending && !SeqNumber.Gt(c.FinSeq, c.RcvNxt)) return "pending FIN not past RCV.NXT";
            if (IsSynchronized(c.State) && c.State != TcpState.TimeWait && SeqNumber.Diff(c.RcvAdvRight, c.RcvNxt) > c.Rx.Free)
            {
                return "advertised window larger than free space";
            }
            if (c.State != TcpState.TimeWait && c.SndUna != c.SndNxt && !c.Rtx.Running && !c.Persist.Running && !c.GoBack)
            {
                return "data in flight but neither the retransmission nor the persist timer runs";
            }
            if (c.Owner == TcpOwner.Free) return "slot in use without an owner";
            return null;
        }
    }
}
