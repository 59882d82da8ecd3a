using System;
using NanoTcp.Iface;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    /// <summary>A segment the stack sent, decoded.</summary>
    public sealed class SentSegment
    {
        public uint Destination;
        public int SrcPort;
        public int DstPort;
        public uint Seq;
        public uint Ack;
        public int Flags;
        public int Window;
        public int Mss;
        public int WindowScale;
        public bool SackPermitted;
        /// <summary>SACK blocks carried (RFC 2018), edges in SackLeft/SackRight.</summary>
        public int SackBlocks;
        public readonly uint[] SackLeft = new uint[TcpOptions.MaxSackBlocks];
        public readonly uint[] SackRight = new uint[TcpOptions.MaxSackBlocks];
        public int OptionsLength;
        public int PayloadLength;
        public long TimeMs;

        public override string ToString()
        {
            string s = "[" + TcpFlags.Format(Flags) + "] seq=" + Seq.ToString() + " ack=" + Ack.ToString()
                + " win=" + Window.ToString() + " len=" + PayloadLength.ToString() + " t=" + TimeMs.ToString();
            if (Mss != 0) s = s + " mss=" + Mss.ToString();
            return s;
        }
    }

    /// <summary>
    /// A scripted TCP peer facing one <see cref="TcpStack"/> on a virtual clock: it is the stack's
    /// IPv4 output (every segment the stack sends is captured and decoded) and it injects exact
    /// segments into the stack's Input. Scenarios send a segment, then Expect the exact reply
    /// (flags, seq, ack, and window/options where they matter).
    /// </summary>
    public sealed class ScriptedPeer : IIpv4Output
    {
        public static readonly uint StackIp = Ipv4Address.Make(192, 168, 1, 50);
        public static readonly uint PeerIp = Ipv4Address.Make(192, 168, 1, 10);
        public const int PeerPort = 40000;

        public readonly TcpStack Stack;
        public readonly TcpConfig Config;
        public readonly TraceRecorder Trace;
        public long Now;
        /// <summary>Peer's next sequence number to send (its SND.NXT).</summary>
        public uint PeerNxt;
        /// <summary>Next sequence number the peer expects from the stack (its RCV.NXT).</summary>
        public uint StackNxt;
        /// <summary>Port the stack uses on this connection.</summary>
        public int StackPort;
        public int PeerPortInUse = PeerPort;

        private readonly byte[] _tx = new byte[1600];
        private readonly byte[] _in = new byte[1600];
        private readonly SentSegment[] _queue;
        private int _head;
        private int _count;
        private readonly TcpSegment _sent = new TcpSegment();
        /// <summary>When false, captured segments are discarded (a "lost" reply).</summary>
        public bool Capturing = true;
        /// <summary>Poll the stack after each injected segment (true), or leave it to the scenario, as when
        /// several frames arrive in one turn of the board's loop.</summary>
        public bool PollAfterInput = true;

        /// <summary>
        /// Segments the stack may send before the scenario reads them: a scripted exchange reads each
        /// reply as it comes, so a few suffice; a scenario that lets many pile up asks for more.
        /// Every record costs heap on the board (selftest runs in about 112 KB).
        /// </summary>
        public const int DefaultUnreadSegments = 8;

        /// <summary>Trace lines kept for assertions and failure messages (each line is a string on the heap).</summary>
        public const int DefaultTraceLines = 16;

        public ScriptedPeer(TcpConfig config) : this(config, DefaultUnreadSegments, DefaultTraceLines)
        {
        }

        public ScriptedPeer(TcpConfig config, int unreadSegments, int traceLines)
        {
            Config = config == null ? DefaultConfig() : config;
            _queue = new SentSegment[unreadSegments];
            for (int i = 0; i < _queue.Length; i++) _queue[i] = new SentSegment();
            Trace = new TraceRecorder(traceLines);
            Stack = new TcpStack(Config, this, new Tracer(Trace, TraceLevel.Segments));
            PeerNxt = 1000;
        }

        /// <summary>
        /// A table for scenarios about the table itself (backlog, TIME-WAIT reuse, floods): the
        /// defaults with <paramref name="connections"/> slots, the default backlog and 1 KB rings, which is all the
        /// data these scenarios move, so that the table fits the board's heap next to the firmware.
        /// </summary>
        public static TcpConfig TableConfig(int connections)
        {
            TcpConfig c = DefaultConfig();
            c.Connections = connections;
            c.Backlog = connections < 2 ? connections : 2;
            c.SendBufferSize = 1024;
            c.ReceiveBufferSize = 1024;
            return c;
        }

        /// <summary>Scenario defaults: one connection slot (a scripted peer talks to one), zero ISN key (reproducible), 1 s RTO, delayed ACK off unless asked.</summary>
        public static TcpConfig DefaultConfig()
        {
            TcpConfig c = new TcpConfig();
            c.DelayedAckMs = 0;
            c.Connections = 1;
            c.Backlog = 1;
            return c;
        }

        // ---- IIpv4Output ----
        public uint LocalAddress { get { return StackIp; } }
        public byte[] TxBuffer { get { return _tx; } }
        public int TransportOffset { get { return 34; } }
        public int MaxTransportLength { get { return 1480; } }

        public DropReason SendIpv4(uint destination, int protocol, int transportLength, long nowMs)
        {
            TcpSegment p = _sent;
            if (p.Parse(StackIp, destination, _tx, 34, transportLength) != DropReason.None)
            {
                Check.Fail("stack sent a segment with a bad checksum or header");
            }
            if (!Capturing)
            {
                return DropReason.None;
            }
            if (_count == _queue.Length)
            {
                Check.Fail("more than " + _queue.Length.ToString() + " segments unread: " + Describe());
            }
            SentSegment s = _queue[(_head + _count) % _queue.Length];
            _count++;
            s.Destination = destination;
            s.SrcPort = p.SourcePort;
            s.DstPort = p.DestinationPort;
            s.Seq = p.Seq;
            s.Ack = p.AckNumber;
            s.Flags = p.Flags;
            s.Window = p.Window;
            s.OptionsLength = p.PayloadOffset - p.HeaderOffset - TcpPacket.HeaderLength;
            s.Mss = p.Options.Mss;
            s.WindowScale = p.Options.WindowScale;
            s.SackPermitted = p.Options.SackPermitted;
            s.SackBlocks = p.Options.SackBlocks;
            for (int k = 0; k < s.SackBlocks; k++)
            {
                s.SackLeft[k] = p.Options.SackLeft[k];
                s.SackRight[k] = p.Options.SackRight[k];
            }
            s.PayloadLength = p.PayloadLength;
            s.TimeMs = nowMs;
            return DropReason.None;
        }

        // ---- injecting ----

        /// <summary>Injects a segment from the peer; returns the stack's verdict.</summary>
        public DropReason Send(int flags, uint seq, uint ack, int window, byte[] data, int mss)
        {
            return SendRaw(PeerIp, PeerPortInUse, StackPort, flags, seq, ack, window, data, 0, data == null ? 0 : data.Length, mss, null);
        }

        public DropReason Send(int flags, uint seq, uint ack, int window)
        {
            return Send(flags, seq, ack, window, null, 0);
        }

        /// <summary>Full control: any source, ports, payload slice, MSS, raw extra options (multiple of 4).</summary>
        public DropReason SendRaw(uint source, int srcPort, int dstPort, int flags, uint seq, uint ack, int window,
            byte[] data, int dataOffset, int dataLength, int mss, byte[] rawOptions)
        {
            int opt = 0;
            if (mss > 0)
            {
                opt += TcpOptions.WriteMss(_in, TcpPacket.HeaderLength, mss);
            }
            if (rawOptions != null)
            {
                Array.Copy(rawOptions, 0, _in, TcpPacket.HeaderLength + opt, rawOptions.Length);
                opt += rawOptions.Length;
            }
            TcpPacket.WriteHeader(_in, 0, srcPort, dstPort, seq, ack, flags, window, opt);
            if (dataLength > 0)
            {
                Array.Copy(data, dataOffset, _in, TcpPacket.HeaderLength + opt, dataLength);
            }
            int len = TcpPacket.HeaderLength + opt + dataLength;
            TcpPacket.WriteChecksum(_in, 0, len, source, StackIp);
            DropReason r = Stack.Input(source, StackIp, _in, 0, len, Now);
            if (PollAfterInput)
            {
                Stack.Poll(Now); // the stack answers at its next Poll, as the board's loop runs it after each frame
            }
            AssertInvariants();
            return r;
        }

        /// <summary>
        /// An ICMP error from a router about a segment the stack sent (<paramref name="quoted"/>): the stack's
        /// IPv4 header and the first 8 bytes of its TCP header, as RFC 792 quotes them.
        /// </summary>
        public void IcmpError(int type, int code, int nextHopMtu, SentSegment quoted)
        {
            byte[] q = new byte[40];
            Ipv4Packet.WriteHeader(q, 0, StackIp, quoted.Destination, IpProtocol.Tcp, TcpPacket.HeaderLength + quoted.PayloadLength, 1, 64);
            TcpPacket.WriteHeader(q, 20, quoted.SrcPort, quoted.DstPort, quoted.Seq, quoted.Ack, quoted.Flags, quoted.Window, 0);
            Stack.IcmpError(type, code, nextHopMtu, q, 0, 28, Now);
            AssertInvariants();
        }

        // ---- expecting ----

        public int Pending { get { return _count; } }

        /// <summary>The next captured segment; fails when there is none.</summary>
        public SentSegment Next()
        {
            if (_count == 0)
            {
                Check.Fail("expected a segment from the stack at t=" + Now.ToString() + ", got none" + Trace.Tail(12));
            }
            SentSegment s = _queue[_head];
            _head = (_head + 1) % _queue.Length;
            _count--;
            return s;
        }

        /// <summary>The stack closes first: Close(handle), then its FIN+ACK at SND.NXT must go out.</summary>
        public SentSegment CloseFirst(int handle)
        {
            Stack.Close(handle);
            Stack.Poll(Now);
            return Expect(TcpFlags.Fin | TcpFlags.Ack, StackNxt, PeerNxt);
        }

        /// <summary>Next segment must have exactly these flags, seq and ack.</summary>
        public SentSegment Expect(int flags, uint seq, uint ack)
        {
            SentSegment s = Next();
            if (s.Flags != flags || s.Seq != seq || s.Ack != ack)
            {
                Check.Fail("expected [" + TcpFlags.Format(flags) + "] seq=" + seq.ToString() + " ack=" + ack.ToString()
                    + ", got " + s.ToString() + Trace.Tail(12));
            }
            return s;
        }

        public void ExpectNothing(string why)
        {
            if (_count != 0)
            {
                Check.Fail("expected no segment (" + why + "), got " + _queue[_head].ToString() + Trace.Tail(12));
            }
        }

        public void Discard()
        {
            _count = 0;
        }

        public string Describe()
        {
            string s = "";
            for (int i = 0; i < _count; i++)
            {
                s = s + " " + _queue[(_head + i) % _queue.Length].ToString();
            }
            return s;
        }

        // ---- time ----

        /// <summary>Polls the stack at every timer deadline up to t, then at t.</summary>
        public void AdvanceTo(long t)
        {
            for (int guard = 0; guard < 10000; guard++)
            {
                long next = Stack.NextTimerMs();
                if (next < 0 || next > t || next <= Now && guard > 0 && next == Now)
                {
                    break;
                }
                if (next > Now) Now = next;
                Stack.Poll(Now);
            }
            Now = t;
            Stack.Poll(Now);
            AssertInvariants();
        }

        /// <summary>Fails the scenario when the stack's sequence variables or rings are inconsistent.</summary>
        public void AssertInvariants()
        {
            string bad = Stack.CheckInvariants();
            if (bad != null)
            {
                Check.Fail("invariant broken at t=" + Now.ToString() + ": " + bad + Trace.Tail(10));
            }
        }

        public void Advance(long ms)
        {
            AdvanceTo(Now + ms);
        }

        // ---- common openings ----

        /// <summary>
        /// Passive open driven by the peer: the stack listens on port, the peer sends SYN (MSS 1460),
        /// the stack answers SYN-ACK, the peer ACKs, the application accepts. Returns the handle;
        /// PeerNxt/StackNxt are set for the established connection.
        /// </summary>
        public int OpenPassive(int port, int peerWindow)
        {
            int listener = Stack.Listen(port);
            Check.True(listener >= 0, "listen");
            StackPort = port;
            Check.Equal((int)DropReason.None, (int)Send(TcpFlags.Syn, PeerNxt, 0, peerWindow, null, 1460), "SYN accepted");
            SentSegment synAck = Expect(TcpFlags.Syn | TcpFlags.Ack, Connection.InitialSendSequence, PeerNxt + 1);
            PeerNxt++;
            StackNxt = synAck.Seq + 1;
            Check.Equal((int)DropReason.None, (int)Send(TcpFlags.Ack, PeerNxt, StackNxt, peerWindow), "ACK of SYN-ACK accepted");
            ExpectNothing("after the handshake");
            int h = Stack.Accept(listener);
            Check.True(h >= 0, "accept returns a handle");
            Check.Equal((int)TcpState.Established, (int)Stack.GetState(h), "state after passive open");
            return h;
        }

        /// <summary>
        /// A passive open whose peer then stops reading: 1000 bytes go out and are ACKed with window 0.
        /// StackNxt is past them; the persist timer has the connection from here.
        /// </summary>
        public int OpenWithClosedWindow(int port)
        {
            int h = OpenPassive(port, 1000);
            Stack.Send(h, Bytes(1000, 0), 0, 1000);
            Stack.Poll(Now);
            Expect(TcpFlags.Ack | TcpFlags.Psh, StackNxt, PeerNxt);
            Send(TcpFlags.Ack, PeerNxt, StackNxt + 1000, 0);
            StackNxt += 1000;
            return h;
        }

        /// <summary>
        /// The application connects to the peer's <paramref name="remotePort"/>; the stack's SYN is taken
        /// (and returned). StackPort and StackNxt are set from it; the handshake is the scenario's.
        /// </summary>
        public int Connect(int remotePort, out SentSegment syn)
        {
            int h = Stack.Connect(PeerIp, remotePort, 0);
            Check.True(h >= 0, "connect returns a handle");
            PeerPortInUse = remotePort;
            Stack.Poll(Now);
            syn = Next();
            Check.Equal(TcpFlags.Syn, syn.Flags, "SYN flags");
            StackPort = syn.SrcPort;
            StackNxt = syn.Seq + 1;
            return h;
        }

        /// <summary>Active open: the application connects, the stack sends SYN, the peer answers SYN-ACK, the stack ACKs.</summary>
        public int OpenActive(int remotePort, int peerWindow)
        {
            SentSegment syn;
            int h = Connect(remotePort, out syn);
            Check.Equal(1460, syn.Mss, "MSS option in SYN");
            Send(TcpFlags.Syn | TcpFlags.Ack, PeerNxt, StackNxt, peerWindow, null, 1460);
            PeerNxt++;
            Expect(TcpFlags.Ack, StackNxt, PeerNxt);
            Check.Equal((int)TcpState.Established, (int)Stack.GetState(h), "state after active open");
            return h;
        }

        private int FindSlot()
        {
            for (int i = 0; i < Stack.ConnectionSlots; i++)
            {
                TcpConnection c = Stack.ConnectionAt(i);
                if (c.IsInUse && c.RemotePortNumber == PeerPortInUse && c.RemoteAddress == PeerIp && c.CurrentState != TcpState.Closed)
                {
                    return i;
                }
            }
            Check.Fail("no connection for the peer");
            return -1;
        }

        /// <summary>The connection slot this peer talks to.</summary>
        public TcpConnection Connection { get { return Stack.ConnectionAt(FindSlot()); } }

        /// <summary>A byte array of n bytes, value (start + i) mod 256.</summary>
        public static byte[] Bytes(int n, int start)
        {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte)(start + i);
            return b;
        }
    }
}
