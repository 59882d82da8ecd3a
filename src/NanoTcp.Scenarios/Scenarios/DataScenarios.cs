using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Data transfer: acknowledgement, delayed ACK, Nagle, out-of-order and duplicate segments.

    public sealed class DataBothWays : Scenario
    {
        public DataBothWays() : base("data-both-ways", "data in each direction with exact seq/ack; segments split at the MSS; PSH on the last") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(300, 0), 0);
            p.PeerNxt += 300;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            byte[] buf = new byte[4000];
            Check.Equal(300, p.Stack.Receive(h, buf, 0, 4000), "received");
            Check.Equal(0, p.Stack.Receive(h, buf, 0, 4000), "nothing more yet");
            Check.Equal(2048, p.Stack.Send(h, ScriptedPeer.Bytes(3000, 0), 0, 3000), "send ring takes 2048");
            p.Stack.Poll(0);
            Check.Equal(1460, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt).PayloadLength, "first segment");
            SentSegment s2 = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 1460, p.PeerNxt);
            Check.Equal(588, s2.PayloadLength, "second segment");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 2048, 8192);
            p.StackNxt += 2048;
            Check.Equal(2048, p.Stack.SendSpace(h), "ring freed by the ACK");
            Check.Equal(2048L, p.Stack.GetConnection(h).BytesOut, "bytes out");
            p.ExpectNothing("idle");
        }
    }

    public sealed class DelayedAck : Scenario
    {
        public DelayedAck() : base("delayed-ack", "one segment is ACKed after the delay (200 ms); the second segment is ACKed at once") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.DelayedAckMs = 200;
            cfg.ReceiveBufferSize = 8192;
            ScriptedPeer p = new ScriptedPeer(cfg);
            p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(100, 0), 0);
            p.PeerNxt += 100;
            p.ExpectNothing("ACK delayed");
            p.AdvanceTo(199);
            p.ExpectNothing("still delayed");
            p.AdvanceTo(200);
            SentSegment a = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(200L, a.TimeMs, "ACK after 200 ms");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1460, 0), 0);
            p.PeerNxt += 1460;
            p.ExpectNothing("first of two");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1460, 0), 0);
            p.PeerNxt += 1460;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.True(p.Trace.Contains("timer delayed-ack"), "trace");
        }
    }

    public sealed class NagleHoldsSmallSegments : Scenario
    {
        public NagleHoldsSmallSegments() : base("nagle", "Nagle: a small segment waits while data is unacknowledged; with Nagle off it goes at once") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            byte[] one = new byte[] { 65 };
            p.Stack.Send(h, one, 0, 1);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            p.Stack.Send(h, one, 0, 1);
            p.Stack.Send(h, one, 0, 1);
            p.Stack.Poll(0);
            p.ExpectNothing("Nagle holds the second small segment");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            SentSegment s = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 1, p.PeerNxt);
            Check.Equal(2, s.PayloadLength, "coalesced");

            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.Nagle = false;
            ScriptedPeer q = new ScriptedPeer(cfg);
            int g = q.OpenPassive(80, 8192);
            q.Stack.Send(g, one, 0, 1);
            q.Stack.Poll(0);
            q.Stack.Send(g, one, 0, 1);
            q.Stack.Poll(0);
            q.Expect(TcpFlags.Ack | TcpFlags.Psh, q.StackNxt, q.PeerNxt);
            q.Expect(TcpFlags.Ack | TcpFlags.Psh, q.StackNxt + 1, q.PeerNxt);
        }
    }

    public sealed class NagleMinshall : Scenario
    {
        public NagleMinshall() : base("nagle-minshall", "Minshall's Nagle: MSS + 588 bytes leave at once without waiting for the peer's (delayed) ACK; a later small write waits while that 588-byte segment is unacknowledged, even once the full one is") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 4096;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 8192);
            Check.Equal(1460 + 588, p.Stack.Send(h, ScriptedPeer.Bytes(1460 + 588, 0), 0, 1460 + 588), "written");
            p.Stack.Poll(0);
            Check.Equal(1460, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt).PayloadLength, "a full segment");
            // Classic Nagle would hold this one until the full segment is acknowledged: against a
            // peer that delays its ACK of a single segment (Linux: 40 ms), that is the whole delay.
            Check.Equal(588, p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 1460, p.PeerNxt).PayloadLength, "the small tail at once");
            p.ExpectNothing("everything written has left");

            byte[] more = ScriptedPeer.Bytes(100, 2048);
            p.Stack.Send(h, more, 0, 100);
            p.Stack.Poll(0);
            p.ExpectNothing("the 588-byte segment is unacknowledged: the new small one waits");
            p.AdvanceTo(40);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1460, 8192);
            p.ExpectNothing("only the full segment is acknowledged: still one small segment in flight");
            p.Stack.Send(h, more, 0, 100);
            p.Stack.Poll(40);
            p.ExpectNothing("a second small write joins the first");
            p.AdvanceTo(41);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 2048, 8192);
            SentSegment s = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 2048, p.PeerNxt);
            Check.Equal(200, s.PayloadLength, "the two small writes in one segment");
            p.ExpectNothing("nothing else");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 2248, 8192);
            Check.Equal(2248L, p.Stack.GetConnection(h).BytesOut, "bytes out");
            p.AssertInvariants();
        }
    }

    public sealed class OutOfOrderReassembly : Scenario
    {
        public OutOfOrderReassembly() : base("out-of-order", "segments after holes are kept, up to OutOfOrderRanges separate ranges, and duplicate-ACKed; one range too many is dropped; filling the holes makes everything readable in order") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.OutOfOrderRanges = 2;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 8192);
            byte[] data = ScriptedPeer.Bytes(1500, 0);
            uint s0 = p.PeerNxt;
            // [300, 600) after a hole
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 300, p.StackNxt, 8192, data, 300, 300, 0, null);
            SentSegment dup = p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Check.Equal(2048, dup.Window, "out-of-order bytes do not shrink the window");
            // [600, 900) is adjacent: the same range grows
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 600, p.StackNxt, 8192, data, 600, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            // [1200, 1500): a second, separate range
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 1200, p.StackNxt, 8192, data, 1200, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            // [1000, 1100) would be a third: dropped (two ranges configured), still duplicate-ACKed
            DropReason r = p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 1000, p.StackNxt, 8192, data, 1000, 100, 0, null);
            Check.Equal((int)DropReason.TcpOutOfOrderDropped, (int)r, "a third range dropped");
            p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            byte[] buf = new byte[2000];
            Check.Equal(0, p.Stack.Receive(h, buf, 0, 2000), "nothing readable before the first hole is filled");
            // [0, 300) fills the first hole: everything up to 900 is readable at once
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0, p.StackNxt, 8192, data, 0, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 900);
            // [900, 1200) closes the second hole
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 900, p.StackNxt, 8192, data, 900, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 1500);
            Check.Equal(1500, p.Stack.Receive(h, buf, 0, 2000), "all 1500 bytes");
            for (int i = 0; i < 1500; i++)
            {
                if (buf[i] != data[i]) Check.Fail("byte " + i.ToString() + " out of order");
            }
            Check.True(p.Stack.GetConnection(h).OutOfOrderSegments >= 4, "counted");
        }
    }

    public sealed class SackBlocks : Scenario
    {
        public SackBlocks() : base("sack-blocks", "SACK-permitted is echoed; four out-of-order segments in one turn get four duplicate ACKs, each with SACK blocks, the latest segment's range first (RFC 2018 §4); filling the holes ends them; with Sack off neither is sent") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            byte[] sackPermitted = new byte[] { 1, 1, 4, 2 };
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Syn, 1000, 0, 8192, null, 0, 0, 1460, sackPermitted);
            SentSegment sa = p.Next();
            Check.True(sa.SackPermitted, "SACK-permitted echoed in the SYN-ACK");
            Check.Equal(8, sa.OptionsLength, "MSS, NOP, NOP, SACK-permitted");
            p.PeerNxt = 1001;
            p.StackNxt = sa.Seq + 1;
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            int h = p.Stack.Accept(l);
            Check.True(h >= 0, "accepted");
            byte[] data = ScriptedPeer.Bytes(1200, 0);
            uint s0 = p.PeerNxt;
            // One turn of the board's loop: four segments past the hole [0, 200), then the Poll.
            p.PollAfterInput = false;
            Segment(p, data, 200, 400);
            Segment(p, data, 600, 800);
            Segment(p, data, 1000, 1200);
            Segment(p, data, 400, 600); // joins the first two ranges
            p.PollAfterInput = true;
            p.Stack.Poll(p.Now);
            SentSegment a1 = p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Blocks(a1, s0, new int[] { 200, 400 }, "first duplicate ACK");
            SentSegment a2 = p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Blocks(a2, s0, new int[] { 600, 800, 200, 400 }, "second duplicate ACK: the latest range first");
            SentSegment a3 = p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Blocks(a3, s0, new int[] { 1000, 1200, 600, 800, 200, 400 }, "third duplicate ACK");
            SentSegment a4 = p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Blocks(a4, s0, new int[] { 200, 800, 1000, 1200 }, "fourth: the merged range holds the latest segment, so it comes first");
            p.ExpectNothing("one ACK per segment, none owed after them");
            // [0, 200) fills the first hole: ACK 800, one range left.
            Segment(p, data, 0, 200);
            SentSegment a5 = p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 800);
            Blocks(a5, s0, new int[] { 1000, 1200 }, "after the first hole is filled");
            Segment(p, data, 800, 1000);
            SentSegment a6 = p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 1200);
            Check.Equal(0, a6.OptionsLength, "no SACK option once nothing is held out of order");
            byte[] buf = new byte[1200];
            Check.Equal(1200, p.Stack.Receive(h, buf, 0, 1200), "all 1200 bytes readable");
            for (int i = 0; i < 1200; i++)
            {
                if (buf[i] != data[i]) Check.Fail("byte " + i.ToString() + " out of order");
            }

            // Sack off: SACK-permitted is not echoed and duplicate ACKs carry no blocks.
            TcpConfig off = ScriptedPeer.DefaultConfig();
            off.Sack = false;
            ScriptedPeer q = new ScriptedPeer(off);
            int l2 = q.Stack.Listen(80);
            q.StackPort = 80;
            q.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Syn, 1000, 0, 8192, null, 0, 0, 1460, sackPermitted);
            SentSegment sa2 = q.Next();
            Check.True(!sa2.SackPermitted, "Sack off: not echoed");
            Check.Equal(4, sa2.OptionsLength, "Sack off: MSS only");
            q.PeerNxt = 1001;
            q.StackNxt = sa2.Seq + 1;
            q.Send(TcpFlags.Ack, q.PeerNxt, q.StackNxt, 8192);
            Check.True(q.Stack.Accept(l2) >= 0, "accepted");
            Segment(q, data, 200, 400);
            SentSegment d = q.Expect(TcpFlags.Ack, q.StackNxt, q.PeerNxt);
            Check.Equal(0, d.OptionsLength, "Sack off: a plain duplicate ACK");
        }

        private static void Segment(ScriptedPeer p, byte[] data, int from, int to)
        {
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, p.StackPort, TcpFlags.Ack, p.PeerNxt + (uint)from, p.StackNxt, 8192, data, from, to - from, 0, null);
        }

        /// <summary>The ACK carries exactly these blocks (pairs of offsets from <paramref name="s0"/>), in this order.</summary>
        private static void Blocks(SentSegment a, uint s0, int[] edges, string what)
        {
            Check.Equal(edges.Length / 2, a.SackBlocks, what + ": SACK blocks");
            Check.Equal(4 + 4 * edges.Length, a.OptionsLength, what + ": NOP, NOP, SACK option");
            for (int k = 0; k < a.SackBlocks; k++)
            {
                Check.Equal((long)(s0 + (uint)edges[2 * k]), (long)a.SackLeft[k], what + ": left edge of block " + k.ToString());
                Check.Equal((long)(s0 + (uint)edges[2 * k + 1]), (long)a.SackRight[k], what + ": right edge of block " + k.ToString());
            }
        }
    }

    public sealed class DuplicateAndOverlap : Scenario
    {
        public DuplicateAndOverlap() : base("duplicate-overlap", "duplicate and overlapping segments are trimmed: the stream is delivered once, in order") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            byte[] data = ScriptedPeer.Bytes(1000, 3);
            uint s0 = p.PeerNxt;
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0, p.StackNxt, 8192, data, 0, 400, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 400);
            // exact duplicate: not acceptable, re-ACKed
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0, p.StackNxt, 8192, data, 0, 400, 0, null), "duplicate");
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 400);
            // overlap: bytes 200..700, only 400..700 are new
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 200, p.StackNxt, 8192, data, 200, 500, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 700);
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0 + 650, p.StackNxt, 8192, data, 650, 350, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 1000);
            byte[] buf = new byte[2000];
            Check.Equal(1000, p.Stack.Receive(h, buf, 0, 2000), "1000 bytes exactly");
            for (int i = 0; i < 1000; i++)
            {
                if (buf[i] != data[i]) Check.Fail("byte " + i.ToString());
            }
        }
    }

    public sealed class SequenceWrap : Scenario
    {
        public SequenceWrap() : base("sequence-wrap", "both directions cross 2^32: the peer's ISN and ours just below the wrap, data flows and is acknowledged") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            // Choose the clock so that our ISS (RFC 6528: 250·ms + hash) lands ~1000 below 2^32.
            TcpIsnGenerator g = new TcpIsnGenerator(null);
            uint h0 = g.Next(ScriptedPeer.StackIp, 80, ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 0);
            uint target = 0xFFFFFFFF - 1000;
            p.Now = (long)((target - h0) / 250);
            p.PeerNxt = 0xFFFFFF00;
            int h = p.OpenPassive(80, 8192);
            uint iss = p.Stack.GetConnection(h).InitialSendSequence;
            Check.True(iss > 0xFFFFF000, "ISS just below the wrap: " + iss.ToString());
            byte[] data = ScriptedPeer.Bytes(1400, 0);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, data, 0);
            p.PeerNxt += 1400;
            Check.True(p.PeerNxt < 0x1000, "peer sequence wrapped");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            byte[] buf = new byte[2000];
            Check.Equal(1400, p.Stack.Receive(h, buf, 0, 2000), "received across the wrap");
            p.Stack.Send(h, data, 0, 1400);
            p.Stack.Poll(p.Now);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1400, 8192);
            p.StackNxt += 1400;
            Check.True(p.StackNxt < 0x1000, "our sequence wrapped");
            Check.Equal(p.StackNxt, p.Stack.GetConnection(h).SendUnacknowledged, "SND.UNA after the wrap");
            Check.Equal(2048, p.Stack.SendSpace(h), "ring freed");
            // an old ACK (before the wrap) is ignored, not treated as new
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt - 1400, 8192);
            Check.Equal(p.StackNxt, p.Stack.GetConnection(h).SendUnacknowledged, "old ACK ignored");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class OutOfOrderFin : Scenario
    {
        public OutOfOrderFin() : base("out-of-order-fin", "the last segment and its FIN arrive before a hole is filled: both are kept; filling the hole delivers the data and takes the FIN (CLOSE-WAIT)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            byte[] data = ScriptedPeer.Bytes(600, 0);
            uint s0 = p.PeerNxt;
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack | TcpFlags.Fin, s0 + 300, p.StackNxt, 8192, data, 300, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "FIN not taken yet");
            p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, s0, p.StackNxt, 8192, data, 0, 300, 0, null);
            p.Expect(TcpFlags.Ack, p.StackNxt, s0 + 601);
            Check.Equal((int)TcpState.CloseWait, (int)p.Stack.GetState(h), "FIN taken with the hole filled");
            byte[] buf = new byte[1000];
            Check.Equal(600, p.Stack.Receive(h, buf, 0, 1000), "all data");
            Check.Equal(-1, p.Stack.Receive(h, buf, 0, 1000), "then EOF");

            // A bare FIN right after an out-of-order range is kept the same way.
            ScriptedPeer q = new ScriptedPeer(null);
            int g = q.OpenPassive(80, 8192);
            uint t0 = q.PeerNxt;
            q.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, t0 + 300, q.StackNxt, 8192, data, 300, 300, 0, null);
            q.Next();
            q.Send(TcpFlags.Ack | TcpFlags.Fin, t0 + 600, q.StackNxt, 8192);
            q.Expect(TcpFlags.Ack, q.StackNxt, t0);
            q.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Ack, t0, q.StackNxt, 8192, data, 0, 300, 0, null);
            q.Expect(TcpFlags.Ack, q.StackNxt, t0 + 601);
            Check.Equal((int)TcpState.CloseWait, (int)q.Stack.GetState(g), "bare FIN taken");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class AckAtWindowEdge : Scenario
    {
        public AckAtWindowEdge() : base("ack-at-window-edge", "a pure ACK whose sequence number is exactly RCV.NXT + RCV.WND is accepted (BSD/Linux); one beyond is refused and re-ACKed") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(100, 0), 0, 100);
            p.Stack.Poll(0);
            p.Next();
            // The peer sent 2048 bytes we never got (lost); its ACK carries its SND.MAX, our window edge.
            Check.Equal((int)DropReason.None, (int)p.Send(TcpFlags.Ack, p.PeerNxt + 2048, p.StackNxt + 100, 8192), "ACK at the edge");
            Check.Equal(p.StackNxt + 100, p.Stack.GetConnection(h).SendUnacknowledged, "its ACK was processed");
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.Send(TcpFlags.Ack, p.PeerNxt + 2049, p.StackNxt + 100, 8192), "beyond the edge");
            p.Expect(TcpFlags.Ack, p.StackNxt + 100, p.PeerNxt);
        }
    }
}
