using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Fixed tables: listener backlog, SYN floods, connection-table exhaustion and TIME-WAIT reuse.

    public sealed class BacklogOverflow : Scenario
    {
        public BacklogOverflow() : base("backlog-overflow", "backlog 2: a third SYN evicts the oldest half-open; when established-unaccepted connections fill it, SYNs are dropped") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(ScriptedPeer.TableConfig(4));
            int l = p.Stack.Listen(80);
            uint ip = ScriptedPeer.PeerIp;
            p.SendRaw(ip, 1001, 80, TcpFlags.Syn, 100, 0, 8192, null, 0, 0, 1460, null);
            SentSegment sa1 = p.Next();
            p.AdvanceTo(10);
            p.SendRaw(ip, 1002, 80, TcpFlags.Syn, 200, 0, 8192, null, 0, 0, 1460, null);
            SentSegment sa2 = p.Next();
            p.AdvanceTo(20);
            p.SendRaw(ip, 1003, 80, TcpFlags.Syn, 300, 0, 8192, null, 0, 0, 1460, null);
            SentSegment sa3 = p.Next();
            Check.Equal(1, p.Stack.HalfOpenEvicted, "oldest half-open evicted");
            // The evicted client's ACK finds no connection: RST.
            p.SendRaw(ip, 1001, 80, TcpFlags.Ack, 101, sa1.Seq + 1, 8192, null, 0, 0, 0, null);
            p.Expect(TcpFlags.Rst, sa1.Seq + 1, 0);
            p.SendRaw(ip, 1002, 80, TcpFlags.Ack, 201, sa2.Seq + 1, 8192, null, 0, 0, 0, null);
            p.SendRaw(ip, 1003, 80, TcpFlags.Ack, 301, sa3.Seq + 1, 8192, null, 0, 0, 0, null);
            p.ExpectNothing("both established");
            // Two established, not accepted: the backlog is full of real connections.
            Check.Equal((int)DropReason.TcpBacklogFull, (int)p.SendRaw(ip, 1004, 80, TcpFlags.Syn, 400, 0, 8192, null, 0, 0, 1460, null), "SYN dropped");
            p.ExpectNothing("dropped silently (the client retries)");
            Check.Equal(1, p.Stack.ListenerAt(l).SynsDropped, "counted");
            Check.True(p.Stack.Accept(l) >= 0, "accept one");
            p.SendRaw(ip, 1004, 80, TcpFlags.Syn, 400, 0, 8192, null, 0, 0, 1460, null);
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, p.Next().Flags, "room again after accept");
        }
    }

    public sealed class SynFloodKeepsEstablished : Scenario
    {
        public SynFloodKeepsEstablished() : base("syn-flood", "a flood of SYNs from spoofed ports never evicts established connections; the last SYN still gets a SYN-ACK") { }

        public override void Run()
        {
            ScriptedPeer p = new ScriptedPeer(ScriptedPeer.TableConfig(4));
            int h1 = p.OpenPassive(80, 8192);
            p.PeerPortInUse = ScriptedPeer.PeerPort + 1;
            p.PeerNxt = 50000;
            int h2 = p.OpenPassive(81, 8192);
            int answered = 0;
            for (int i = 0; i < 200; i++)
            {
                p.SendRaw(Ipv4Address.Make(10, 0, (i >> 8) & 255, i & 255), 2000 + i, 80, TcpFlags.Syn, (uint)(i * 7919), 0, 8192, null, 0, 0, 1460, null);
                answered += p.Pending;
                p.Discard();
            }
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h1), "first kept");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h2), "second kept");
            Check.Equal(200, answered, "every SYN answered (oldest half-open evicted each time)");
            Check.True(p.Stack.HalfOpenEvicted >= 198, "evictions counted");
        }
    }

    public sealed class TimeWaitReuse : Scenario
    {
        public TimeWaitReuse() : base("time-wait-reuse", "table full: a new SYN or Connect reclaims the oldest TIME-WAIT slot; a table of live connections refuses") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.TableConfig(4);
            cfg.Backlog = 4;
            ScriptedPeer p = new ScriptedPeer(cfg);
            // Four connections, each closed by us: four TIME-WAIT slots.
            for (int i = 0; i < 4; i++)
            {
                p.PeerPortInUse = 3000 + i;
                p.AdvanceTo(p.Now + 100);
                int h = i == 0 ? p.OpenPassive(80, 8192) : OpenAgain(p);
                p.Stack.Close(h);
                p.Stack.Poll(p.Now);
                p.Next();
                p.Send(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.StackNxt + 1, 8192);
                p.Next();
                p.PeerNxt += 1000;
            }
            for (int i = 0; i < 4; i++)
            {
                Check.Equal((int)TcpState.TimeWait, (int)p.Stack.ConnectionAt(i).CurrentState, "TIME-WAIT " + i.ToString());
            }
            // A new SYN takes the oldest TIME-WAIT slot (slot 0).
            p.PeerPortInUse = 4000;
            p.Send(TcpFlags.Syn, 90000, 0, 8192, null, 1460);
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, p.Next().Flags, "SYN-ACK");
            Check.Equal(1, p.Stack.TimeWaitReclaimed, "one reclaimed");
            Check.Equal((int)TcpState.SynReceived, (int)p.Stack.ConnectionAt(0).CurrentState, "slot 0 reused");
            // Connect reclaims the next oldest.
            int c = p.Stack.Connect(ScriptedPeer.PeerIp, 9, 0);
            Check.Equal(1, c, "slot 1 reused by connect");
            Check.Equal(2, p.Stack.TimeWaitReclaimed, "two reclaimed");
            int c2 = p.Stack.Connect(ScriptedPeer.PeerIp, 9, 0);
            int c3 = p.Stack.Connect(ScriptedPeer.PeerIp, 9, 0);
            Check.True(c2 >= 0 && c3 >= 0, "the last TIME-WAIT slots");
            Check.Equal(-1, p.Stack.Connect(ScriptedPeer.PeerIp, 9, 0), "table of live connections: refused");
        }

        private static int OpenAgain(ScriptedPeer p)
        {
            p.Send(TcpFlags.Syn, p.PeerNxt, 0, 8192, null, 1460);
            SentSegment sa = p.Next();
            p.PeerNxt++;
            p.StackNxt = sa.Seq + 1;
            p.Send(TcpFlags.Ack, p.PeerNxt, p.StackNxt, 8192);
            int h = p.Stack.Accept(0);
            Check.True(h >= 0, "accepted");
            return h;
        }
    }
}
