using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Receive-side edges: every segment is trimmed to the window (SYN-ACK data included), a FIN after a
    // hole is remembered, and out-of-order data and gap filling are acknowledged at once (RFC 5681 §4.2).

    public sealed class SynAckDataTrimmed : Scenario
    {
        public SynAckDataTrimmed() : base("syn-ack-data-trimmed", "a SYN-ACK carrying more data than the receive ring: what fits is taken, the rest trimmed; the window is 0, never negative") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.ReceiveBufferSize = 1000;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.PeerPortInUse = 80;
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            Check.Equal(1000, syn.Window, "our SYN offers the ring");
            p.StackPort = syn.SrcPort;
            p.StackNxt = syn.Seq + 1;
            byte[] data = ScriptedPeer.Bytes(1400, 7);
            p.Send(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, data, 1460);
            p.PeerNxt++;
            SentSegment ack = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 1000);
            Check.Equal(0, ack.Window, "the ring is full: window 0");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "established");
            byte[] got = new byte[2000];
            int n = p.Stack.Receive(h, got, 0, got.Length);
            Check.Equal(1000, n, "what fitted");
            for (int i = 0; i < n; i++)
            {
                if (got[i] != data[i]) Check.Fail("byte " + i.ToString() + " differs");
            }
        }
    }

    public sealed class FinAfterHole : Scenario
    {
        public FinAfterHole() : base("fin-after-hole", "a bare FIN after lost data is ACKed at once (duplicate ACK) and remembered; when the data arrives, data and FIN are ACKed at once") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.DelayedAckMs = 100;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 8192);
            p.AdvanceTo(10);
            p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt + 100, p.StackNxt, 8192);
            Check.Equal(10L, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt).TimeMs, "duplicate ACK at once");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "the FIN waits for the data before it");
            p.Send(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(100, 0), 0);
            Check.Equal(10L, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 101).TimeMs, "data and FIN ACKed at once");
            Check.Equal((int)TcpState.CloseWait, (int)p.Stack.GetState(h), "the FIN is taken");
            byte[] got = new byte[200];
            Check.Equal(100, p.Stack.Receive(h, got, 0, got.Length), "the data");
            Check.Equal(-1, p.Stack.Receive(h, got, 0, got.Length), "then end of stream");
        }
    }

    public sealed class GapFillAckedAtOnce : Scenario
    {
        public GapFillAckedAtOnce() : base("gap-fill-acked-at-once", "with delayed ACK on, a segment that fills part of a hole, and the one that closes it, are each ACKed at once (RFC 5681 §4.2)") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.DelayedAckMs = 100;
            ScriptedPeer p = new ScriptedPeer(cfg);
            p.OpenPassive(80, 8192);
            p.AdvanceTo(10);
            p.Send(TcpFlags.Ack, p.PeerNxt + 200, p.StackNxt, 8192, ScriptedPeer.Bytes(100, 200), 0);
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192, ScriptedPeer.Bytes(100, 0), 0);
            Check.Equal(10L, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 100).TimeMs, "part of the gap filled: ACK at once");
            p.Send(TcpFlags.Ack, p.PeerNxt + 100, p.StackNxt, 8192, ScriptedPeer.Bytes(100, 100), 0);
            Check.Equal(10L, p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt + 300).TimeMs, "the gap closed: ACK at once for all 300 bytes");
        }
    }
}
