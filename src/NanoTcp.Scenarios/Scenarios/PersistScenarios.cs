using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // The persist timer's limits (RFC 1122 4.2.2.17): probing goes on while the peer answers, and ends
    // when it stops answering, or sooner when nobody is left to wait for the data.

    public sealed class PersistGivesUpOnSilentPeer : Scenario
    {
        public PersistGivesUpOnSilentPeer() : base("persist-gives-up", "a zero window, then silence: answered probes keep the connection, MaxRetries unanswered ones abort it with RST (timed-out)") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.MaxRetries = 4;
            cfg.PersistMaxMs = 8000;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 1000);
            p.Stack.Send(h, ScriptedPeer.Bytes(1000, 0), 0, 1000);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1000, 0);
            p.StackNxt += 1000;
            p.Stack.Send(h, ScriptedPeer.Bytes(500, 0), 0, 500);
            p.Stack.Poll(0);
            // Probes back off 1, 2, 4, 8, 8 ... s. Six answered ones (more than MaxRetries) change nothing.
            long[] answered = { 1000, 3000, 7000, 15000, 23000, 31000 };
            for (int i = 0; i < answered.Length; i++)
            {
                p.AdvanceTo(answered[i]);
                Check.Equal(1, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt).PayloadLength, "one-octet probe");
                p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 0);
            }
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "kept while the peer answers");
            // The peer goes silent: four unanswered probes, then the fifth timeout gives up.
            long[] silent = { 39000, 47000, 55000, 63000 };
            for (int i = 0; i < silent.Length; i++)
            {
                p.AdvanceTo(silent[i]);
                p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            }
            Check.Equal(4, p.Stack.GetConnection(h).UnansweredProbes, "unanswered probes counted");
            p.AdvanceTo(70999);
            p.ExpectNothing("before the next probe time");
            p.AdvanceTo(71000);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "aborted");
            Check.Equal((int)TcpCloseReason.TimedOut, (int)p.Stack.GetCloseReason(h), "timed-out");
            Check.True(p.Trace.Contains("timer give-up"), "traced");
        }
    }

    public sealed class PersistOrphanGivesUp : Scenario
    {
        public PersistOrphanGivesUp() : base("persist-orphan-gives-up", "the application closed while data waits for a zero window: after OrphanRetries probes, answered or not, the slot is reset and freed") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 1000);
            TcpConnection c = p.Connection;
            p.Stack.Send(h, ScriptedPeer.Bytes(1000, 0), 0, 1000);
            p.Stack.Poll(0);
            p.Expect(TcpFlags.Ack | TcpFlags.Psh, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1000, 0);
            p.StackNxt += 1000;
            p.Stack.Send(h, ScriptedPeer.Bytes(500, 0), 0, 500);
            p.Stack.Close(h);
            p.Stack.Poll(0);
            Check.Equal((int)TcpState.FinWait1, (int)c.CurrentState, "FIN queued behind the data");
            long[] probes = { 1000, 3000, 7000, 15000 };
            for (int i = 0; i < probes.Length; i++)
            {
                p.AdvanceTo(probes[i]);
                p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
                p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 0); // answered: still no room
            }
            p.AdvanceTo(31000);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
            Check.True(!c.IsInUse, "the slot is free again");
            Check.Equal((int)TcpCloseReason.TimedOut, (int)c.Reason, "timed-out");
        }
    }
}
