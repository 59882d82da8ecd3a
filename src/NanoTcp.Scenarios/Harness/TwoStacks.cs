using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Scenarios
{
    /// <summary>
    /// Two complete stacks (NetInterface + TcpStack) joined by a MemoryLink, each end behind a
    /// seeded FaultInjector that damages what it transmits (loss, duplication, reordering, delay,
    /// corruption) - or without injectors, for scenarios on a perfect link. A is 10.0.0.1, B is
    /// 10.0.0.2; the clock is virtual. Queues are sized from the configurations (what can be in
    /// flight), not for the worst case: the board runs these scenarios in about 112 KB of heap.
    /// Nothing here allocates after construction, so the allocation tests can run bulk transfers.
    /// </summary>
    public sealed class TwoStacks
    {
        public static readonly uint AddressA = Wire.Ipv4Address.Make(10, 0, 0, 1);
        public static readonly uint AddressB = Wire.Ipv4Address.Make(10, 0, 0, 2);

        /// <summary>Largest Ethernet frame on the link.</summary>
        public const int FrameLength = 1514;

        /// <summary>
        /// The MTU of the board's selftest scenarios: the datagram size every IPv4 host must accept
        /// (RFC 791; TCP's default MSS of 536, RFC 9293 §3.7.1). Their 1 KB windows hold two
        /// segments, and every frame buffer (link, interfaces, ARP) is 590 bytes instead of 1514.
        /// </summary>
        public const int SmallMtu = 576;

        public readonly MemoryLink Link;
        /// <summary>The fault injectors in front of each interface; null when built for a perfect link.</summary>
        public readonly FaultInjector FaultsA;
        public readonly FaultInjector FaultsB;
        public readonly NetInterface IfA;
        public readonly NetInterface IfB;
        public readonly TcpStack A;
        public readonly TcpStack B;
        public readonly Tracer TracerA;
        public readonly Tracer TracerB;
        public long Now;

        /// <summary>With fault injectors (armed by <see cref="SetFaults"/>).</summary>
        public TwoStacks(TcpConfig configA, TcpConfig configB, uint seed) : this(configA, configB, seed, true)
        {
        }

        public TwoStacks(TcpConfig configA, TcpConfig configB, uint seed, bool faults)
            : this(configA, configB, seed, faults, FramesInFlight(configA, configB))
        {
        }

        /// <param name="framesPerDirection">frames each direction of the link (and each injector's delay queue) holds</param>
        public TwoStacks(TcpConfig configA, TcpConfig configB, uint seed, bool faults, int framesPerDirection)
            : this(configA, configB, seed, faults, framesPerDirection, FrameLength - 14)
        {
        }

        /// <param name="mtu">both interfaces' MTU; the link carries frames of up to mtu + 14 bytes</param>
        public TwoStacks(TcpConfig configA, TcpConfig configB, uint seed, bool faults, int framesPerDirection, int mtu)
        {
            Link = new MemoryLink(framesPerDirection, mtu + 14);
            INetworkDevice deviceA = Link.A;
            INetworkDevice deviceB = Link.B;
            if (faults)
            {
                // Faults apply to what each end transmits; the receive side passes frames straight on.
                // Each injector allocates its queues when a fault first needs them.
                FaultsA = new FaultInjector(Link.A, seed, framesPerDirection, 1, false);
                FaultsB = new FaultInjector(Link.B, seed * 7 + 1, framesPerDirection, 1, false);
                FaultsA.FaultsOnReceive = false;
                FaultsB.FaultsOnReceive = false;
                deviceA = FaultsA;
                deviceB = FaultsB;
            }
            TracerA = new Tracer();
            TracerB = new Tracer();
            IfA = new NetInterface(deviceA, InterfaceFor(AddressA, 0x0A, mtu), TracerA);
            IfB = new NetInterface(deviceB, InterfaceFor(AddressB, 0x0B, mtu), TracerB);
            A = new TcpStack(configA, IfA, TracerA);
            B = new TcpStack(configB, IfB, TracerB);
            IfA.AttachTransport(A);
            IfB.AttachTransport(B);
        }

        /// <summary>
        /// Frames one direction may have queued between two polls (both interfaces drain their
        /// link at every poll): the larger receive window in full segments (data in flight), plus
        /// two for an ACK or window update and a retransmission or duplicate.
        /// </summary>
        public static int FramesInFlight(TcpConfig a, TcpConfig b)
        {
            return FramesInFlight(a, b, FrameLength - 14);
        }

        /// <summary>Frames in flight (see above) with segments of an <paramref name="mtu"/>-byte MTU.</summary>
        public static int FramesInFlight(TcpConfig a, TcpConfig b, int mtu)
        {
            int window = a.ReceiveBufferSize > b.ReceiveBufferSize ? a.ReceiveBufferSize : b.ReceiveBufferSize;
            int segment = mtu - 40;
            int segments = (window + segment - 1) / segment;
            return segments + 2;
        }

        /// <summary>
        /// Two stacks as the board's selftest scenarios use them: one connection each with 1 KB rings
        /// (<see cref="OneConnection"/>) and a <see cref="SmallMtu"/> link, so that they fit the
        /// board's heap beside the firmware.
        /// </summary>
        public static TwoStacks Small(uint seed, bool faults)
        {
            TcpConfig a = OneConnection();
            TcpConfig b = OneConnection();
            return new TwoStacks(a, b, seed, faults, FramesInFlight(a, b, SmallMtu), SmallMtu);
        }

        /// <summary>
        /// TCP's defaults with one connection slot, one listener and 1 KB rings: a two-stack scenario
        /// runs one connection, and two stacks must fit the board's heap beside the firmware.
        /// </summary>
        public static TcpConfig OneConnection()
        {
            TcpConfig c = new TcpConfig();
            c.Connections = 1;
            c.Listeners = 1;
            c.Backlog = 1;
            c.SendBufferSize = 1024;
            c.ReceiveBufferSize = 1024;
            return c;
        }

        /// <summary>
        /// An interface with what two stacks talking to each other use: one peer to resolve, no UDP,
        /// no IPv4 reassembly (TCP sends no fragments).
        /// </summary>
        private static InterfaceConfig InterfaceFor(uint address, byte macLastByte, int mtu)
        {
            InterfaceConfig c = new InterfaceConfig();
            c.Mtu = mtu;
            c.Address = address;
            c.MacAddress = new byte[] { 0x02, 0, 0, 0, 0, macLastByte };
            c.RxFramesPerPoll = 64;
            c.ArpEntries = 2;
            c.ArpPendingFrames = 1;
            c.UdpBindings = 0;
            c.ReassemblyBytes = 0;
            return c;
        }

        /// <summary>Sets the same faults on both directions (per mille).</summary>
        public void SetFaults(int dropPerMille, int duplicatePerMille, int reorderPerMille, int corruptPerMille, int delayMs)
        {
            if (FaultsA == null)
            {
                Check.Fail("SetFaults on two stacks built for a perfect link (faults: false)");
            }
            FaultInjector[] both = new FaultInjector[] { FaultsA, FaultsB };
            for (int i = 0; i < 2; i++)
            {
                both[i].DropPerMille = dropPerMille;
                both[i].DuplicatePerMille = duplicatePerMille;
                both[i].ReorderPerMille = reorderPerMille;
                both[i].CorruptPerMille = corruptPerMille;
                both[i].DelayMs = delayMs;
            }
        }

        /// <summary>Polls both interfaces at the current time.</summary>
        public void Poll()
        {
            IfA.Poll(Now);
            IfB.Poll(Now);
        }

        /// <summary>
        /// Moves the clock on: by 1 ms while frames are in flight, else straight to the next
        /// TCP timer (at most maxJumpMs ahead).
        /// </summary>
        public void Advance(long maxJumpMs)
        {
            long next = Now + maxJumpMs;
            if (Link.PendingAtA > 0 || Link.PendingAtB > 0)
            {
                next = Now + 1;
            }
            if (FaultsA != null)
            {
                next = Min(next, FaultsA.NextDueMs);
                next = Min(next, FaultsB.NextDueMs);
            }
            long ta = A.NextTimerMs();
            long tb = B.NextTimerMs();
            if (ta >= 0) next = Min(next, ta);
            if (tb >= 0) next = Min(next, tb);
            Now = next > Now ? next : Now + 1;
        }

        private static long Min(long a, long b)
        {
            return b < a ? b : a;
        }

        /// <summary>Polls and advances until the predicate-like state is reached: both handles in the given states (or timeout).</summary>
        public bool RunUntilStates(int handleA, TcpState stateA, int handleB, TcpState stateB, long timeoutMs)
        {
            long end = Now + timeoutMs;
            while (Now <= end)
            {
                Poll();
                if ((handleA < 0 || A.GetState(handleA) == stateA) && (handleB < 0 || B.GetState(handleB) == stateB))
                {
                    return true;
                }
                Advance(1000);
            }
            return false;
        }

        /// <summary>Runs until B's listener has a connection to accept; returns its handle or -1.</summary>
        public int RunUntilAccept(int listenerB, long timeoutMs)
        {
            long end = Now + timeoutMs;
            while (Now <= end)
            {
                Poll();
                int h = B.Accept(listenerB);
                if (h >= 0)
                {
                    return h;
                }
                Advance(1000);
            }
            return -1;
        }
    }

    /// <summary>
    /// A byte-exact bulk transfer in both directions over <see cref="TwoStacks"/>: each side sends
    /// a position-dependent pattern and checks every byte it receives against the position it
    /// must have in the stream, so a lost, duplicated or reordered byte is caught where it lands.
    /// </summary>
    public sealed class BulkTransfer
    {
        private readonly TwoStacks _s;
        private readonly byte[] _chunk;
        public long SentA;
        public long SentB;
        public long ReceivedA;
        public long ReceivedB;
        public bool EofA;
        public bool EofB;
        public string Error;
        public int HandleA = -1;
        public int HandleB = -1;
        public long Steps;

        public BulkTransfer(TwoStacks stacks) : this(stacks, 2048)
        {
        }

        /// <param name="chunkBytes">what the application writes and reads at once (one window is enough)</param>
        public BulkTransfer(TwoStacks stacks, int chunkBytes)
        {
            _s = stacks;
            _chunk = new byte[chunkBytes];
        }

        /// <summary>The byte at stream position i of direction dir (0 = A to B, 1 = B to A).</summary>
        public static byte PatternByte(long i, int dir)
        {
            uint x = (uint)i * 2654435761u + (uint)(i >> 32) + (uint)dir * 0x9E3779B9u;
            return (byte)((x >> 24) ^ (x >> 13));
        }

        /// <summary>Connects A to B:port, then moves `bytes` each way; closes both when done. False with Error on failure.</summary>
        public bool Run(int port, long bytesEachWay, long timeoutMs)
        {
            int listener = _s.B.Listen(port);
            HandleA = _s.A.Connect(TwoStacks.AddressB, port, 0);
            if (listener < 0 || HandleA < 0)
            {
                Error = "listen/connect failed";
                return false;
            }
            // Like a real client, queue data at once (Send works in SYN-SENT): if the final ACK of
            // the handshake is lost, the first data segment completes it.
            SentA = Feed(_s.A, HandleA, SentA, bytesEachWay, 0);
            HandleB = _s.RunUntilAccept(listener, 120000);
            if (HandleB < 0)
            {
                Error = "no connection accepted";
                return false;
            }
            return Pump(bytesEachWay, timeoutMs);
        }

        /// <summary>Like <see cref="Run"/> on a listener B already has (listener number), for repeated connections.</summary>
        public bool Run2(int listenerB, long bytesEachWay, long timeoutMs)
        {
            HandleA = _s.A.Connect(TwoStacks.AddressB, _s.B.ListenerAt(listenerB).PortNumber, 0);
            if (HandleA < 0)
            {
                Error = "connect refused (no free slot)";
                return false;
            }
            SentA = Feed(_s.A, HandleA, SentA, bytesEachWay, 0);
            HandleB = _s.RunUntilAccept(listenerB, 300000);
            if (HandleB < 0)
            {
                Error = "no connection accepted: A " + TcpStates.Name(_s.A.GetState(HandleA)) + " " + TcpCloseReasons.Name(_s.A.GetCloseReason(HandleA));
                return false;
            }
            return Pump(bytesEachWay, timeoutMs);
        }

        /// <summary>Moves data on established handles until both directions carried `bytes` and saw EOF.</summary>
        public bool Pump(long bytesEachWay, long timeoutMs)
        {
            long end = _s.Now + timeoutMs;
            bool closedA = false;
            bool closedB = false;
            while (_s.Now <= end)
            {
                Steps++;
                if (!closedA)
                {
                    SentA = Feed(_s.A, HandleA, SentA, bytesEachWay, 0);
                    if (SentA == bytesEachWay) { _s.A.Shutdown(HandleA); closedA = true; }
                }
                if (!closedB)
                {
                    SentB = Feed(_s.B, HandleB, SentB, bytesEachWay, 1);
                    if (SentB == bytesEachWay) { _s.B.Shutdown(HandleB); closedB = true; }
                }
                if (!Drain(_s.B, HandleB, ref ReceivedB, ref EofB, 0) || !Drain(_s.A, HandleA, ref ReceivedA, ref EofA, 1))
                {
                    return false;
                }
                if (EofA && EofB)
                {
                    if (ReceivedA != bytesEachWay || ReceivedB != bytesEachWay)
                    {
                        Error = "EOF after " + ReceivedB.ToString() + " / " + ReceivedA.ToString() + " bytes; A " + TcpStates.Name(_s.A.GetState(HandleA)) + " "
                            + TcpCloseReasons.Name(_s.A.GetCloseReason(HandleA)) + ", B " + TcpStates.Name(_s.B.GetState(HandleB)) + " " + TcpCloseReasons.Name(_s.B.GetCloseReason(HandleB))
                            + " t=" + _s.Now.ToString();
                        return false;
                    }
                    return true;
                }
                if ((_s.A.GetEvents(HandleA) & TcpEvents.Closed) != 0 && !EofA || (_s.B.GetEvents(HandleB) & TcpEvents.Closed) != 0 && !EofB)
                {
                    Error = "connection closed early: A " + TcpCloseReasons.Name(_s.A.GetCloseReason(HandleA)) + ", B " + TcpCloseReasons.Name(_s.B.GetCloseReason(HandleB));
                    return false;
                }
                _s.Poll();
                if ((Steps & 255) == 0)
                {
                    string bad = _s.A.CheckInvariants();
                    if (bad == null) bad = _s.B.CheckInvariants();
                    if (bad == null) bad = CrossCheck(_s.A.GetConnection(HandleA), _s.B.GetConnection(HandleB));
                    if (bad == null) bad = CrossCheck(_s.B.GetConnection(HandleB), _s.A.GetConnection(HandleA));
                    if (bad != null)
                    {
                        Error = "invariant: " + bad;
                        return false;
                    }
                }
                // An application reads as soon as data arrives: do not jump the clock past unread data.
                bool busy = _s.A.ReceiveQueued(HandleA) > 0 || _s.B.ReceiveQueued(HandleB) > 0;
                _s.Advance(busy ? 1 : 1000);
            }
            Error = "timeout: sent " + SentA.ToString() + "/" + SentB.ToString() + " received " + ReceivedB.ToString() + "/" + ReceivedA.ToString();
            return false;
        }

        /// <summary>Nobody can have received more than the other side ever sent.</summary>
        private static string CrossCheck(TcpConnection receiver, TcpConnection sender)
        {
            if (receiver == null || sender == null || receiver.CurrentState == TcpState.Closed || sender.CurrentState == TcpState.Closed)
            {
                return null;
            }
            if (SeqNumber.Gt(receiver.ReceiveNext, sender.SendMaximum))
            {
                return "RCV.NXT " + receiver.ReceiveNext.ToString() + " beyond the sender's SND.MAX " + sender.SendMaximum.ToString();
            }
            return null;
        }

        private long Feed(TcpStack stack, int handle, long sent, long total, int dir)
        {
            int space = stack.SendSpace(handle);
            long left = total - sent;
            int n = space < _chunk.Length ? space : _chunk.Length;
            if (left < n) n = (int)left;
            if (n <= 0)
            {
                return sent;
            }
            for (int i = 0; i < n; i++)
            {
                _chunk[i] = PatternByte(sent + i, dir);
            }
            int taken = stack.Send(handle, _chunk, 0, n);
            return taken > 0 ? sent + taken : sent;
        }

        private bool Drain(TcpStack stack, int handle, ref long received, ref bool eof, int dir)
        {
            while (true)
            {
                int n = stack.Receive(handle, _chunk, 0, _chunk.Length);
                if (n < 0)
                {
                    eof = true;
                    return true;
                }
                if (n == 0)
                {
                    return true;
                }
                for (int i = 0; i < n; i++)
                {
                    if (_chunk[i] != PatternByte(received + i, dir))
                    {
                        Error = "stream " + dir.ToString() + " corrupted at byte " + (received + i).ToString();
                        return false;
                    }
                }
                received += n;
            }
        }
    }
}
