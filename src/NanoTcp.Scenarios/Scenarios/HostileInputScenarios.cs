using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Hostile and random input: the stack never throws, never corrupts a healthy connection's stream.

    public sealed class RandomSegmentsNeverThrow : Scenario
    {
        public RandomSegmentsNeverThrow() : base("hostile-random-segments", "20 000 seeded random segments (flags, numbers near the window, options, lengths) at live connections and listeners: no exception, bad ones dropped with a reason") { }

        public override void Run()
        {
            Rand r = new Rand(4242);
            byte[] data = ScriptedPeer.Bytes(1460, 0);
            byte[] opts = new byte[40];
            for (int round = 0; round < 20; round++)
            {
                TcpConfig cfg = ScriptedPeer.TableConfig(4);
                cfg.Keepalive = (round & 1) == 0;
                cfg.KeepaliveIdleMs = 500;
                cfg.KeepaliveIntervalMs = 100;
                ScriptedPeer p = new ScriptedPeer(cfg);
                p.OpenPassive(80, 8192);
                p.Capturing = false;
                p.Stack.Listen(81);
                int h2 = p.Stack.Connect(ScriptedPeer.PeerIp, 5555, 0);
                p.Stack.Poll(0);
                for (int i = 0; i < 1000; i++)
                {
                    int kind = r.Next(10);
                    uint seq = kind < 6 ? p.PeerNxt + (uint)(r.Next(8192) - 2048) : r.NextUInt();
                    uint ack = kind < 6 ? p.StackNxt + (uint)(r.Next(8192) - 4096) : r.NextUInt();
                    int flags = r.Next(256);
                    int len = r.Next(4) == 0 ? r.Next(1461) : 0;
                    int optLen = 0;
                    if (r.Next(4) == 0)
                    {
                        optLen = 4 * r.Next(11);
                        for (int k = 0; k < optLen; k++) opts[k] = (byte)r.Next(r.Next(2) == 0 ? 10 : 256);
                    }
                    byte[] rawOpts = null;
                    if (optLen > 0)
                    {
                        rawOpts = new byte[optLen];
                        for (int k = 0; k < optLen; k++) rawOpts[k] = opts[k];
                    }
                    int srcPort = r.Next(3) == 0 ? 1024 + r.Next(60000) : ScriptedPeer.PeerPort;
                    int dstPort = r.Next(4) == 0 ? 5555 : (r.Next(2) == 0 ? 80 : 81);
                    p.SendRaw(ScriptedPeer.PeerIp, srcPort, dstPort, flags, seq, ack, r.Next(65536), data, 0, len, r.Next(3) == 0 ? r.Next(2000) : 0, rawOpts);
                    string bad = p.Stack.CheckInvariants();
                    if (bad != null) Check.Fail("after segment " + i.ToString() + " of round " + round.ToString() + ": " + bad + p.Trace.Tail(8));
                    if ((i & 15) == 0)
                    {
                        p.Advance(r.Next(300));
                    }
                    // Truncated and garbage segments through Input directly.
                    if ((i & 63) == 0)
                    {
                        byte[] junk = new byte[r.Next(80)];
                        for (int k = 0; k < junk.Length; k++) junk[k] = (byte)r.Next(256);
                        p.Stack.Input(ScriptedPeer.PeerIp, ScriptedPeer.StackIp, junk, 0, junk.Length, p.Now);
                    }
                }
                p.Advance(200000);
                Check.True(h2 >= 0, "connect handle");
                p = null; // this round's stack goes before the next one is built (one on the heap at a time)
            }
        }
    }

    public sealed class BlindInjectionDoesNotCorrupt : Scenario
    {
        public BlindInjectionDoesNotCorrupt() : base("hostile-blind-injection", "off-path segments with guessed ports and random numbers never change the delivered stream of a live connection") { }

        public override void Run()
        {
            Rand r = new Rand(99);
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 8192);
            // What the stack answers to forged segments (rate-limited ACKs) is still checked for a
            // valid header, then dropped instead of kept as records: the stream is what this checks.
            p.Capturing = false;
            byte[] good = ScriptedPeer.Bytes(100, 0);
            byte[] evil = new byte[100];
            for (int i = 0; i < evil.Length; i++) evil[i] = 0xEE;
            byte[] buf = new byte[2048];
            long delivered = 0;
            for (int round = 0; round < 200; round++)
            {
                for (int k = 0; k < 50; k++)
                {
                    // Blind attacker: right 4-tuple, random sequence and ACK numbers (RFC 5961 threat model).
                    int flags = r.Next(3) == 0 ? TcpFlags.Rst : (r.Next(2) == 0 ? TcpFlags.Syn : TcpFlags.Ack | TcpFlags.Psh);
                    uint seq = r.NextUInt();
                    if (seq - p.PeerNxt < 8192) seq += 100000; // the attacker does not know the window
                    p.Send(flags, seq, r.NextUInt(), 8192, flags == TcpFlags.Rst || flags == TcpFlags.Syn ? null : evil, 0);
                }
                p.Send(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.StackNxt, 8192, good, 0);
                p.PeerNxt += 100;
                p.Discard();
                Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "connection survives round " + round.ToString());
                int n;
                while ((n = p.Stack.Receive(h, buf, 0, buf.Length)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (buf[i] != (byte)((delivered + i) % 100)) Check.Fail("injected byte delivered at " + (delivered + i).ToString());
                    }
                    delivered += n;
                }
            }
            Check.Equal(20000L, delivered, "all genuine data, nothing else");
        }
    }
}
