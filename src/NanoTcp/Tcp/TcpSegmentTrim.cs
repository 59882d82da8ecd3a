using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The first step of "segment arrives" (RFC 9293 §3.10.7.4), for every state that has a receive
    // window (SYN-SENT too, once the SYN has set RCV.NXT): the acceptability test, then the segment
    // trimmed to [RCV.NXT, RCV.NXT + RCV.WND). After this, text and FIN lie inside the window and
    // the receive ring can always hold them.
    public sealed partial class TcpStack
    {
        /// <summary>
        /// The receive window offered now: the ring's free space, at most 65535 (no window scaling),
        /// never negative.
        /// </summary>
        private static int ReceiveWindowNow(TcpConnection c)
        {
            int free = c.Rx.Free;
            if (free > 65535) return 65535;
            return free < 0 ? 0 : free;
        }

        /// <summary>
        /// True when the segment is acceptable; it is then trimmed in place: bytes (and a SYN) before
        /// RCV.NXT and bytes beyond the window are cut from the payload range, and a FIN that falls
        /// outside goes with them. An RST is judged by its sequence number alone and left as it is.
        /// </summary>
        private bool TrimToWindow(TcpConnection c, TcpSegment s)
        {
            int rcvWnd = ReceiveWindowNow(c);
            uint seq = s.Seq;
            uint rcvNxt = c.RcvNxt;
            int flags = s.Flags;
            // SEG.LEN (TcpSegment.SequenceLength) in place: once per segment, the interpreter's call cost.
            int segLen = s.PayloadLength + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
            bool acceptable;
            if (segLen == 0)
            {
                // Zero-length: RCV.NXT ≤ SEG.SEQ ≤ RCV.NXT + RCV.WND. The right edge itself is accepted, as BSD
                // and Linux do (RFC 9293 says "<"): an ACK there occupies no sequence space, and a peer whose
                // SND.NXT sits exactly at our window edge must still be heard.
                acceptable = rcvWnd == 0 ? seq == rcvNxt : SeqNumber.Le(rcvNxt, seq) && SeqNumber.Le(seq, rcvNxt + (uint)rcvWnd);
            }
            else
            {
                acceptable = rcvWnd != 0
                    && (SeqNumber.InRange(seq, rcvNxt, rcvNxt + (uint)rcvWnd)
                        || SeqNumber.InRange(seq + (uint)segLen - 1, rcvNxt, rcvNxt + (uint)rcvWnd));
            }
            if (!acceptable)
            {
                if (rcvWnd == 0 && seq == rcvNxt && !s.Syn)
                {
                    // Zero window: the text is refused but ACK and RST are still processed (RFC 9293 §3.10.7.4).
                    // A bare FIN at RCV.NXT takes no buffer space and is taken (as Linux does): the
                    // application reads end-of-stream once it has drained the ring.
                    if (s.PayloadLength > 0)
                    {
                        s.PayloadLength = 0;
                        s.Flags &= ~TcpFlags.Fin;
                    }
                    c.AckNow = true;
                    return true;
                }
                return false;
            }
            if ((flags & TcpFlags.Rst) != 0)
            {
                return true;
            }
            if (SeqNumber.Lt(seq, rcvNxt))
            {
                int cut = SeqNumber.Diff(rcvNxt, seq);
                if (s.Syn)
                {
                    s.Flags &= ~TcpFlags.Syn;
                    cut--;
                    seq++;
                }
                int d = cut < s.PayloadLength ? cut : s.PayloadLength;
                s.PayloadOffset += d;
                s.PayloadLength -= d;
                seq += (uint)d;
                if (cut > d)
                {
                    s.Flags &= ~TcpFlags.Fin; // the FIN lies before RCV.NXT too: already taken
                }
                s.Seq = seq;
            }
            int room = rcvWnd - SeqNumber.Diff(seq, rcvNxt);
            if (room < 0) room = 0;
            if (s.PayloadLength > room)
            {
                s.PayloadLength = room;
                s.Flags &= ~TcpFlags.Fin; // the FIN came after bytes we cannot take
            }
            return true;
        }
    }
}
