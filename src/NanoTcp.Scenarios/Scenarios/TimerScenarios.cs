using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Timers: retransmission (RFC 6298), fast retransmit, persist, keepalive, half-open expiry.

    public sealed class RtoBackoff : Scenario
    {
        public RtoBackoff() : base("rto-backoff", "unacknowledged data is resent at 1, 3, 7, 15 ... s, RTO capped at RtoMax, abort with RST after MaxRetries (timed-out)") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.MaxRetries = 6;
            cfg.RtoMaxMs = 16000;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(100, 0), 0, 100);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            // RTO 1 s doubling: 2, 4, 8, 16 (cap), 16, 16
            long[] at = new long[] { 1000, 3000, 7000, 15000, 31000, 47000 };
            for (int i = 0; i < at.Length; i++)
            {
                p.AdvanceTo(at[i] - 1);
                p.ExpectNothing("before RTO #" + (i + 1).ToString());
                p.AdvanceTo(at[i]);
                SentSegment s = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
                Check.Equal(100, s.PayloadLength, "same data");
            }
            p.AdvanceTo(62999);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "still trying");
            p.AdvanceTo(63000);
            p.Expect(TcpFlags.Rst, p.StackNxt + 100, 0);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "aborted");
            Check.Equal((int)TcpCloseReason.TimedOut, (int)p.Stack.GetCloseReason(h), "timed-out");
            Check.Equal(6, p.Stack.GetConnection(h).Retransmits, "six retransmissions");
            Check.True(p.Trace.Contains("timer retransmit 16000"), "RTO capped at 16 s");
        }
    }

    public sealed class RetransmissionEndsAtSndMax : Scenario
    {
        public RetransmissionEndsAtSndMax() : base("rto-resend-ends-at-snd-max", "an RTO resends only what was sent (up to SND.MAX); data queued since goes in its own segment, counted as new") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(500, 0), 0, 500);
            p.Stack.Poll(0);
            Check.Equal(500, p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt).PayloadLength, "first segment");
            p.Stack.Send(h, ScriptedPeer.Bytes(300, 500), 0, 300);
            p.Stack.Poll(0);
            p.ExpectNothing("Nagle holds 300 bytes while 500 are unacknowledged");
            // One segment of 800 would reach past SND.MAX: the peer and capture tools see a
            // "retransmission" that carries never-sent bytes (Wireshark: ACKed unseen segment).
            p.AdvanceTo(1000);
            SentSegment r = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(500, r.PayloadLength, "the RTO resends the 500 bytes sent before");
            p.ExpectNothing("Nagle still holds the 300 new bytes");
            p.AdvanceTo(1010);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 500, 8192);
            SentSegment n = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 500, p.PeerNxt);
            Check.Equal(300, n.PayloadLength, "then the new bytes");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 800, 8192);
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(1, c.Retransmits, "one retransmission");
            Check.Equal(800L, c.BytesOut, "every byte counted once as sent for the first time");
        }
    }

    public sealed class RttEstimation : Scenario
    {
        public RttEstimation() : base("rtt-estimate", "RFC 6298: first sample R gives SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR (min 200 ms here); Karn ignores retransmitted segments") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(TimedConfig(2048));
            int h = ConnectTimed(p);
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(100, c.SrttMs, "SRTT = R");
            Check.Equal(300, c.RtoMs, "RTO = 100 + 4·50");
            // Karn: a retransmitted segment gives no sample.
            p.Stack.Send(h, ScriptedPeer.Bytes(10, 0), 0, 10);
            p.Stack.Poll(p.Now);
            p.Next();
            p.AdvanceTo(400);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            Check.Equal(600, c.RtoMs, "backed off");
            p.AdvanceTo(450);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 10, 8192);
            p.StackNxt += 10;
            Check.Equal(100, c.SrttMs, "no sample from the retransmission");
            Check.Equal(600, c.RtoMs, "backed-off RTO kept until a new sample");
            // A clean 60 ms sample: SRTT = 100 + (60 − 100)/8 = 95, RTTVAR = 50 + (40 − 50)/4 = 47.5.
            p.Stack.Send(h, ScriptedPeer.Bytes(10, 0), 0, 10);
            p.Stack.Poll(p.Now);
            p.Next();
            p.AdvanceTo(510);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 10, 8192);
            Check.Equal(95, c.SrttMs, "SRTT smoothed");
            Check.Equal(285, c.RtoMs, "RTO = 95 + 4·47.5");
        }

        /// <summary>The scripted peer's defaults with RtoMin 200 ms and a send ring of <paramref name="sendBuffer"/> bytes.</summary>
        internal static TcpConfig TimedConfig(int sendBuffer)
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.RtoMinMs = 200;
            cfg.SendBufferSize = sendBuffer;
            return cfg;
        }

        /// <summary>Active open whose SYN-ACK arrives 100 ms after the SYN: SRTT 100, RTO 300 ms.</summary>
        internal static int ConnectTimed(ScriptedPeer p)
        {
            SentSegment syn;
            int h = p.Connect(80, out syn);
            p.StackNxt = syn.Seq + 1;
            p.AdvanceTo(100);
            p.Send(TcpFlags.Syn | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, null, 1460); // R = 100 ms
            p.PeerNxt++;
            p.Next();
            return h;
        }
    }

    public sealed class RtoBackoffEnds : Scenario
    {
        public RtoBackoffEnds() : base("rto-backoff-ends", "RFC 8961 §4: an ACK of data sent only once ends the RTO back-off though it gives no RTT sample (the timed segment was the one resent); an ACK of resent data alone keeps it (rtt-estimate)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(RttEstimation.TimedConfig(4096));
            int h = RttEstimation.ConnectTimed(p); // RTO 300 ms
            TcpConnection c = p.Stack.GetConnection(h);
            // Two full segments; the first, the timed one, is lost.
            p.Stack.Send(h, ScriptedPeer.Bytes(2920, 0), 0, 2920);
            p.Stack.Poll(p.Now);
            uint first = p.StackNxt;
            Check.Equal(1460, p.Next().PayloadLength, "the first segment");
            Check.Equal(1460, p.Next().PayloadLength, "the second segment");
            p.AdvanceTo(400);
            p.Expect(TcpFlags.Ack, first, p.PeerNxt);
            Check.Equal(600, c.RtoMs, "backed off");
            // The peer held the second segment: its ACK covers both, and the second was sent once.
            p.AdvanceTo(450);
            p.Send(TcpFlags.Ack, p.PeerNxt, first + 2920, 8192);
            Check.Equal(100, c.SrttMs, "no sample: the timed segment was resent (Karn)");
            Check.Equal(300, c.RtoMs, "back-off over: RTO = SRTT + 4·RTTVAR again");
        }
    }

    public sealed class FastRetransmitOnThreeDupAcks : Scenario
    {
        public FastRetransmitOnThreeDupAcks() : base("fast-retransmit", "three duplicate ACKs resend the first unacknowledged segment before the RTO") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 8192;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 16384);
            p.Stack.Send(h, ScriptedPeer.Bytes(4380, 0), 0, 4380);
            p.Stack.Poll(0);
            p.Next();
            p.Next();
            p.Next();
            p.AdvanceTo(50);
            for (int i = 0; i < 3; i++)
            {
                p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 16384);
            }
            SentSegment r = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1460, r.PayloadLength, "one segment resent");
            Check.Equal(50L, r.TimeMs, "at once, not at the RTO");
            Check.Equal(1, p.Stack.GetConnection(h).FastRetransmits, "counted");
            Check.True(p.Trace.Contains("timer fast-retransmit"), "traced");
        }
    }

    public sealed class LimitedTransmit : Scenario
    {
        public LimitedTransmit() : base("limited-transmit", "the first two duplicate ACKs each let one new segment out beyond the congestion window (RFC 3042), so a small window still reaches fast retransmit") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 8192;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 16384);
            p.Stack.Send(h, ScriptedPeer.Bytes(7300, 0), 0, 7300);
            p.Stack.Poll(0);
            p.Next();
            p.Next();
            p.Next();
            p.ExpectNothing("the initial congestion window is full");
            uint next = p.StackNxt + 4380;
            p.AdvanceTo(50);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 16384);
            SentSegment fourth = p.Expect(TcpFlags.Ack, next, p.PeerNxt);
            Check.Equal(1460, fourth.PayloadLength, "one new segment on the first duplicate ACK");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 16384);
            SentSegment fifth = p.Expect(TcpFlags.Ack | TcpFlags.Psh, next + 1460, p.PeerNxt); // the last of the buffer
            Check.Equal(1460, fifth.PayloadLength, "and one on the second");
            p.ExpectNothing("no more than two");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 16384);
            SentSegment again = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1460, again.PayloadLength, "the third duplicate: fast retransmit of the first segment");
            Check.Equal(1, p.Stack.GetConnection(h).FastRetransmits, "counted");
        }
    }

    public sealed class FastRecoveryPartialAck : Scenario
    {
        public FastRecoveryPartialAck() : base("fast-recovery-partial-ack", "two segments of one window lost: the partial ACK after the fast retransmit resends the second one at once (RFC 6582), not at the RTO") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 8192;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 16384);
            p.Stack.Send(h, ScriptedPeer.Bytes(4380, 0), 0, 4380);
            p.Stack.Poll(0);
            p.Next();
            p.Next();
            p.Next();
            // The first two segments are lost: the third brings duplicate ACKs.
            p.AdvanceTo(50);
            for (int i = 0; i < 3; i++)
            {
                p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 16384);
            }
            SentSegment first = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1460, first.PayloadLength, "fast retransmit of the first hole");
            // It arrives; the ACK covers it but stops at the second hole: a partial ACK.
            p.AdvanceTo(60);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1460, 16384);
            p.StackNxt += 1460;
            SentSegment second = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1460, second.PayloadLength, "the second hole resent");
            Check.Equal(60L, second.TimeMs, "at once on the partial ACK, not at the RTO");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 2920, 16384);
            p.StackNxt += 2920;
            p.AdvanceTo(5000);
            p.ExpectNothing("all acknowledged: nothing more to resend");
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(1, c.FastRetransmits, "one fast retransmit for the window");
            Check.Equal(2, c.Retransmits, "two segments resent");
            Check.True(!p.Trace.Contains("timer retransmit"), "no retransmission timeout");
        }
    }

    public sealed class ZeroWindowPersist : Scenario
    {
        public ZeroWindowPersist() : base("zero-window-persist", "the peer's window is zero: one-octet probes at 1, 3, 7 s (backing off), data flows once the window opens") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenWithClosedWindow(80);
            p.Stack.Send(h, ScriptedPeer.Bytes(500, 0), 0, 500);
            p.Stack.Poll(0);
            p.ExpectNothing("window closed");
            p.AdvanceTo(999);
            p.ExpectNothing("before the persist timer");
            p.AdvanceTo(1000);
            SentSegment probe = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1, probe.PayloadLength, "one-octet probe");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 0); // still closed, probe not taken
            p.AdvanceTo(2999);
            p.ExpectNothing("backing off");
            p.AdvanceTo(3000);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 0);
            p.AdvanceTo(7000);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 0); // the third identical answer
            p.ExpectNothing("answers to window probes are not duplicate ACKs: no fast retransmit");
            Check.True(!p.Trace.Contains("fast-retransmit"), "no fast retransmit of the probe");
            Check.True(p.Trace.Contains("timer persist"), "persist traced");
            // The window opens (window update): the 500 bytes go.
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 4000);
            SentSegment d = p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            Check.Equal(500, d.PayloadLength, "data after the window opened");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "never aborted while probed");
            Check.True(p.Stack.GetConnection(h).ZeroWindowProbes >= 3, "probes counted");
        }
    }

    public sealed class KeepaliveProbes : Scenario
    {
        public KeepaliveProbes() : base("keepalive", "keepalive on: probe <SEQ=SND.NXT−1> after the idle time; an answer resets it; unanswered probes abort (keepalive-timeout)") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.Keepalive = true;
            cfg.KeepaliveIdleMs = 10000;
            cfg.KeepaliveIntervalMs = 1000;
            cfg.KeepaliveProbes = 3;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 8192);
            p.AdvanceTo(9999);
            p.ExpectNothing("idle");
            p.AdvanceTo(10000);
            p.Expect(TcpFlags.Ack, p.StackNxt - 1, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192); // the answer
            p.AdvanceTo(19999);
            p.ExpectNothing("idle again");
            p.AdvanceTo(20000);
            p.Expect(TcpFlags.Ack, p.StackNxt - 1, p.PeerNxt);
            p.AdvanceTo(21000);
            p.Expect(TcpFlags.Ack, p.StackNxt - 1, p.PeerNxt);
            p.AdvanceTo(22000);
            p.Expect(TcpFlags.Ack, p.StackNxt - 1, p.PeerNxt);
            p.AdvanceTo(23000);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
            Check.Equal((int)TcpCloseReason.KeepaliveTimeout, (int)p.Stack.GetCloseReason(h), "keepalive-timeout");

            ScriptedPeer q = new ScriptedPeer(null);
            q.OpenPassive(80, 8192);
            q.AdvanceTo(8000000);
            q.ExpectNothing("keepalive is off by default");
        }
    }

    public sealed class HalfOpenExpires : Scenario
    {
        public HalfOpenExpires() : base("syn-received-timeout", "an unanswered SYN-ACK is resent MaxSynRetries times, then the half-open slot is released") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            p.AdvanceTo(62000);
            for (int i = 0; i < 5; i++)
            {
                p.Expect(TcpFlags.Syn | TcpFlags.Ack, sa.Seq, 1001);
            }
            Check.True(p.Stack.ConnectionAt(0).IsInUse, "still half-open at 62 s");
            p.AdvanceTo(63000);
            p.Expect(TcpFlags.Rst, sa.Seq + 1, 0);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released");
        }
    }
}
