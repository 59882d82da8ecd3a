using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // Two NanoTcp stacks over an in-memory Ethernet link (NetInterface, ARP, IPv4, TCP).

    public sealed class TwoStacksCleanTransfer : Scenario
    {
        public TwoStacksCleanTransfer() : base("two-stacks-clean", "two stacks over a perfect link: handshake, 64 KB each way, four-way close, TIME-WAIT on the first closer") { }

        public override void Run()
        {
            TwoStacks s = TwoStacks.Small(1, false);
            BulkTransfer t = new BulkTransfer(s, 1024);
            Check.True(t.Run(80, 65536, 600000), "transfer: " + t.Error);
            s.A.Close(t.HandleA);
            s.B.Close(t.HandleB);
            s.Poll();
            s.Poll();
            int tw = 0;
            for (int i = 0; i < s.A.ConnectionSlots; i++)
            {
                if (s.A.ConnectionAt(i).CurrentState == TcpState.TimeWait) tw++;
            }
            for (int i = 0; i < s.B.ConnectionSlots; i++)
            {
                if (s.B.ConnectionAt(i).CurrentState == TcpState.TimeWait) tw++;
            }
            Check.True(tw >= 1, "someone is in TIME-WAIT");
            s.Now += 60000;
            s.Poll();
            for (int i = 0; i < s.A.ConnectionSlots; i++)
            {
                Check.True(!s.A.ConnectionAt(i).IsInUse, "A: all released after 2MSL");
            }
            for (int i = 0; i < s.B.ConnectionSlots; i++)
            {
                Check.True(!s.B.ConnectionAt(i).IsInUse, "B: all released after 2MSL");
            }
        }
    }

    public sealed class TwoStacksLossyTransfer : Scenario
    {
        public TwoStacksLossyTransfer() : base("two-stacks-lossy", "64 KB each way with 10% loss, 5% duplication, 5% reordering, 1% corruption: byte-exact, in order, once") { }

        public override void Run()
        {
            TcpConfig c = TwoStacks.OneConnection();
            c.RtoMinMs = 200;
            // Three frames each way on the link and in each injector (the 1 KB window's two segments and an
            // ACK or a copy), not FramesInFlight's four: this is the tightest scenario on the board's heap, and
            // 2.4 KB less lets it run there. That no frame is lost to a full queue, only to the faults, is checked.
            TwoStacks s = new TwoStacks(c, c, 12345, true, 3, TwoStacks.SmallMtu);
            s.SetFaults(100, 50, 50, 10, 0);
            // 1 ms on the wire, added where each frame is sent: the receiving side then needs no queue.
            s.FaultsA.TransmitDelayMs = 1;
            s.FaultsB.TransmitDelayMs = 1;
            BulkTransfer t = new BulkTransfer(s, 512);
            Check.True(t.Run(80, 65536, 3600000), "transfer: " + t.Error);
            Check.Equal(0L, s.FaultsA.Overflowed + s.FaultsB.Overflowed, "frames lost to a full queue, not to the faults");
            Check.True(s.FaultsA.Dropped + s.FaultsB.Dropped > 0, "faults were injected: dropped " + (s.FaultsA.Dropped + s.FaultsB.Dropped).ToString()
                + " passed " + (s.FaultsA.Passed + s.FaultsB.Passed).ToString() + " dup " + (s.FaultsA.Duplicated + s.FaultsB.Duplicated).ToString()
                + " segments " + s.A.SegmentsOut.ToString() + "/" + s.B.SegmentsOut.ToString() + " t=" + s.Now.ToString());
        }
    }

    public sealed class TwoStacksSimultaneousOpen : Scenario
    {
        public TwoStacksSimultaneousOpen() : base("two-stacks-simultaneous-open", "both stacks connect to each other's port at once: both pass SYN-RECEIVED and reach ESTABLISHED") { }

        public override void Run()
        {
            TwoStacks s = TwoStacks.Small(2, false);
            TraceRecorder ra = new TraceRecorder(64);
            TraceRecorder rb = new TraceRecorder(64);
            s.TracerA.Sink = ra;
            s.TracerA.Level = TraceLevel.States;
            s.TracerB.Sink = rb;
            s.TracerB.Level = TraceLevel.States;
            // Resolve ARP first so both SYNs leave in the same poll.
            s.IfA.SendPing(TwoStacks.AddressB, 1, 1, 8, s.Now);
            for (int i = 0; i < 10; i++) { s.Poll(); s.Now++; }
            int a = s.A.Connect(TwoStacks.AddressB, 5001, 5000);
            int b = s.B.Connect(TwoStacks.AddressA, 5000, 5001);
            // Both TCP layers emit their SYN before either interface reads the other's: the SYNs cross.
            s.A.Poll(s.Now);
            s.B.Poll(s.Now);
            Check.True(s.RunUntilStates(a, TcpState.Established, b, TcpState.Established, 10000), "both ESTABLISHED: A " + TcpStates.Name(s.A.GetState(a)) + ", B " + TcpStates.Name(s.B.GetState(b)));
            Check.True(s.A.GetConnection(a).Retransmits == 0, "no retransmission needed");
            Check.True(ra.Contains("SYN-SENT -> SYN-RECEIVED") && ra.Contains("SYN-RECEIVED -> ESTABLISHED"), "A passed SYN-RECEIVED" + ra.Tail(6));
            Check.True(rb.Contains("SYN-SENT -> SYN-RECEIVED") && rb.Contains("SYN-RECEIVED -> ESTABLISHED"), "B passed SYN-RECEIVED" + rb.Tail(6));
            BulkTransfer t = new BulkTransfer(s, 1024);
            t.HandleA = a;
            t.HandleB = b;
            Check.True(t.Pump(5000, 60000), "data after simultaneous open: " + t.Error);
        }
    }

    public sealed class TwoStacksSimultaneousClose : Scenario
    {
        public TwoStacksSimultaneousClose() : base("two-stacks-simultaneous-close", "both stacks close in the same instant: both pass CLOSING and TIME-WAIT") { }

        public override void Run()
        {
            TwoStacks s = TwoStacks.Small(3, false);
            TraceRecorder ra = new TraceRecorder(256);
            s.TracerA.Sink = ra;
            s.TracerA.Level = TraceLevel.States;
            int l = s.B.Listen(7);
            int a = s.A.Connect(TwoStacks.AddressB, 7, 0);
            int b = s.RunUntilAccept(l, 10000);
            Check.True(b >= 0, "accepted");
            s.RunUntilStates(a, TcpState.Established, b, TcpState.Established, 1000);
            s.A.Close(a);
            s.B.Close(b);
            // Both TCP layers emit their FIN before either interface reads the other's.
            s.A.Poll(s.Now);
            s.B.Poll(s.Now);
            s.Poll();
            for (int i = 0; i < 20; i++) { s.Now++; s.Poll(); }
            Check.True(ra.Contains("FIN-WAIT-1 -> CLOSING"), "A passed CLOSING" + ra.Tail(10));
            Check.True(ra.Contains("CLOSING -> TIME-WAIT"), "A in TIME-WAIT");
            Check.Equal((int)TcpState.TimeWait, (int)s.B.ConnectionAt(b).CurrentState, "B in TIME-WAIT too");
        }
    }
}
