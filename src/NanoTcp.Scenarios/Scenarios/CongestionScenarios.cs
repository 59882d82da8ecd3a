using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Fast recovery exactly as RFC 5681 §3.2 and RFC 6582 describe it.

    public sealed class FastRecoveryInflation : Scenario
    {
        public FastRecoveryInflation() : base("fast-recovery-inflation", "8 segments in flight, the first lost: limited transmit, fast retransmit with ssthresh = FlightSize/2 and cwnd = ssthresh + 3·MSS, one MSS more per further duplicate ACK until new data goes, deflation to ssthresh on the full ACK (RFC 5681 §3.2, RFC 6582)") { }

        public override void Run()
        {
            // At most eleven segments are unacknowledged at once; the application keeps the ring full
            // before every ACK, so that new data is always there when the window allows it.
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 16384;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 65535);
            TcpConnection c = p.Stack.GetConnection(h);
            const int mss = 1460;
            byte[] chunk = ScriptedPeer.Bytes(mss, 0);
            Fill(p, h, chunk);
            p.Stack.Poll(0);
            uint acked = p.StackNxt;
            uint sent = p.StackNxt;
            // Slow start to eight segments in flight: the initial window is three, each ACK of one adds one.
            while (p.Pending > 0)
            {
                sent += (uint)p.Next().PayloadLength;
            }
            for (int i = 0; i < 5; i++)
            {
                acked += mss;
                Fill(p, h, chunk);
                p.Send(TcpFlags.Ack, p.PeerNxt, acked, 65535);
                while (p.Pending > 0)
                {
                    sent += (uint)p.Next().PayloadLength;
                }
            }
            Check.Equal(8 * mss, (int)(sent - acked), "eight segments in flight");
            Check.Equal(8 * mss, c.CongestionWindow, "cwnd after slow start");
            // The segment at `acked` is lost; the seven after it each bring a duplicate ACK.
            uint una = acked;
            for (int dup = 1; dup <= 7; dup++)
            {
                Fill(p, h, chunk);
                p.Send(TcpFlags.Ack, p.PeerNxt, una, 65535);
                if (dup <= 2)
                {
                    SentSegment lt = p.Expect(TcpFlags.Ack, sent, p.PeerNxt);
                    Check.Equal(mss, lt.PayloadLength, "limited transmit: one new segment on duplicate ACK " + dup.ToString());
                    sent += mss;
                }
                else if (dup == 3)
                {
                    SentSegment fr = p.Expect(TcpFlags.Ack, una, p.PeerNxt);
                    Check.Equal(mss, fr.PayloadLength, "fast retransmit of the lost segment");
                    Check.Equal(4 * mss, c.SlowStartThreshold, "ssthresh = FlightSize/2 without the limited-transmit segments");
                    Check.Equal(7 * mss, c.CongestionWindow, "cwnd = ssthresh + 3·MSS");
                    Check.True(c.InFastRecovery, "in fast recovery");
                }
                else if (dup < 7)
                {
                    p.ExpectNothing("cwnd inflates by one MSS per duplicate ACK but is still below what is outstanding");
                }
                else
                {
                    SentSegment n = p.Expect(TcpFlags.Ack, sent, p.PeerNxt);
                    Check.Equal(mss, n.PayloadLength, "the inflated window lets a new segment out");
                    sent += mss;
                }
            }
            Check.Equal(11 * mss, c.CongestionWindow, "inflated by four MSS");
            // The retransmission arrives: the peer ACKs everything sent before recovery began (full ACK).
            uint recover = una + 10 * mss;
            Fill(p, h, chunk);
            p.Send(TcpFlags.Ack, p.PeerNxt, recover, 65535);
            Check.True(!c.InFastRecovery, "recovery over");
            Check.Equal(4 * mss, c.CongestionWindow, "deflated to ssthresh (no burst beyond four segments past what is in flight)");
            Check.Equal(0, c.Retransmits - 1, "one retransmission in all");
        }

        /// <summary>Tops the send ring up to full.</summary>
        private static void Fill(ScriptedPeer p, int h, byte[] chunk)
        {
            int space;
            while ((space = p.Stack.SendSpace(h)) > 0)
            {
                p.Stack.Send(h, chunk, 0, space < chunk.Length ? space : chunk.Length);
            }
        }
    }
}
