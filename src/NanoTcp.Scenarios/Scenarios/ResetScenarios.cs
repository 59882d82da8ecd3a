using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // RST: closed ports, refused opens, aborts, and the RFC 5961 protections against blind injection.

    public sealed class ClosedPortRst : Scenario
    {
        public ClosedPortRst() : base("closed-port-rst", "SYN to a closed port: RST,ACK <SEQ=0><ACK=SEG.SEQ+1>; ACK segment: RST <SEQ=SEG.ACK>; never an RST for an RST") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            p.StackPort = 81;
            Check.Equal((int)DropReason.TcpPortClosed, (int)p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460), "closed port");
            p.Expect(TcpFlags.Rst | TcpFlags.Ack, 0, 1001);
            p.Send(TcpFlags.Ack | TcpFlags.Psh, 1001, 777, 8192, ScriptedPeer.Bytes(10, 0), 0);
            p.Expect(TcpFlags.Rst, 777, 0);
            p.Send(TcpFlags.Fin, 5000, 0, 8192, ScriptedPeer.Bytes(10, 0), 0);
            p.Expect(TcpFlags.Rst | TcpFlags.Ack, 0, 5011);
            p.Send(TcpFlags.Rst, 1001, 0, 0);
            p.Send(TcpFlags.Rst | TcpFlags.Ack, 1001, 5, 0);
            p.ExpectNothing("no RST in reply to an RST");
            Check.Equal(3, p.Stack.ResetsSent, "three resets");
        }
    }

    public sealed class ConnectRefused : Scenario
    {
        public ConnectRefused() : base("connect-refused", "RST,ACK answering our SYN: CLOSED with reason refused, Closed event") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            SentSegment syn;
            int h = p.Connect(23, out syn);
            // An RST without an acceptable ACK is ignored in SYN-SENT.
            p.Send(TcpFlags.Rst | TcpFlags.Ack, 0, syn.Seq + 5, 0);
            p.ExpectNothing("no reply to an RST");
            Check.Equal((int)TcpState.SynSent, (int)p.Stack.GetState(h), "unacceptable RST ignored");
            p.Send(TcpFlags.Rst | TcpFlags.Ack, 0, syn.Seq + 1, 0);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "CLOSED");
            Check.Equal((int)TcpCloseReason.Refused, (int)p.Stack.GetCloseReason(h), "refused");
            Check.True((p.Stack.GetEvents(h) & TcpEvents.Closed) != 0, "Closed event");
            byte[] b = new byte[4];
            Check.Equal(-1, p.Stack.Receive(h, b, 0, 4), "Receive -1");
            p.ExpectNothing("no RST for RST");
        }
    }

    public sealed class ResetByPeer : Scenario
    {
        public ResetByPeer() : base("reset-established", "an RST with SEQ = RCV.NXT ends an established connection: reason reset-by-peer") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Rst, p.PeerNxt, 0, 0);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "CLOSED");
            Check.Equal((int)TcpCloseReason.ResetByPeer, (int)p.Stack.GetCloseReason(h), "reason");
            Check.True(p.Trace.Contains("ESTABLISHED -> CLOSED"), "trace");
            p.ExpectNothing("silent");
            p.Stack.Close(h);
            Check.True(!p.Stack.ConnectionAt(h).IsInUse, "slot free after Close");
        }
    }

    public sealed class AbortSendsRst : Scenario
    {
        public AbortSendsRst() : base("abort", "Abort sends RST <SEQ=SND.NXT> and frees the slot at once") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Abort(h);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
            Check.True(!p.Stack.ConnectionAt(h).IsInUse, "slot free");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(3, 0), 0);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
        }
    }

    public sealed class Rfc5961Rst : Scenario
    {
        public Rfc5961Rst() : base("rfc5961-rst", "RST in the window but not at RCV.NXT: challenge ACK, connection kept; out-of-window RST: silently dropped") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            Check.Equal((int)DropReason.TcpChallengeAck, (int)p.Send(TcpFlags.Rst, p.PeerNxt + 100, 0, 0), "in-window RST");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "kept");
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.Send(TcpFlags.Rst, p.PeerNxt + 100000, 0, 0), "out-of-window RST");
            p.ExpectNothing("no ACK for an out-of-window RST");
            Check.Equal(1, p.Stack.GetConnection(h).ChallengeAcks, "one challenge ACK");
            // The legitimate peer answers the challenge with an exact RST.
            p.Send(TcpFlags.Rst, p.PeerNxt, 0, 0);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "exact RST resets");
        }
    }

    public sealed class Rfc5961Syn : Scenario
    {
        public Rfc5961Syn() : base("rfc5961-syn", "a SYN on an established connection (any sequence number) gets a challenge ACK; the connection stays") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            Check.Equal((int)DropReason.TcpChallengeAck, (int)p.Send(TcpFlags.Syn, p.PeerNxt + 10, 0, 8192, null, 1460), "in-window SYN");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Syn, p.PeerNxt - 50000, 0, 8192, null, 1460);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "kept");
        }
    }

    public sealed class Rfc5961Ack : Scenario
    {
        public Rfc5961Ack() : base("rfc5961-ack", "data whose ACK is outside [SND.UNA − MAX.SND.WND, SND.NXT] is dropped with a challenge ACK (blind data injection)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            Check.Equal((int)DropReason.TcpChallengeAck, (int)p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 5000, 8192, ScriptedPeer.Bytes(10, 0), 0), "ACK ahead of SND.NXT");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)DropReason.TcpChallengeAck, (int)p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt - 100000, 8192, ScriptedPeer.Bytes(10, 0), 0), "ACK far behind");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            byte[] b = new byte[20];
            Check.Equal(0, p.Stack.Receive(h, b, 0, 20), "injected data not delivered");
            // an old but plausible ACK (within MAX.SND.WND) is fine: data accepted
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt - 100, 8192, ScriptedPeer.Bytes(10, 0), 0);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 10);
        }
    }

    public sealed class ChallengeAckRateLimit : Scenario
    {
        public ChallengeAckRateLimit() : base("rfc5961-rate-limit", "challenge ACKs are limited to ChallengeAckPerSecond (10) per connection per second") { }

        public override void Run()
        {
            // Room for every answer to the 25 RSTs, so that one too many shows as a wrong count.
            ScriptedPeer p = new ScriptedPeer(null, 32, ScriptedPeer.DefaultTraceLines);
            int h = p.OpenPassive(80, 8192);
            for (int i = 0; i < 25; i++)
            {
                p.Send(TcpFlags.Rst, p.PeerNxt + 1 + (uint)i, 0, 0);
            }
            int n = p.Pending;
            Check.Equal(10, n, "ten challenge ACKs in the first second");
            p.Discard();
            p.AdvanceTo(1000);
            p.Send(TcpFlags.Rst, p.PeerNxt + 1, 0, 0);
            Check.Equal(1, p.Pending, "the next second allows more");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "never reset");
        }
    }

    public sealed class ListenIgnoresRstAndRefusesAck : Scenario
    {
        public ListenIgnoresRstAndRefusesAck() : base("listen-rst-ack", "LISTEN ignores RST and answers a stray ACK with RST <SEQ=SEG.ACK>") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            p.Stack.Listen(80);
            p.StackPort = 80;
            Check.Equal((int)DropReason.TcpRstIgnored, (int)p.Send(TcpFlags.Rst, 5, 0, 0), "RST ignored");
            p.ExpectNothing("no reply");
            Check.Equal((int)DropReason.TcpBadAck, (int)p.Send(TcpFlags.Ack, 5, 12345, 100), "stray ACK");
            p.Expect(TcpFlags.Rst, 12345, 0);
            Check.Equal((int)DropReason.TcpUnexpected, (int)p.Send(TcpFlags.Fin, 5, 0, 100), "FIN without SYN");
        }
    }

    public sealed class SynReceivedBadAck : Scenario
    {
        public SynReceivedBadAck() : base("syn-received-bad-ack", "in SYN-RECEIVED an unacceptable ACK is answered with RST <SEQ=SEG.ACK>; the half-open connection stays") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            Check.Equal((int)DropReason.TcpBadAck, (int)p.Send(TcpFlags.Ack, 1001, sa.Seq + 77, 8192), "bad ACK");
            p.Expect(TcpFlags.Rst, sa.Seq + 77, 0);
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            Check.True(p.Stack.Accept(l) >= 0, "then established");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class ChallengeAckInSynReceived : Scenario
    {
        public ChallengeAckInSynReceived() : base("syn-received-challenge-ack", "an in-window RST that is not exact, in SYN-RECEIVED: challenge ACK with the full window; the half-open connection stays") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int l = p.Stack.Listen(80);
            p.StackPort = 80;
            p.Send(TcpFlags.Syn, 1000, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            Check.Equal((int)DropReason.TcpChallengeAck, (int)p.Send(TcpFlags.Rst, 1500, 0, 0), "in-window RST");
            SentSegment ch = p.Expect(TcpFlags.Ack, sa.Seq + 1, 1001);
            Check.Equal(2048, ch.Window, "full window in the challenge ACK");
            p.Send(TcpFlags.Ack, 1001, sa.Seq + 1, 8192);
            Check.True(p.Stack.Accept(l) >= 0, "then established");
        }
    }
}
