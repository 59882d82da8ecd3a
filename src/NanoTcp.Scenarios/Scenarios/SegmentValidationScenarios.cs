using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Which segments are believed: only the peer's own retransmitted FIN restarts TIME-WAIT, and no
    // segment from an address that cannot be a source opens anything.

    public sealed class TimeWaitOnlyRetransmittedFinRestarts : Scenario
    {
        public TimeWaitOnlyRetransmittedFinRestarts() : base("time-wait-fin-restart", "in TIME-WAIT the peer's retransmitted FIN is re-ACKed and restarts 2MSL; other FINs restart nothing and are answered within the challenge-ACK limit") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            TcpConnection c = p.Connection;
            p.CloseFirst(h);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            p.StackNxt++;
            p.PeerNxt++;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal((int)TcpState.TimeWait, (int)c.CurrentState, "TIME-WAIT");
            long t0 = p.Now;
            // The real retransmitted FIN (our ACK was lost): ACKed again, 2MSL restarts from here.
            p.AdvanceTo(t0 + 10000);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt - 1, p.StackNxt, 8192);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.True(p.Trace.Contains("2msl-restart"), "restart traced");
            // Twenty FINs far outside the window just before the (restarted) expiry.
            p.AdvanceTo(t0 + 69000);
            for (int i = 0; i < 20; i++)
            {
                p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt + 100000 + (uint)i, p.StackNxt, 8192);
            }
            int answers = p.Pending;
            p.Discard();
            Check.True(answers <= 10, "at most ChallengeAckPerSecond answers, got " + answers.ToString());
            p.AdvanceTo(t0 + 69999);
            Check.Equal((int)TcpState.TimeWait, (int)c.CurrentState, "still TIME-WAIT");
            p.AdvanceTo(t0 + 70000);
            Check.True(!c.IsInUse, "2MSL after the real retransmitted FIN, not after the forged ones");
        }
    }

    public sealed class InvalidSourceAddresses : Scenario
    {
        public InvalidSourceAddresses() : base("invalid-source-addresses", "SYNs from 0.0.0.0/8, 127/8, 224/4 and 240/4 (broadcast too) open nothing and are not answered (RFC 1122 3.2.1.3)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            Check.True(p.Stack.Listen(80) >= 0, "listen");
            uint[] sources =
            {
                Ipv4Address.Make(0, 0, 0, 0), Ipv4Address.Make(0, 1, 2, 3), Ipv4Address.Make(127, 0, 0, 1),
                Ipv4Address.Make(127, 9, 9, 9), Ipv4Address.Make(224, 0, 0, 1), Ipv4Address.Make(240, 0, 0, 1),
                Ipv4Address.Make(255, 255, 255, 255),
            };
            for (int i = 0; i < sources.Length; i++)
            {
                DropReason r = p.SendRaw(sources[i], 40000 + i, 80, TcpFlags.Syn, 1000, 0, 8192, null, 0, 0, 1460, null);
                Check.Equal((int)DropReason.Ipv4BadSource, (int)r, "dropped as a bad source: " + Ipv4Address.Format(sources[i]));
                p.ExpectNothing("no SYN-ACK to " + Ipv4Address.Format(sources[i]));
            }
            for (int i = 0; i < p.Stack.ConnectionSlots; i++)
            {
                Check.True(!p.Stack.ConnectionAt(i).IsInUse, "no half-open connection");
            }
        }
    }
}
