using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Receive-side flow control: advertised window, zero window, window update, silly-window avoidance.

    public sealed class ReceiveWindowFillsAndUpdates : Scenario
    {
        public ReceiveWindowFillsAndUpdates() : base("window-update", "the window shrinks as the ring fills, reaches 0, and a window update is sent as soon as the application drains it (smoltcp #199)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1460, 0), 0);
            p.PeerNxt += 1460;
            SentSegment a1 = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(588, a1.Window, "window = free space");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(588, 0), 0);
            p.PeerNxt += 588;
            SentSegment a2 = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(0, a2.Window, "zero window");
            // Data into a zero window: refused, re-ACKed with window 0.
            Check.Equal((int)DropReason.TcpNotAcceptable, (int)p.Send(TcpFlags.Ack, p.PeerNxt + 1, p.StackNxt, 8192, ScriptedPeer.Bytes(10, 0), 0), "beyond a zero window");
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            // The peer's zero-window probe (one octet at RCV.NXT): not taken, answered with window 0.
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1, 0), 0);
            SentSegment a3 = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(0, a3.Window, "probe answered, window still 0");
            byte[] buf = new byte[4096];
            // Silly window avoidance: reading 100 bytes does not announce a 100-byte window.
            Check.Equal(100, p.Stack.Receive(h, buf, 0, 100), "read 100");
            p.Stack.Poll(0);
            p.ExpectNothing("no update for a silly window");
            Check.Equal(1948, p.Stack.Receive(h, buf, 0, 4096), "read the rest");
            p.Stack.Poll(0);
            SentSegment upd = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(2048, upd.Window, "window update after the drain");
        }
    }

    public sealed class ReceiverSwsAvoidance : Scenario
    {
        public ReceiverSwsAvoidance() : base("receiver-sws", "the advertised right edge moves only by min(buffer/2, MSS): small reads do not open a silly window") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(1460, 0), 0);
            p.PeerNxt += 1460;
            p.Next();
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(500, 0), 0);
            p.PeerNxt += 500;
            SentSegment a = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(88, a.Window, "88 bytes left");
            byte[] buf = new byte[600];
            p.Stack.Receive(h, buf, 0, 600); // 688 free: 600 more than advertised, below the 1024 threshold
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(8, 0), 0);
            p.PeerNxt += 8;
            SentSegment b = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(80, b.Window, "right edge held: 88 − 8");
            p.Stack.Receive(h, buf, 0, 600); // now 1280 more than the edge: moves
            p.Stack.Poll(0);
            SentSegment c = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(2048 - (1460 + 500 + 8 - 1200), c.Window, "edge moved to the free space");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class SenderSwsOverride : Scenario
    {
        public SenderSwsOverride() : base("sender-sws-override", "a small offered window is not used at once (sender SWS), but the override timer sends into it, so a lost window update cannot stall the connection") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(1460, 0), 0, 1460);
            p.Stack.Poll(0);
            p.Next();
            // All acknowledged, but the peer offers only 100 bytes (its window update will be lost).
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1460, 100);
            p.StackNxt += 1460;
            p.Stack.Send(h, ScriptedPeer.Bytes(2000, 0), 0, 2000);
            p.Stack.Poll(0);
            p.ExpectNothing("100 bytes is a silly window (max window 8192)");
            p.AdvanceTo(999);
            p.ExpectNothing("before the override timer");
            p.AdvanceTo(1000);
            SentSegment s = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(100, s.PayloadLength, "the override timer fills the small window");
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 100, 8192);
            SentSegment more = p.Next();
            Check.Equal(1460, more.PayloadLength, "full segments again once the window is back");
        }
    }
}

namespace NanoTcp.Scenarios
{
    public sealed class OutOfWindowAckLimit : Scenario
    {
        public OutOfWindowAckLimit() : base("ack-war-limit", "bare ACKs that fail the acceptability test are answered at most every 500 ms (no ACK war); out-of-window data is always answered") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.AdvanceTo(1000);
            for (int i = 0; i < 10; i++)
            {
                p.Send(TcpFlags.Ack, p.PeerNxt - 1, p.StackNxt, 8192); // one below RCV.NXT: not acceptable
            }
            Check.Equal(1, p.Pending, "one ACK for ten bad bare ACKs");
            p.Discard();
            p.Send(TcpFlags.Ack, p.PeerNxt - 10, p.StackNxt, 8192, ScriptedPeer.Bytes(5, 0), 0);
            p.Send(TcpFlags.Ack, p.PeerNxt - 10, p.StackNxt, 8192, ScriptedPeer.Bytes(5, 0), 0);
            Check.Equal(2, p.Pending, "duplicate data is always re-ACKed");
            p.Discard();
            p.AdvanceTo(1500);
            p.Send(TcpFlags.Ack, p.PeerNxt - 1, p.StackNxt, 8192);
            Check.Equal(1, p.Pending, "the next interval allows one more");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "state");
        }
    }

    public sealed class FinWaitsForWindow : Scenario
    {
        public FinWaitsForWindow() : base("fin-zero-window-persist", "our FIN does not go into a closed window: it goes as the persist probe, then FIN-WAIT-1 proceeds normally") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            p.Stack.Send(h, ScriptedPeer.Bytes(100, 0), 0, 100);
            p.Stack.Poll(0);
            p.Next();
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 100, 0); // all taken, window now closed
            p.StackNxt += 100;
            p.Stack.Close(h);
            p.Stack.Poll(0);
            p.ExpectNothing("FIN held by the zero window");
            p.AdvanceTo(1000);
            p.Expect(TcpFlags.Fin | TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 0);
            Check.Equal((int)TcpState.FinWait2, (int)p.Stack.ConnectionAt(0).CurrentState, "FIN acknowledged");
        }
    }
}
