using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // RFC 6298 during the handshake: Karn's rule for a SYN-ACK sent twice, and RTO = 3 s after a
    // SYN timed out.

    public sealed class KarnDuplicateSyn : Scenario
    {
        public KarnDuplicateSyn() : base("karn-duplicate-syn", "a duplicate SYN makes the stack send its SYN-ACK again: the ACK that follows gives no RTT sample (Karn), whichever SYN-ACK it answers") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            Check.True(p.Stack.Listen(80) >= 0, "listen");
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment first = p.Next();
            p.AdvanceTo(900);
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460); // the peer never saw our SYN-ACK
            SentSegment again = p.Expect(TcpFlags.Syn | TcpFlags.Ack, first.Seq, 1001);
            Check.Equal(900L, again.TimeMs, "answered at once");
            p.AdvanceTo(950);
            p.Send(TcpFlags.Ack, 1001, first.Seq + 1, 8192);
            TcpConnection c = p.Connection;
            Check.Equal((int)TcpState.Established, (int)c.CurrentState, "established");
            Check.Equal(0, c.SrttMs, "no RTT sample from a SYN-ACK that went out twice (50 ms or 950 ms?)");
            Check.Equal(1000, c.RtoMs, "RTO unchanged");
        }
    }

    public sealed class RtoThreeSecondsAfterSynTimeout : Scenario
    {
        public RtoThreeSecondsAfterSynTimeout() : base("rto-3s-after-syn-timeout", "the SYN timed out and was resent: once established, data starts with RTO = 3 s (RFC 6298 5.7)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.PeerPortInUse = 80;
            p.Stack.Poll(0);
            SentSegment syn = p.Next(); // lost
            p.StackPort = syn.SrcPort;
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Syn, syn.Seq, 0);
            p.AdvanceTo(1100);
            p.Send(TcpFlags.Syn | TcpFlags.Ack, p.PeerNxt, syn.Seq + 1, 8192, null, 1460);
            p.PeerNxt++;
            p.StackNxt = syn.Seq + 1;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "established");
            Check.Equal(3000, p.Stack.GetConnection(h).RtoMs, "RTO re-initialised to 3 s");
            p.Stack.Send(h, ScriptedPeer.Bytes(10, 0), 0, 10);
            p.Stack.Poll(p.Now);
            p.Next();
            p.AdvanceTo(1100 + 2999);
            p.ExpectNothing("no retransmission before 3 s");
            p.AdvanceTo(1100 + 3000);
            Check.Equal(10, p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt).PayloadLength, "resent after 3 s");
        }
    }
}
