using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Closing: four waves, three waves, half-close, simultaneous close, TIME-WAIT (RFC 9293 §3.6).

    public sealed class FourWayCloseActive : Scenario
    {
        public FourWayCloseActive() : base("close-four-way", "we close first: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT, released exactly 2MSL = 60 s after the last ACK") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Close(h);
            Check.True(p.Trace.Contains("ESTABLISHED -> FIN-WAIT-1"), "FIN-WAIT-1");
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.StackNxt++;
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            Check.True(p.Trace.Contains("FIN-WAIT-1 -> FIN-WAIT-2"), "FIN-WAIT-2");
            p.AdvanceTo(5000);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.True(p.Trace.Contains("FIN-WAIT-2 -> TIME-WAIT"), "TIME-WAIT");
            Check.True(p.Trace.Contains("timer 2msl-start 60000"), "2MSL timer traced");
            p.AdvanceTo(64999);
            Check.Equal((int)TcpState.TimeWait, (int)p.Stack.ConnectionAt(0).CurrentState, "still TIME-WAIT at 59.999 s");
            p.AdvanceTo(65000);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released at 60 s");
            Check.True(p.Trace.Contains("timer 2msl-expired"), "trace expiry");
            Check.True(p.Trace.Contains("TIME-WAIT -> CLOSED"), "trace CLOSED");
        }
    }

    public sealed class ThreeWayClose : Scenario
    {
        public ThreeWayClose() : base("close-three-way", "the peer piggybacks its FIN on the ACK of ours: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT on one segment") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.CloseFirst(h);
            p.StackNxt++;
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.TimeWait, (int)p.Stack.ConnectionAt(0).CurrentState, "TIME-WAIT");
            p.ExpectNothing("three segments in all");
        }
    }

    public sealed class PassiveClose : Scenario
    {
        public PassiveClose() : base("close-passive", "the peer closes first: CLOSE-WAIT, Receive returns -1 (EOF), our Close -> LAST-ACK -> CLOSED") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(10, 0), 0);
            p.PeerNxt += 11;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.CloseWait, (int)p.Stack.GetState(h), "CLOSE-WAIT");
            Check.True((p.Stack.GetEvents(h) & TcpEvents.PeerClosed) != 0, "PeerClosed event");
            byte[] buf = new byte[100];
            Check.Equal(10, p.Stack.Receive(h, buf, 0, 100), "data before FIN");
            Check.Equal(-1, p.Stack.Receive(h, buf, 0, 100), "EOF");
            p.CloseFirst(h);
            Check.True(p.Trace.Contains("CLOSE-WAIT -> LAST-ACK"), "LAST-ACK");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            Check.True(p.Trace.Contains("LAST-ACK -> CLOSED"), "CLOSED");
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released, no TIME-WAIT for the passive closer");
        }
    }

    public sealed class LastAckRetransmit : Scenario
    {
        public LastAckRetransmit() : base("last-ack-fin-retransmit", "our FIN from LAST-ACK is lost: resent after the RTO") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.CloseFirst(h);
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.AdvanceTo(3000);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "closed");
        }
    }

    public sealed class HalfClosePeer : Scenario
    {
        public HalfClosePeer() : base("half-close-peer", "why four waves: after the peer's FIN we keep sending data in CLOSE-WAIT, then close") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            byte[] data = ScriptedPeer.Bytes(2000, 0);
            Check.Equal(2000, p.Stack.Send(h, data, 0, 2000), "send in CLOSE-WAIT");
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1460, 8192);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt + 1460, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 2000, 8192);
            p.StackNxt += 2000;
            p.CloseFirst(h);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "closed");
        }
    }

    public sealed class HalfCloseOurs : Scenario
    {
        public HalfCloseOurs() : base("half-close-ours", "Shutdown sends our FIN; data from the peer keeps arriving in FIN-WAIT-2 and is delivered") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(5, 0), 0, 5);
            p.Stack.Shutdown(h);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            p.StackNxt += 6;
            Check.Equal(-1, p.Stack.Send(h, ScriptedPeer.Bytes(5, 0), 0, 5), "no send after shutdown");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            Check.Equal((int)TcpState.FinWait2, (int)p.Stack.GetState(h), "FIN-WAIT-2");
            p.Send(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(500, 0), 0);
            p.PeerNxt += 500;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            byte[] buf = new byte[1000];
            Check.Equal(500, p.Stack.Receive(h, buf, 0, 1000), "data in FIN-WAIT-2");
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(-1, p.Stack.Receive(h, buf, 0, 1000), "EOF");
            Check.Equal((int)TcpState.TimeWait, (int)p.Stack.GetState(h), "TIME-WAIT (handle still held)");
            p.Stack.Close(h);
            p.AdvanceTo(60000);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released after 2MSL");
        }
    }

    public sealed class SimultaneousClose : Scenario
    {
        public SimultaneousClose() : base("close-simultaneous", "both FINs cross: FIN-WAIT-1 -> CLOSING -> TIME-WAIT") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.CloseFirst(h);
            // The peer's FIN does not acknowledge ours yet.
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            Check.True(p.Trace.Contains("FIN-WAIT-1 -> CLOSING"), "CLOSING");
            p.Expect(TcpFlags.Ack, p.StackNxt + 1, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            Check.True(p.Trace.Contains("CLOSING -> TIME-WAIT"), "TIME-WAIT");
        }
    }

    public sealed class LostFinalAck : Scenario
    {
        public LostFinalAck() : base("lost-final-ack", "why 2MSL: our last ACK is lost, the peer resends its FIN, TIME-WAIT ACKs it again and restarts 2MSL") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.CloseFirst(h);
            p.StackNxt++;
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 1); // lost
            p.AdvanceTo(3000);
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192), "old FIN");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 1);
            Check.True(p.Trace.Contains("timer 2msl-restart 60000"), "2MSL restarted");
            p.AdvanceTo(62999);
            Check.Equal((int)TcpState.TimeWait, (int)p.Stack.ConnectionAt(0).CurrentState, "TIME-WAIT counts from the restart");
            p.AdvanceTo(63000);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released");
        }
    }

    public sealed class FinRetransmitFinWait1 : Scenario
    {
        public FinRetransmitFinWait1() : base("fin-retransmit", "our FIN is lost in FIN-WAIT-1: resent on RTO with the same sequence number") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.CloseFirst(h);
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.True(p.Trace.Contains("timer retransmit 2000"), "RTO doubled");
        }
    }

    public sealed class TimeWaitRstIgnored : Scenario
    {
        public TimeWaitRstIgnored() : base("time-wait-rst-ignored", "RFC 1337: an RST in TIME-WAIT does not cut the 2MSL wait short") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Close(h);
            p.Stack.Poll(0);
            p.Next();
            p.StackNxt++;
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Next();
            Check.Equal((int)DropReason.TcpRstIgnored, (int)p.Send(TcpFlags.Rst, p.PeerNxt, 0, 0), "RST ignored");
            Check.Equal((int)TcpState.TimeWait, (int)p.Stack.ConnectionAt(0).CurrentState, "still TIME-WAIT");
            p.ExpectNothing("no reply to RST");
        }
    }

    public sealed class TimeWaitNewSyn : Scenario
    {
        public TimeWaitNewSyn() : base("time-wait-new-syn", "a new SYN above the old sequence space reopens the connection from TIME-WAIT (RFC 1122 4.2.2.13)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Close(h);
            p.Stack.Poll(0);
            p.Next();
            p.StackNxt++;
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.PeerNxt++;
            p.Next();
            p.AdvanceTo(1000);
            // An old segment of the previous incarnation (below RCV.NXT) is only re-ACKed.
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.Send(TcpFlags.Ack, p.PeerNxt - 10, p.StackNxt, 8192, ScriptedPeer.Bytes(5, 0), 0), "old data");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Syn, p.PeerNxt + 100000, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, sa.Flags, "new SYN-ACK");
            Check.Equal(p.PeerNxt + 100001, sa.Ack, "acknowledges the new SYN");
            Check.True(p.Trace.Contains("LISTEN -> SYN-RECEIVED"), "new incarnation");
        }
    }
}
