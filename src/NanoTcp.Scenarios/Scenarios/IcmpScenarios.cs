using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // ICMP errors about our segments (TcpIcmp.cs): path MTU discovery, a connect refused by ICMP, soft
    // errors recorded, forged errors ignored.

    public sealed class PathMtuDiscovery : Scenario
    {
        public PathMtuDiscovery() : base("path-mtu-discovery", "every segment carries DF; \"fragmentation needed, next-hop MTU 1000\" lowers the MSS to 960 and resends at once in 960-byte segments (RFC 1191)") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.DefaultConfig();
            cfg.SendBufferSize = 8192;
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h = p.OpenPassive(80, 16384);
            p.Stack.Send(h, ScriptedPeer.Bytes(2920, 0), 0, 2920);
            p.Stack.Poll(0);
            SentSegment first = p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            Check.Equal(1460, first.PayloadLength, "full-size segment");
            p.Next();
            p.AdvanceTo(20);
            p.IcmpError(3, 4, 1000, first);
            Check.Equal(960, p.Stack.GetConnection(h).SendMss, "MSS from the next-hop MTU");
            uint seq = p.StackNxt;
            int[] sizes = { 960, 960, 960, 40 };
            for (int i = 0; i < sizes.Length; i++)
            {
                SentSegment s = p.Next();
                Check.Equal(seq, s.Seq, "resent from SND.UNA in order");
                Check.Equal(sizes[i], s.PayloadLength, "at the new size");
                Check.Equal(20L, s.TimeMs, "at once");
                seq += (uint)sizes[i];
            }
            Check.True(p.Trace.Contains("timer path-mtu 960"), "traced");
            TcpConnection c = p.Stack.GetConnection(h);
            Check.Equal(65535, c.SlowStartThreshold, "not a congestion signal: ssthresh untouched");
            Check.True(c.CongestionWindow >= 4380, "not a congestion signal: cwnd kept");
        }
    }

    public sealed class ForgedIcmpIgnored : Scenario
    {
        public ForgedIcmpIgnored() : base("icmp-forged-ignored", "ICMP errors quoting a sequence number outside [SND.UNA, SND.NXT) change nothing (RFC 5927): no smaller MSS, no abort") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.OpenPassive(80, 16384);
            p.Stack.Send(h, ScriptedPeer.Bytes(100, 0), 0, 100);
            p.Stack.Poll(0);
            SentSegment s = p.Next();
            s.Seq += 100000;
            p.IcmpError(3, 4, 576, s);
            p.IcmpError(3, 3, 0, s);
            p.ExpectNothing("nothing resent");
            Check.Equal(1460, p.Stack.GetConnection(h).SendMss, "MSS unchanged");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "still established");
            Check.Equal(0, p.Stack.IcmpErrorsIn, "not counted as ours");
        }
    }

    public sealed class ConnectPortUnreachable : Scenario
    {
        public ConnectPortUnreachable() : base("connect-port-unreachable", "a connect answered by ICMP port unreachable ends at once (reason unreachable) instead of retrying its SYN for a minute") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.PeerPortInUse = 80;
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            p.AdvanceTo(5);
            p.IcmpError(3, 3, 0, syn);
            Check.Equal((int)TcpState.Closed, (int)p.Stack.GetState(h), "closed at once");
            Check.Equal((int)TcpCloseReason.Unreachable, (int)p.Stack.GetCloseReason(h), "reason unreachable");
            Check.Equal(0x0303, p.Stack.GetConnection(h).LastIcmpError, "the ICMP error is recorded");
            p.AdvanceTo(10000);
            p.ExpectNothing("no SYN retransmission, no RST");
        }
    }

    public sealed class IcmpSoftErrors : Scenario
    {
        public IcmpSoftErrors() : base("icmp-soft-errors", "host unreachable while connecting, port unreachable once established: recorded, nothing aborted (RFC 1122 4.2.3.9)") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(null);
            int h = p.Stack.Connect(ScriptedPeer.PeerIp, 80, 0);
            p.PeerPortInUse = 80;
            p.Stack.Poll(0);
            SentSegment syn = p.Next();
            p.StackPort = syn.SrcPort;
            p.IcmpError(3, 1, 0, syn);
            Check.Equal((int)TcpState.SynSent, (int)p.Stack.GetState(h), "host unreachable is soft");
            Check.Equal(0x0301, p.Stack.GetConnection(h).LastIcmpError, "recorded");
            p.Send(TcpFlags.Syn | TcpFlags.Ack, p.PeerNxt, syn.Seq + 1, 8192, null, 1460);
            p.PeerNxt++;
            p.StackNxt = syn.Seq + 1;
            p.Expect(TcpFlags.Ack, p.StackNxt, p.PeerNxt);
            p.Stack.Send(h, ScriptedPeer.Bytes(10, 0), 0, 10);
            p.Stack.Poll(p.Now);
            SentSegment d = p.Next();
            p.IcmpError(3, 3, 0, d);
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h), "port unreachable on a synchronized connection is recorded only");
            Check.Equal(0x0303, p.Stack.GetConnection(h).LastIcmpError, "recorded");
        }
    }
}
