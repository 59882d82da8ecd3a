using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Fixed tables: listener backlog, SYN floods, connection-table exhaustion and TIME-WAIT reuse.

    public sealed class BacklogOverflow : Scenario
    {
        public BacklogOverflow() : base("backlog-overflow", "backlog 2: a third SYN gets a SYN cookie (nothing kept) and its ACK still makes a connection; when established-unaccepted connections fill the backlog, SYNs are dropped") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.TableConfig(5); // backlog 2
            ScriptedPeer p = new ScriptedPeer(cfg);
            int l = p.Stack.Listen(80);
            uint ip = ScriptedPeer.PeerIp;
            p.SendRaw(ip, 1001, 80, TcpFlags.Syn, 100, 0, 8192, null, 0, 0, 1460, null);
            SentSegment sa1 = p.Next();
            p.AdvanceTo(10);
            p.SendRaw(ip, 1002, 80, TcpFlags.Syn, 200, 0, 8192, null, 0, 0, 1460, null);
            p.Next();
            p.AdvanceTo(20);
            // The backlog holds two half-open connections: the third SYN is answered with a cookie.
            p.SendRaw(ip, 1003, 80, TcpFlags.Syn, 300, 0, 8192, null, 0, 0, 1460, null);
            SentSegment cookie = p.Next();
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, cookie.Flags, "SYN-ACK");
            Check.Equal(301u, cookie.Ack, "for the third SYN");
            Check.Equal(1, p.Stack.SynCookiesSent, "a cookie, not an eviction");
            Check.Equal(0, p.Stack.HalfOpenEvicted, "the half-open connections are kept");
            Check.Equal(1460, cookie.Mss, "the SYN-ACK still offers our MSS");
            // The first client completes normally; the cookie's ACK creates the third connection directly.
            p.SendRaw(ip, 1001, 80, TcpFlags.Ack, 101, sa1.Seq + 1, 8192, null, 0, 0, 0, null);
            p.ExpectNothing("established");
            Check.True(p.Stack.Accept(l) >= 0, "accept the first");
            p.SendRaw(ip, 1003, 80, TcpFlags.Ack | TcpFlags.Psh, 301, cookie.Seq + 1, 8192, ScriptedPeer.Bytes(5, 0), 0, 5, 0, null);
            p.Expect(TcpFlags.Ack, cookie.Seq + 1, 306);
            Check.Equal(1, p.Stack.SynCookiesAccepted, "the cookie's ACK accepted");
            Check.True(p.Trace.Contains("timer syn-cookie 1460"), "the MSS came back in the cookie");
            int h3 = p.Stack.Accept(l);
            Check.True(h3 >= 0, "the cookie connection is accepted like any other");
            Check.Equal(5, p.Stack.ReceiveQueued(h3), "with the data its ACK carried");
            // A forged ACK (wrong cookie) is reset like any ACK to a listener.
            p.SendRaw(ip, 1009, 80, TcpFlags.Ack, 901, cookie.Seq + 77, 8192, null, 0, 0, 0, null);
            p.Expect(TcpFlags.Rst, cookie.Seq + 77, 0);
            // Two established, not accepted: the backlog is full of real connections.
            p.SendRaw(ip, 1002, 80, TcpFlags.Ack, 201, p.Stack.ConnectionAt(1).InitialSendSequence + 1, 8192, null, 0, 0, 0, null);
            p.SendRaw(ip, 1004, 80, TcpFlags.Syn, 400, 0, 8192, null, 0, 0, 1460, null);
            p.Next();
            p.SendRaw(ip, 1004, 80, TcpFlags.Ack, 401, p.Stack.ConnectionAt(3).InitialSendSequence + 1, 8192, null, 0, 0, 0, null);
            Check.Equal((int)DropReason.TcpBacklogFull, (int)p.SendRaw(ip, 1005, 80, TcpFlags.Syn, 500, 0, 8192, null, 0, 0, 1460, null), "SYN dropped");
            p.ExpectNothing("dropped silently (the client retries)");
            Check.True(p.Stack.ListenerAt(l).SynsDropped >= 1, "counted");
            Check.True(p.Stack.Accept(l) >= 0, "accept one");
            p.SendRaw(ip, 1005, 80, TcpFlags.Syn, 500, 0, 8192, null, 0, 0, 1460, null);
            Check.Equal(TcpFlags.Syn | TcpFlags.Ack, p.Next().Flags, "room again after accept");
        }
    }

    public sealed class SynFloodKeepsEstablished : Scenario
    {
        public SynFloodKeepsEstablished() : base("syn-flood", "a flood of SYNs from spoofed addresses never evicts established connections; beyond the backlog each gets a SYN cookie, and a real client in the middle of it connects") { }

        public override void Run()
        {
            TcpConfig cfg = ScriptedPeer.TableConfig(4); // backlog 2
            ScriptedPeer p = new ScriptedPeer(cfg);
            int h1 = p.OpenPassive(80, 8192);
            p.PeerPortInUse = ScriptedPeer.PeerPort + 1;
            p.PeerNxt = 50000;
            int h2 = p.OpenPassive(81, 8192);
            int answered = 0;
            uint realCookie = 0;
            for (int i = 0; i < 200; i++)
            {
                p.SendRaw(Ipv4Address.Make(10, 0, (i >> 8) & 255, i & 255), 2000 + i, 80, TcpFlags.Syn, (uint)(i * 7919), 0, 8192, null, 0, 0, 1460, null);
                answered += p.Pending;
                p.Discard();
                if (i == 100)
                {
                    // A real client among the flood.
                    p.SendRaw(ScriptedPeer.PeerIp, 7777, 80, TcpFlags.Syn, 12345, 0, 8192, null, 0, 0, 1460, null);
                    realCookie = p.Next().Seq;
                }
            }
            Check.Equal(200, answered, "every SYN answered");
            Check.True(p.Stack.SynCookiesSent >= 198, "beyond the backlog, with cookies: " + p.Stack.SynCookiesSent.ToString());
            Check.Equal(0, p.Stack.HalfOpenEvicted, "nothing evicted");
            p.SendRaw(ScriptedPeer.PeerIp, 7777, 80, TcpFlags.Ack, 12346, realCookie + 1, 8192, null, 0, 0, 0, null);
            Check.Equal(1, p.Stack.SynCookiesAccepted, "the real client's ACK makes its connection");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h1), "first kept");
            Check.Equal((int)TcpState.Established, (int)p.Stack.GetState(h2), "second kept");
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
