using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // The ways out of every state not covered elsewhere (RFC 9293 §3.3.2 figure 5, §3.10).

    public sealed class RstInEverySynchronizedState : Scenario
    {
        public RstInEverySynchronizedState() : base("rst-every-state", "an exact RST closes ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING and LAST-ACK; TIME-WAIT ignores it") { }

        public override void Run()
        {
            for (int target = (int)TcpState.Established; target <= (int)TcpState.TimeWait; target++)
            {
                ScriptedPeer p = new ScriptedPeer(null);
                int h = p.OpenPassive(80, 8192);
                Reach(p, h, (TcpState)target);
                Check.Equal(target, (int)p.Stack.GetState(h), "reached " + TcpStates.Name((TcpState)target));
                p.Discard();
                DropReason r = p.Send(TcpFlags.Rst, p.PeerNxt, 0, 0);
                if (target == (int)TcpState.TimeWait)
                {
                    Check.Equal((int)DropReason.TcpRstIgnored, (int)r, "TIME-WAIT ignores RST");
                    Check.Equal(target, (int)p.Stack.GetState(h), "still TIME-WAIT");
                }
                else
                {
                    Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "RST closes " + TcpStates.Name((TcpState)target));
                    Check.Equal((int)TcpCloseReason.ResetByPeer, (int)p.Stack.GetCloseReason(h), "reason");
                }
                p.ExpectNothing("never an RST for an RST");
            }
        }

        /// <summary>Drives an established connection (handle held) into the target state.</summary>
        internal static void Reach(ScriptedPeer p, int h, TcpState target)
        {
            switch (target)
            {
                case TcpState.Established:
                    return;
                case TcpState.FinWait1:
                    p.Stack.Shutdown(h);
                    p.Stack.Poll(p.Now);
                    p.Next();
                    return;
                case TcpState.FinWait2:
                    p.Stack.Shutdown(h);
                    p.Stack.Poll(p.Now);
                    p.Next();
                    p.StackNxt++;
                    p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
                    return;
                case TcpState.CloseWait:
                    p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
                    p.PeerNxt++;
                    p.Next();
                    return;
                case TcpState.Closing:
                    p.Stack.Shutdown(h);
                    p.Stack.Poll(p.Now);
                    p.Next();
                    p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
                    p.PeerNxt++;
                    p.Next();
                    return;
                case TcpState.LastAck:
                    p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
                    p.PeerNxt++;
                    p.Next();
                    p.Stack.Shutdown(h);
                    p.Stack.Poll(p.Now);
                    p.Next();
                    return;
                case TcpState.TimeWait:
                    p.Stack.Shutdown(h);
                    p.Stack.Poll(p.Now);
                    p.Next();
                    p.StackNxt++;
                    p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
                    p.PeerNxt++;
                    p.Next();
                    return;
            }
        }
    }

    public sealed class RetransmitGiveUpWhileClosing : Scenario
    {
        public RetransmitGiveUpWhileClosing() : base("closing-states-time-out", "FIN-WAIT-1, CLOSING and LAST-ACK give up after MaxRetries unanswered FINs (RST, timed-out)") { }

        public override void Run()
        {
            TcpState[] states = new TcpState[] { TcpState.FinWait1, TcpState.Closing, TcpState.LastAck };
            for (int i = 0; i < states.Length; i++)
            {
                TcpConfig cfg = ScriptedPeer.DefaultConfig();
                cfg.MaxRetries = 2;
                ScriptedPeer p = new ScriptedPeer(cfg);
                int h = p.OpenPassive(80, 8192);
                RstInEverySynchronizedState.Reach(p, h, states[i]);
                p.Discard();
                p.AdvanceTo(1000);
                p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
                p.AdvanceTo(3000);
                p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
                p.AdvanceTo(7000);
                p.Expect(TcpFlags.Rst, p.StackNxt + 1, 0);
                Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), TcpStates.Name(states[i]) + " gave up");
                Check.Equal((int)TcpCloseReason.TimedOut, (int)p.Stack.GetCloseReason(h), "timed-out");
            }
        }
    }

    public sealed class OrphanedFinWait2Timeout : Scenario
    {
        public OrphanedFinWait2Timeout() : base("fin-wait-2-timeout", "a closed (orphaned) connection whose peer never sends FIN leaves FIN-WAIT-2 after 60 s; with the handle held it waits") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Close(h);
            p.Stack.Poll(0);
            p.Next();
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
            Check.Equal((int)TcpState.FinWait2, (int)p.Stack.ConnectionAt(0).CurrentState, "FIN-WAIT-2");
            p.AdvanceTo(59999);
            Check.True(p.Stack.ConnectionAt(0).IsInUse, "still waiting");
            p.AdvanceTo(60000);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "released");
            Check.True(p.Trace.Contains("timer fin-wait-2-timeout"), "traced");

            ScriptedPeer q = new ScriptedPeer(null);
            int g = q.OpenPassive(80, 8192);
            q.Stack.Shutdown(g);
            q.Stack.Poll(0);
            q.Next();
            q.Send(TcpFlags.Ack, q.PeerNxt, q.StackNxt + 1, 8192);
            q.AdvanceTo(600000);
            Check.Equal((int)TcpState.FinWait2, (int)q.Stack.GetState(g), "half-closed handle keeps FIN-WAIT-2");
        }
    }

    public sealed class CloseDuringHandshake : Scenario
    {
        public CloseDuringHandshake() : base("close-during-handshake", "Close in SYN-SENT deletes the connection; Close in SYN-RECEIVED sends FIN once ESTABLISHED (FIN-WAIT-1)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            p.Stack.Close(h);
            Check.True(p.Trace.Contains("SYN-SENT -> CLOSED"), "SYN-SENT -> CLOSED");
            Check.True(!p.Stack.ConnectionAt(h).IsInUse, "slot free");
            // A late SYN-ACK finds no connection: RST.
            p.PeerPortInUse = 80;
            p.StackPort = syn.SrcPort;
            p.Send(TcpFlags.Syn | TcpFlags.Ack, 100, syn.Seq + 1, 8192, null, 1460);
            p.Expect(TcpFlags.Rst, syn.Seq + 1, 0);

            // Simultaneous open, then Close while in SYN-RECEIVED.
            ScriptedPeer q = new ScriptedPeer(null);
            int g = q.Stack.Connect(ScriptedPeer.PeerIp, 6000, 5000);
            q.PeerPortInUse = 6000;
            q.StackPort = 5000;
            q.Stack.Poll(0);
            SentSegment s2 = q.Next();
            q.Send(TcpFlags.Syn, 300, 0, 4096, null, 1460);
            q.Next();
            Check.Equal((int)TcpState.SynReceived, (int)q.Stack.GetState(g), "SYN-RECEIVED");
            q.Stack.Close(g);
            q.Stack.Poll(0);
            q.ExpectNothing("FIN waits for ESTABLISHED");
            q.Send(TcpFlags.Ack, 301, s2.Seq + 1, 4096);
            Check.True(q.Trace.Contains("ESTABLISHED -> FIN-WAIT-1"), "FIN-WAIT-1");
            q.Expect(TcpFlags.Fin | TcpFlags.Ack, s2.Seq + 1, 301);
        }
    }

    public sealed class ListenerStop : Scenario
    {
        public ListenerStop() : base("listener-stop", "closing a listener resets its connections not yet accepted; accepted ones live on; the port then refuses") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(ScriptedPeer.TableConfig(4));
            int h = p.OpenPassive(80, 8192);
            int l = 0;
            p.SendRaw(ScriptedPeer.PeerIp, 41000, 80, TcpFlags.Syn, 7000, 0, 8192, null, 0, 0, 1460, null);
            SentSegment sa = p.Next();
            p.Stack.StopListening(l);
            p.Expect(TcpFlags.Rst, sa.Seq + 1, 0);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "accepted connection kept");
            p.SendRaw(ScriptedPeer.PeerIp, 41001, 80, TcpFlags.Syn, 9000, 0, 8192, null, 0, 0, 1460, null);
            p.Expect(TcpFlags.Rst | TcpFlags.Ack, 0, 9001);
            Check.True(p.Stack.Listen(80) >= 0, "the port can be listened on again");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class CloseWithUnreadDataResets : Scenario
    {
        public CloseWithUnreadDataResets() : base("close-unread-data-rst", "RFC 1122 4.2.2.13: Close with unread data, or data arriving after Close, is answered with RST") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(10, 0), 0);
            p.PeerNxt += 10;
            p.Next();
            p.Stack.Close(h);
            p.Expect(TcpFlags.Rst, p.StackNxt, 0);
            Check.True(!p.Stack.ConnectionAt(0).IsInUse, "aborted");

            ScriptedPeer q = new ScriptedPeer(null);
            int g = q.OpenPassive(80, 8192);
            q.Stack.Close(g);
            q.Stack.Poll(0);
            q.Expect(TcpFlags.Fin | TcpFlags.Ack, q.StackNxt, q.PeerNxt);
            q.Send(TcpFlags.Ack | TcpFlags.Psh, q.PeerNxt, q.StackNxt + 1, 8192, ScriptedPeer.Bytes(10, 0), 0);
            q.Expect(TcpFlags.Rst, q.StackNxt + 1, 0);
            Check.True(!q.Stack.ConnectionAt(0).IsInUse, "data after Close: reset");
        }
    }

    public sealed class FinIntoZeroWindow : Scenario
    {
        public FinIntoZeroWindow() : base("fin-zero-window", "a bare FIN into a zero window is taken (CLOSE-WAIT); the application reads the data, then EOF") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1460, 0), 0);
            p.PeerNxt += 1460;
            p.Next();
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(588, 0), 0);
            p.PeerNxt += 588;
            Check.Equal(0, p.Next().Window, "zero window");
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 1);
            Check.Equal((int)TcpState.CloseWait, (int)p.Stack.GetState(h), "CLOSE-WAIT");
            byte[] buf = new byte[4096];
            Check.Equal(2048, p.Stack.Receive(h, buf, 0, 4096), "the data");
            Check.Equal(-1, p.Stack.Receive(h, buf, 0, 4096), "then EOF");
        }
    }
}
