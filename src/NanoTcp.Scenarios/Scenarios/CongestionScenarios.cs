using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Fast recovery exactly as RFC 5681 §3.2 and RFC 6582 describe it, and the duplicate ACKs of a
    // SACK peer (RFC 6675 §2) that bring it.

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

    public sealed class SackDuplicateAcksOnData : Scenario
    {
        public SackDuplicateAcksOnData() : base("sack-dup-acks-on-data", "a two-way transfer, the first of three segments lost: the peer's ACKs ride on its own data, so none is an RFC 5681 duplicate ACK, but each that SACKs new octets is one (RFC 6675 §2): limited transmit on the first two, fast retransmit on the third; data that SACKs nothing new is not") { }

        public override void Run()
        {
            ScriptedPeer p = SackPeer.New(8192);
            int h = SackPeer.Open(p, 1460);
            uint una = SackPeer.SendInitialWindow(p, h, 8192, 3, 1460);
            p.AdvanceTo(50);
            byte[] data = ScriptedPeer.Bytes(100, 0);
            // The peer's own data, acknowledging nothing new and SACKing nothing: no duplicate ACK.
            SackPeer.Data(p, una, data, null);
            Check.Equal(-1, SackPeer.Find(p, una + 4380), "data that SACKs nothing new lets no new segment out");
            // The second segment arrived: the next data segment SACKs it.
            SackPeer.Data(p, una, data, new uint[] { una + 1460, una + 2920 });
            Check.True(SackPeer.Find(p, una + 4380) >= 0, "limited transmit on the first duplicate ACK (RFC 3042)");
            SackPeer.Data(p, una, data, new uint[] { una + 1460, una + 4380 });
            Check.True(SackPeer.Find(p, una + 5840) >= 0, "and on the second");
            // The same blocks again on more data: nothing new is SACKed, so no third duplicate ACK.
            SackPeer.Data(p, una, data, new uint[] { una + 1460, una + 4380 });
            Check.Equal(-1, SackPeer.Find(p, una), "a repeated SACK block is no duplicate ACK");
            SackPeer.Data(p, una, data, new uint[] { una + 1460, una + 5840 });
            Check.Equal(1460, SackPeer.Find(p, una), "the third duplicate ACK: fast retransmit of the lost segment");
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(1, c.FastRetransmits, "one fast retransmit");
            Check.True(c.InFastRecovery, "in fast recovery");
            Check.True(!p.Trace.Contains("timer retransmit"), "no retransmission timeout");
        }
    }

    public sealed class SackShowsLoss : Scenario
    {
        public SackShowsLoss() : base("sack-shows-loss", "four segments out, the first lost and the peer's first two ACKs too: the one duplicate ACK that arrives SACKs three segments past the hole, so the first is lost (RFC 6675 IsLost) and is resent at once, not after two more duplicates that will not come") { }

        public override void Run()
        {
            ScriptedPeer p = SackPeer.New(4096);
            uint una = SackPeer.FourSmallSegmentsOut(p, out int h);
            SackPeer.Ack(p, una, 65535, new uint[] { una + 536, una + 2144 });
            int first = SackPeer.Find(p, una);
            Check.Equal(536, first, "the first segment resent on the first duplicate ACK");
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(1, c.FastRetransmits, "as a fast retransmit");
            // The retransmission arrives: everything is acknowledged, recovery ends without a timeout.
            p.Discard();
            p.Send(TcpFlags.Ack, p.PeerNxt, una + 2144, 65535);
            Check.True(!c.InFastRecovery, "recovery over on the full ACK");
            Check.True(!p.Trace.Contains("timer retransmit"), "no retransmission timeout");
        }
    }

    public sealed class SackRttSample : Scenario
    {
        public SackRttSample() : base("sack-rtt-sample", "the timed segment SACKed above a hole gives its RTT sample at once, as Linux takes it; its cumulative ACK would come only after the repair, or after a timeout that backs the RTO off again with no sample to bring it down") { }

        public override void Run()
        {
            ScriptedPeer p = SackPeer.New(4096);
            uint una = SackPeer.FourSmallSegmentsOut(p, out int h);
            p.Send(TcpFlags.Ack, p.PeerNxt, una + 536, 65535);
            Check.Equal(536, SackPeer.Find(p, una + 2144), "the window moved: a fifth segment goes out, timed");
            p.AdvanceTo(130);
            // The second segment is lost; the third to the fifth arrive, so the duplicate ACK SACKs the timed one.
            SackPeer.Ack(p, una + 536, 65535, new uint[] { una + 1072, una + 2680 });
            Check.True(p.Trace.Contains("[130] tcp#0 timer rtt-sample 80"), "an 80 ms sample from the SACK block");
        }
    }

    public sealed class SackDupAcksMoveWindow : Scenario
    {
        public SackDupAcksMoveWindow() : base("sack-dup-acks-move-window", "the first of four segments lost; each of the peer's three duplicate ACKs SACKs one more segment and opens its window a little, as its application reads: RFC 6675 counts them whatever window they offer, so the third brings fast retransmit") { }

        public override void Run()
        {
            ScriptedPeer p = SackPeer.New(4096);
            uint una = SackPeer.FourSmallSegmentsOut(p, out int h);
            p.Send(TcpFlags.Ack, p.PeerNxt, una, 60000); // a window update, no duplicate ACK
            for (int k = 1; k <= 3; k++)
            {
                SackPeer.Ack(p, una, 60000 + 1000 * k, new uint[] { una + 536, una + 536 + 536 * (uint)k });
            }
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(536, SackPeer.Find(p, una), "the lost segment resent");
            Check.Equal(1, c.FastRetransmits, "by fast retransmit, not a timeout");
        }
    }

    /// <summary>A peer that agrees to SACK (RFC 2018) and sends data with SACK blocks, for the scenarios above.</summary>
    internal static class SackPeer
    {
        /// <summary>A scripted peer in front of a stack with a send ring of <paramref name="sendBuffer"/> bytes.</summary>
        public static ScriptedPeer New(int sendBuffer)
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = sendBuffer;
            return new ScriptedPeer(cfg);
        }

        /// <summary>
        /// The application queues <paramref name="bytes"/>; the initial window's <paramref name="segments"/> segments of
        /// <paramref name="mss"/> bytes go out and nothing more. Returns SND.UNA, the first one's sequence number.
        /// </summary>
        public static uint SendInitialWindow(ScriptedPeer p, int h, int bytes, int segments, int mss)
        {
            p.Stack.Send(h, ScriptedPeer.Bytes(bytes, 0), 0, bytes);
            p.Stack.Poll(0);
            uint una = p.StackNxt;
            for (int i = 0; i < segments; i++)
            {
                Check.Equal(mss, p.Next().PayloadLength, "a full segment of the initial window");
            }
            p.ExpectNothing("the initial window is full");
            return una;
        }

        /// <summary>Passive open on port 80 with SACK-permitted in the peer's SYN; window 65535.</summary>
        public static int Open(ScriptedPeer p, int mss)
        {
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Syn, p.PeerNxt, 0, 65535, null, 0, 0, mss, new byte[] { 1, 1, 4, 2 });
            SentSegment sa = p.Next();
            Check.True(sa.SackPermitted, "SACK-permitted echoed");
            p.PeerNxt++;
            p.StackNxt = sa.Seq + 1;
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 65535);
            int h = p.Stack.Accept(l);
            Check.True(h >= 0, "accepted");
            return h;
        }

        /// <summary>NOP, NOP and a SACK option with the blocks [edges[0], edges[1]), [edges[2], edges[3]), ...</summary>
        public static byte[] Blocks(uint[] edges)
        {
            int n = edges.Length / 2;
            byte[] b = new byte[TcpOptions.SackLength(n)];
            TcpOptions.WriteSackHeader(b, 0, n);
            for (int k = 0; k < n; k++)
            {
                TcpOptions.WriteSackBlock(b, 0, k, edges[2 * k], edges[2 * k + 1]);
            }
            return b;
        }

        /// <summary>
        /// Connects with MSS 536, so the initial window holds four segments (RFC 3390 form: 2144 bytes),
        /// sends them and lets 50 ms pass; returns their first sequence number.
        /// </summary>
        public static uint FourSmallSegmentsOut(ScriptedPeer p, out int h)
        {
            h = Open(p, 536);
            uint una = SendInitialWindow(p, h, 4000, 4, 536);
            p.AdvanceTo(50);
            return una;
        }

        /// <summary>A pure ACK of <paramref name="ack"/> offering <paramref name="window"/>, with the SACK blocks <paramref name="edges"/>.</summary>
        public static void Ack(ScriptedPeer p, uint ack, int window, uint[] edges)
        {
            p.SendRaw(ScriptedPeer.PeerIp, p.PeerPortInUse, p.StackPort, TcpFlags.Ack, p.PeerNxt, ack, window,
                null, 0, 0, 0, Blocks(edges));
        }

        /// <summary>The peer's next data segment, ACKing <paramref name="ack"/>, with SACK blocks when <paramref name="edges"/> is not null.</summary>
        public static void Data(ScriptedPeer p, uint ack, byte[] data, uint[] edges)
        {
            p.SendRaw(ScriptedPeer.PeerIp, p.PeerPortInUse, p.StackPort, TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, ack, 65535,
                data, 0, data.Length, 0, edges == null ? null : Blocks(edges));
            p.PeerNxt += (uint)data.Length;
        }

        /// <summary>
        /// Takes every segment the stack has sent; returns the payload length of the one at <paramref name="seq"/>,
        /// -1 when there is none (whatever else was sent: ACKs of the peer's data).
        /// </summary>
        public static int Find(ScriptedPeer p, uint seq)
        {
            int found = -1;
            while (p.Pending > 0)
            {
                SentSegment s = p.Next();
                if (s.Seq == seq && s.PayloadLength > 0)
                {
                    found = s.PayloadLength;
                }
            }
            return found;
        }
    }
}
