using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Opening a connection: RFC 9293 §3.5, the textbook three-way handshake and its variants.

    public sealed class PassiveOpen : Scenario
    {
        public PassiveOpen() : base("open-passive", "LISTEN -> SYN-RECEIVED -> ESTABLISHED; SYN-ACK carries MSS 1460 and the full window") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            Check.Equal((int)DropReason.None, (int)p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460), "SYN");
            SentSegment sa = p.Next();
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, sa.Flags, "SYN-ACK flags");
            Check.Equal(1001u, sa.Ack, "SYN-ACK acknowledges SYN+1");
            Check.Equal(1460, sa.Mss, "our MSS from the MTU");
            Check.Equal(4, sa.OptionsLength, "only the MSS option");
            Check.Equal(2048, sa.Window, "window = receive ring");
            Check.True(p.Trace.Contains("tcp#0 LISTEN -> SYN-RECEIVED"), "trace LISTEN -> SYN-RECEIVED");
            Check.True(p.Trace.Contains("tcp#0 < 192.168.1.10:40000 > 192.168.1.50:80 [S] seq=1000 ack=0 win=8192 len=0 mss=1460"), "the SYN is traced on tcp#0" + p.Trace.Tail(4));
            Check.True(p.Trace.Contains("tcp#0 > 192.168.1.50:80 > 192.168.1.10:40000 [S.]"), "the SYN-ACK is traced on tcp#0");
            Check.Equal(-1, p.Stack.Accept(l), "nothing to accept before the third handshake");
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            p.ExpectNothing("pure ACK is not answered");
            Check.True(p.Trace.Contains("tcp#0 SYN-RECEIVED -> ESTABLISHED"), "trace SYN-RECEIVED -> ESTABLISHED");
            int h = p.Stack.Accept(l);
            Check.Equal(0, h, "handle");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "state");
            Check.True((p.Stack.GetEvents(h) & TcpEvents.Writable) != 0, "writable");
        }
    }

    public sealed class ActiveOpen : Scenario
    {
        public ActiveOpen() : base("open-active", "CLOSED -> SYN-SENT -> ESTABLISHED: SYN with MSS, ACK of the SYN-ACK") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 7, 0);
            Check.True(h >= 0, "connect");
            Check.Equal((int)TcpState.SynSent, (int)p.Stack.GetState(h), "SYN-SENT");
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            Check.Equal(TcpFlags.Syn, syn.Flags, "SYN");
            Check.Equal(0u, syn.Ack, "no ACK number");
            Check.Equal(1460, syn.Mss, "MSS");
            Check.True(syn.SrcPort >= 49152, "ephemeral port");
            p.StackPort = syn.SrcPort;
            p.PeerPortInUse = 7;
            p.Send(TcpFlags.Syn | TcpFlags.Ack, 5000, syn.Seq + 1, 4096, null, 1000);
            p.Expect(TcpFlags.Ack, syn.Seq + 1, 5001);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "ESTABLISHED");
            Check.Equal(1000, p.Stack.GetConnection(h).SendMss, "peer's MSS honoured");
            Check.True(p.Trace.Contains("tcp#0 SYN-SENT -> ESTABLISHED"), "trace");
        }
    }

    public sealed class OptionsDeclined : Scenario
    {
        public OptionsDeclined() : base("options-declined", "window scale, timestamps and unknown options are parsed and declined, SACK-permitted is echoed; MSS 536 honoured") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            // NOP, WS=7; SACK-permitted; timestamps; unknown kind 99 (len 4); pad to a multiple of 4.
            byte[] opts = new byte[] { 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 99, 4, 0xAA, 0xBB };
            Check.Equal((int)DropReason.None, (int)p.SendRaw(ScriptedPeer.PeerIp, ScriptedPeer.PeerPort, 80, TcpFlags.Syn, 1000, 0, 8192, null, 0, 0, 536, opts), "SYN with options");
            SentSegment sa = p.Next();
            Check.Equal(8, sa.OptionsLength, "SYN-ACK has MSS and SACK-permitted only");
            Check.Equal(-1, sa.WindowScale, "no window scale echoed");
            Check.True(sa.SackPermitted, "SACK-permitted echoed");
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            int h = p.Stack.Accept(l);
            Check.Equal(536, p.Stack.GetConnection(h).SendMss, "MSS 536");
            byte[] data = ScriptedPeer.Bytes(1000, 0);
            p.Stack.Send(h, data, 0, 1000);
            p.Stack.Poll(0);
            SentSegment d1 = p.Next();
            Check.Equal(536, d1.PayloadLength, "segment limited to 536");
            // Malformed option (length 1) is a bad segment: dropped with a reason, no reply.
            byte[] bad = new byte[] { 2, 1, 0, 0 };
            Check.Equal((int)DropReason.TcpBadOption, (int)p.SendRaw(ScriptedPeer.PeerIp, 40001, 80, TcpFlags.Syn, 7, 0, 100, null, 0, 0, 0, bad), "bad option dropped");
        }
    }

    public sealed class DefaultMss : Scenario
    {
        public DefaultMss() : base("mss-default-536", "a SYN without MSS option means MSS 536 (RFC 9293 §3.7.1)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192);
            SentSegment sa = p.Next();
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            int h = p.Stack.Accept(l);
            Check.Equal(536, p.Stack.GetConnection(h).SendMss, "default MSS");
        }
    }

    public sealed class SimultaneousOpen : Scenario
    {
        public SimultaneousOpen() : base("open-simultaneous", "both sides send SYN: SYN-SENT -> SYN-RECEIVED -> ESTABLISHED (RFC 9293 figure 7)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 6000, 5000);
            p.PeerPortInUse = 6000;
            p.StackPort = 5000;
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            Check.Equal(TcpFlags.Syn, syn.Flags, "our SYN");
            // The peer's SYN crosses ours.
            p.Send(TcpFlags.Syn, 300, 0, 4096, null, 1460);
            Check.Equal((int)TcpState.SynReceived, (int)p.Stack.GetState(h), "SYN-RECEIVED");
            SentSegment sa = p.Expect(TcpFlags.Syn | TcpFlags.Ack, syn.Seq, 301);
            Check.Equal(1460, sa.Mss, "SYN-ACK repeats the MSS");
            // The peer's SYN-ACK (its SYN again, now acknowledging ours).
            p.Send(TcpFlags.Syn | TcpFlags.Ack, 300, syn.Seq + 1, 4096, null, 1460);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "ESTABLISHED");
            Check.True(p.Trace.Contains("SYN-SENT -> SYN-RECEIVED"), "trace SYN-SENT -> SYN-RECEIVED");
            p.Discard();
            byte[] d = ScriptedPeer.Bytes(10, 1);
            p.Stack.Send(h, d, 0, 10);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, syn.Seq + 1, 301);
        }
    }

    public sealed class LostSyn : Scenario
    {
        public LostSyn() : base("lost-syn", "an unanswered SYN is resent at 1, 3, 7, 15, 31 s (RTO doubling) and the open fails with timed-out at 63 s") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            uint iss = syn.Seq;
            long[] times = new long[] { 1000, 3000, 7000, 15000, 31000 };
            for (int i = 0; i < times.Length; i++)
            {
                p.AdvanceTo(times[i] - 1);
                p.ExpectNothing("before the RTO");
                p.AdvanceTo(times[i]);
                SentSegment again = p.Expect(TcpFlags.Syn, iss, 0);
                Check.Equal(times[i], again.TimeMs, "retransmission time");
            }
            p.AdvanceTo(62999);
            Check.Equal((int)TcpState.SynSent, (int)p.Stack.GetState(h), "still trying");
            p.AdvanceTo(63000);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "given up");
            Check.Equal((int)TcpCloseReason.TimedOut, (int)p.Stack.GetCloseReason(h), "reason");
            p.ExpectNothing("no RST for a SYN-SENT give-up");
            Check.True(p.Trace.Contains("timer give-up"), "trace give-up");
            p.Stack.Close(h);
            Check.True(!p.Stack.ConnectionAt(h).IsInUse, "slot released by Close");
        }
    }

    public sealed class LostSynAckServer : Scenario
    {
        public LostSynAckServer() : base("lost-syn-ack-server", "the server's SYN-ACK is lost: the server resends it on RTO and again when the client repeats its SYN") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment sa = p.Next(); // lost on the way
            p.AdvanceTo(999);
            p.ExpectNothing("before RTO");
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Syn | TcpFlags.Ack, sa.Seq, 1001);
            // That one is lost too; the client's own RTO resends the SYN: answered at once.
            p.AdvanceTo(1500);
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            p.Expect(TcpFlags.Syn | TcpFlags.Ack, sa.Seq, 1001);
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            int h = p.Stack.Accept(l);
            Check.True(h >= 0, "accepted");
            Check.True(p.Stack.GetConnection(h).Retransmits >= 1, "retransmission counted");
        }
    }

    public sealed class LostSynAckClient : Scenario
    {
        public LostSynAckClient() : base("lost-syn-ack-client", "the client never sees the SYN-ACK: it resends the SYN after 1 s, the server answers again") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            SentSegment syn;
            int h = p.Connect(80, out syn);
            // (the peer's SYN-ACK is lost: nothing reaches the stack)
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Syn, syn.Seq, 0);
            p.Send(TcpFlags.Syn | TcpFlags.Ack, 7000, syn.Seq + 1, 8192, null, 1460);
            p.Expect(TcpFlags.Ack, syn.Seq + 1, 7001);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "ESTABLISHED");
            Check.Equal(0, p.Stack.GetConnection(h).SrttMs, "Karn: no RTT sample from a retransmitted SYN");
        }
    }

    public sealed class DataInThirdHandshake : Scenario
    {
        public DataInThirdHandshake() : base("data-in-third-handshake", "the ACK completing the handshake carries data: accepted and acknowledged") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            byte[] req = ScriptedPeer.Bytes(100, 7);
            p.Send(TcpFlags.Ack | TcpFlags.Psh, 1001, sa.Seq + 1, 8192, req, 0);
            p.Expect(TcpFlags.Ack, sa.Seq + 1, 1101);
            int h = p.Stack.Accept(l);
            byte[] got = new byte[200];
            Check.Equal(100, p.Stack.Receive(h, got, 0, 200), "100 bytes readable");
            Check.Equal(7, got[0], "first byte");
            Check.Equal(106, got[99], "last byte");
        }
    }

    public sealed class OldDuplicateSynClient : Scenario
    {
        public OldDuplicateSynClient() : base("old-duplicate-syn-client", "why three handshakes: a SYN-ACK for an old SYN is refused with RST <SEQ=SEG.ACK>, the open goes on") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            SentSegment syn;
            int h = p.Connect(80, out syn);
            uint oldAck = syn.Seq - 5000; // the peer answers an old duplicate SYN
            Check.Equal((int)DropReason.TcpBadAck, (int)p.Send(TcpFlags.Syn | TcpFlags.Ack, 9000, oldAck, 8192, null, 1460), "bad ACK");
            p.Expect(TcpFlags.Rst, oldAck, 0);
            Check.Equal((int)TcpState.SynSent, (int)p.Stack.GetState(h), "still SYN-SENT");
            p.Send(TcpFlags.Syn | TcpFlags.Ack, 20000, syn.Seq + 1, 8192, null, 1460);
            p.Expect(TcpFlags.Ack, syn.Seq + 1, 20001);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "ESTABLISHED");
        }
    }

    public sealed class OldDuplicateSynServer : Scenario
    {
        public OldDuplicateSynServer() : base("old-duplicate-syn-server", "an old duplicate SYN makes a half-open connection; the client's RST releases it (back to LISTEN)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 500, 0, 8192, null, 1460); // old duplicate
            SentSegment sa = p.Expect(TcpFlags.Syn | TcpFlags.Ack, p.Connection.InitialSendSequence, 501);
            // The client (in SYN-SENT with ISS 2000) refuses: RST <SEQ=SEG.ACK=501>.
            Check.Equal((int)DropReason.None, (int)p.Send(TcpFlags.Rst, 501, 0, 0), "RST accepted");
            Check.True(p.Trace.Contains("SYN-RECEIVED -> CLOSED"), "half-open released");
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "slot free");
            p.ExpectNothing("no answer to RST");
            p.Send(TcpFlags.Syn, 2000, 0, 8192, null, 1460);
            SentSegment sa2 = p.Expect(TcpFlags.Syn | TcpFlags.Ack, p.Connection.InitialSendSequence, 2001);
            p.Send(TcpFlags.Ack, 2001, sa2.Seq + 1, 8192);
            Check.True(p.Stack.Accept(l) >= 0, "the real connection is accepted");
            Check.True(sa.Seq != 0, "");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class IsnRfc6528 : Scenario
    {
        public IsnRfc6528() : base("isn-rfc6528", "ISN = 250·ms + keyed hash of the 4-tuple: later incarnations of one 4-tuple move forward with the clock; other 4-tuples and other keys look unrelated") { }

        public override void Run()
        {
            TcpIsnGenerator g = new TcpIsnGenerator(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
            uint a = Wire.Ipv4Address.Make(10, 0, 0, 1);
            uint b = Wire.Ipv4Address.Make(10, 0, 0, 2);
            uint i0 = g.Next(a, 80, b, 40000, 1000);
            uint i1 = g.Next(a, 80, b, 40000, 61000);
            Check.Equal(15000000u, i1 - i0, "same 4-tuple: +250 per ms (4 µs clock)");
            uint other = g.Next(a, 80, b, 40001, 1000);
            Check.True(other != i0 && other - i0 != 1u && i0 - other != 1u, "a neighbouring port gives an unrelated ISN");
            TcpIsnGenerator h = new TcpIsnGenerator(new byte[] { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 });
            Check.True(h.Next(a, 80, b, 40000, 1000) != i0, "another key, another ISN");
        }
    }
}
