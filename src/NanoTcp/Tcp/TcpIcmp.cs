using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // ICMP errors about our segments, handed up by the interface with the datagram they quote
    // (our IPv4 header and at least the first 8 bytes of our TCP header: ports and sequence number).
    // - "Fragmentation needed" (type 3 code 4): path MTU discovery, RFC 1191. Every datagram is sent
    //   with DF, so a router on a smaller-MTU path drops full segments and says so; the send MSS is
    //   lowered to the next-hop MTU − 40 (never below 536, RFC 1191 §3's floor against forged tiny
    //   MTUs) and what was outstanding is resent at the new size at once.
    // - Hard errors (type 3 codes 2 and 3, protocol or port unreachable): a connect still in SYN-SENT
    //   is aborted (reason unreachable) instead of waiting out its SYN retries; a synchronized
    //   connection only records it (RFC 1122 4.2.3.9, RFC 5461).
    // - Everything else (net or host unreachable, time exceeded ...) is a soft error: recorded,
    //   traced, shown by netstat.
    // RFC 5927 §4.1: an error is believed only when the sequence number it quotes is one we have sent
    // and not yet had acknowledged, so a blind attacker cannot reset or slow a connection.
    public sealed partial class TcpStack
    {
        public const int IcmpTypeUnreachable = 3;
        public const int IcmpCodeProtocolUnreachable = 2;
        public const int IcmpCodePortUnreachable = 3;
        public const int IcmpCodeFragmentationNeeded = 4;
        /// <summary>Lowest path MTU believed (RFC 791: every host takes 576-byte datagrams).</summary>
        public const int MinPathMtu = 576;

        /// <summary>
        /// An ICMP error of <paramref name="type"/>/<paramref name="code"/> quoting the datagram at
        /// b[ipOffset, +length) (see ITransportLayer.IcmpError). Never throws.
        /// </summary>
        public void IcmpError(int type, int code, int nextHopMtu, byte[] b, int ipOffset, int length, long nowMs)
        {
            _now = nowMs;
            if (length < Ipv4Packet.HeaderLength + 8 || (b[ipOffset] >> 4) != 4)
            {
                return;
            }
            int ihl = Ipv4Packet.HeaderBytes(b, ipOffset);
            if (ihl < Ipv4Packet.HeaderLength || length < ihl + 8)
            {
                return;
            }
            int t = ipOffset + ihl;
            TcpConnection c = FindConnection(Ipv4Packet.Source(b, ipOffset), TcpPacket.SourcePort(b, t),
                Ipv4Packet.Destination(b, ipOffset), TcpPacket.DestinationPort(b, t));
            if (c == null || c.State == TcpState.TimeWait || !SeqNumber.InRange(TcpPacket.SequenceNumber(b, t), c.SndUna, c.SndNxt))
            {
                return;
            }
            _icmpErrorsIn++;
            c.SoftError = (type << 8) | code;
            TraceTimer(c, TcpTimerCode.IcmpError, c.SoftError, nowMs);
            if (type != IcmpTypeUnreachable)
            {
                return;
            }
            if (code == IcmpCodeFragmentationNeeded)
            {
                LowerPathMtu(c, nextHopMtu, nowMs);
            }
            else if ((code == IcmpCodeProtocolUnreachable || code == IcmpCodePortUnreachable) && c.State == TcpState.SynSent)
            {
                EnterClosed(c, TcpCloseReason.Unreachable, nowMs);
            }
        }

        /// <summary>RFC 1191 §6.5: the segment was too big for the path. Lower the MSS, resend at the new size.</summary>
        private void LowerPathMtu(TcpConnection c, int nextHopMtu, long nowMs)
        {
            int mtu = nextHopMtu;
            if (mtu == 0)
            {
                // A router from before RFC 1191: guess the next plateau below what we sent (§7).
                mtu = c.SndMss + 40 > 1492 ? 1492 : (c.SndMss + 40 > 1006 ? 1006 : MinPathMtu);
            }
            if (mtu < MinPathMtu) mtu = MinPathMtu;
            int mss = mtu - 40;
            if (mss >= c.SndMss)
            {
                return;
            }
            c.SndMss = mss;
            c.Cc.SetMss(mss, false);
            TraceTimer(c, TcpTimerCode.PathMtu, mss, nowMs);
            if (IsSynchronized(c.State) && c.SndUna != c.SndNxt)
            {
                // Not a congestion signal: no change to cwnd or ssthresh, just go back and resend.
                c.Rtt.Cancel();
                c.GoBack = true;
                c.RtxNext = c.SndUna;
                Output(c, nowMs);
            }
        }
    }
}
