using System;
using NanoTcp.Phy;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Iface
{
    /// <summary>
    /// The IPv4 interface over one Ethernet device: the poll loop, ARP, IPv4 dispatch,
    /// ICMP echo, UDP bindings, the DHCP client and the hook for TCP. No threads and no
    /// clock: the owner calls <see cref="Poll"/> with the current time. All buffers come
    /// from <see cref="InterfaceConfig"/> at construction; after that nothing is allocated
    /// (unless a trace sink formats lines). Bad frames are counted, traced and dropped.
    /// </summary>
    public sealed class NetInterface : IIpv4Output
    {
        private const int EthIpOffset = EthernetFrame.HeaderLength;
        private const int TransportAt = EthernetFrame.HeaderLength + Ipv4Packet.HeaderLength;

        private readonly INetworkDevice _device;
        private readonly InterfaceConfig _config;
        private readonly Tracer _tracer;
        private readonly Counters _counters = new Counters();
        private readonly byte[] _mac;
        private readonly byte[] _rx;
        /// <summary>
        /// The transmit buffer: whoever builds a packet in it (TCP, UDP, ICMP, DHCP) owns it until
        /// SendIpv4 returns. ARP builds its frames in <see cref="_arpTx"/>, so resolving an address in
        /// the middle of a send can never overwrite the packet being sent.
        /// </summary>
        private readonly byte[] _tx;
        private readonly byte[] _arpTx = new byte[EthernetFrame.MinLength];
        private readonly ArpCache _arp;
        /// <summary>The two MACs of an ARP claim (in use, claimed), for its trace line.</summary>
        private readonly byte[] _claimTrace = new byte[12];
        private long _arpWindowStart = long.MinValue / 2;
        private int _arpRequestsInWindow;
        private readonly UdpSocket[] _udp;
        private readonly DhcpClient _dhcp;
        private readonly Ipv4LinkLocal _linkLocal;
        private readonly Ipv4Reassembly _reassembly;
        private ITransportLayer _transport;
        private IPingListener _pingListener;

        private uint _address;
        private uint _netmask;
        private uint _gateway;
        /// <summary>IPv4 identification (RFC 6864, 7739): a random value for every atomic datagram, a counter
        /// per group of destinations (chosen by a keyed hash) for fragmented ones.</summary>
        private readonly Rand _ipIds;
        private readonly int[] _fragmentIds = new int[FragmentIdGroups];
        private readonly uint _fragmentIdKey;
        private const int FragmentIdGroups = 16;
        private bool _linkUp;
        private bool _linkKnown;
        private long _icmpWindowStart = long.MinValue / 2; // far past, without overflow in now - start
        private int _icmpErrorsInWindow;

        public NetInterface(INetworkDevice device, InterfaceConfig config, Tracer tracer)
        {
            _device = device;
            _config = config;
            _tracer = tracer != null ? tracer : new Tracer();
            _mac = new byte[6];
            Array.Copy(config.MacAddress, _mac, 6);
            int frame = EthernetFrame.HeaderLength + config.Mtu;
            _rx = new byte[frame];
            _tx = new byte[frame];
            _arp = new ArpCache(config.ArpEntries, config.ArpPendingEntries, config.ArpPendingFrames, frame, config.ArpInUseMs);
            _udp = new UdpSocket[config.UdpBindings];
            for (int i = 0; i < _udp.Length; i++)
            {
                _udp[i] = new UdpSocket(this, config.UdpQueueBytes);
            }
            _ipIds = new Rand(IdSeed(config.Seed, _mac));
            _fragmentIdKey = _ipIds.NextUInt() | 1;
            for (int i = 0; i < _fragmentIds.Length; i++)
            {
                _fragmentIds[i] = (int)(_ipIds.NextUInt() & 0xFFFF);
            }
            if (config.ReassemblyBytes > 0)
            {
                _reassembly = new Ipv4Reassembly(config.ReassemblyBytes, config.ReassemblyTimeoutMs);
            }
            if (config.UseDhcp)
            {
                _dhcp = new DhcpClient(this, config);
                if (config.LinkLocalAfterAttempts > 0)
                {
                    _linkLocal = new Ipv4LinkLocal(this, _mac);
                }
            }
            else if (config.Address != 0)
            {
                _address = config.Address;
                _netmask = config.Netmask;
                _gateway = config.Gateway;
                _arp.Gateway = _gateway;
            }
        }

        /// <summary>The identification generator's seed: the board's seed mixed with its MAC (two boards with one seed differ).</summary>
        private static uint IdSeed(uint seed, byte[] mac)
        {
            uint x = seed ^ 0x49504944u;
            for (int i = 0; i < 6; i++)
            {
                x = (x ^ mac[i]) * 16777619u;
            }
            return x;
        }

        public InterfaceConfig Config { get { return _config; } }
        public Counters Counters { get { return _counters; } }
        public Tracer Tracer { get { return _tracer; } }
        public ArpCache Arp { get { return _arp; } }
        public DhcpClient Dhcp { get { return _dhcp; } }
        /// <summary>The RFC 3927 link-local fallback, or null when not configured.</summary>
        public Ipv4LinkLocal LinkLocal { get { return _linkLocal; } }
        public INetworkDevice Device { get { return _device; } }
        public byte[] MacAddress { get { return _mac; } }
        public uint Address { get { return _address; } }
        public uint Netmask { get { return _netmask; } }
        public uint Gateway { get { return _gateway; } }
        public bool LinkUp { get { return _linkUp; } }
        public IPingListener PingListener { get { return _pingListener; } set { _pingListener = value; } }

        // IIpv4Output
        public uint LocalAddress { get { return _address; } }
        public byte[] TxBuffer { get { return _tx; } }
        public int TransportOffset { get { return TransportAt; } }
        public int MaxTransportLength { get { return _config.Mtu - Ipv4Packet.HeaderLength; } }

        /// <summary>Bytes of every buffer and table the interface allocated (its static footprint).</summary>
        public int FootprintBytes
        {
            get
            {
                int n = _rx.Length + _tx.Length + _arpTx.Length + _arp.FootprintBytes + _counters.Drops.Length * 8 + 32 * 8;
                for (int i = 0; i < _udp.Length; i++)
                {
                    n += _udp[i].FootprintBytes;
                }
                if (_dhcp != null)
                {
                    n += _dhcp.FootprintBytes;
                }
                if (_reassembly != null)
                {
                    n += _reassembly.FootprintBytes;
                }
                return n;
            }
        }

        /// <summary>Plugs in the transport (TCP). One transport; later calls replace it.</summary>
        public void AttachTransport(ITransportLayer transport)
        {
            _transport = transport;
        }

        /// <summary>
        /// Sets the address (static configuration or a DHCP lease); 0 removes it. Traced, and
        /// announced with a gratuitous ARP so neighbours update their caches.
        /// </summary>
        public void SetAddress(uint address, uint netmask, uint gateway, long nowMs)
        {
            uint old = _address;
            bool changed = address != _address;
            _address = address;
            _netmask = netmask;
            _gateway = gateway;
            _arp.Gateway = gateway;
            if (_tracer.Wants(TraceLevel.States))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Address, nowMs);
                e.SrcIp = address;
                e.DstIp = gateway;
                e.Value = Ipv4Address.PrefixLength(netmask);
                _tracer.Emit();
            }
            if (changed && address != 0)
            {
                SendArp(ArpPacket.OpRequest, Wire.MacAddress.Broadcast, 0, address, Wire.MacAddress.Zero, address, nowMs);
            }
            if (changed && _transport != null)
            {
                _transport.AddressChanged(old, address, nowMs);
            }
        }

        /// <summary>
        /// Does all pending work: takes up to RxFramesPerPoll frames from the device and
        /// processes them, then runs ARP, DHCP and transport timers. Returns the number of
        /// frames received. Never throws for anything a peer sends.
        /// </summary>
        public int Poll(long nowMs)
        {
            bool up = _device.LinkUp;
            if (!_linkKnown || up != _linkUp)
            {
                _linkKnown = true;
                _linkUp = up;
                if (_tracer.Wants(TraceLevel.States))
                {
                    TraceEvent e = _tracer.Begin(TraceKind.Link, nowMs);
                    e.Code = up ? 1 : 0;
                    _tracer.Emit();
                }
            }
            int frames = 0;
            while (frames < _config.RxFramesPerPoll)
            {
                int n = _device.Receive(_rx, 0, _rx.Length, nowMs);
                if (n <= 0)
                {
                    break;
                }
                frames++;
                ProcessFrame(n, nowMs);
            }
            RunArpTimers(nowMs);
            if (_reassembly != null && _reassembly.TimedOut(nowMs))
            {
                _counters.ReassemblyTimeouts++;
                _counters.Drops[(int)DropReason.Ipv4ReassemblyTimeout]++;
                TraceDrop(DropReason.Ipv4ReassemblyTimeout, _reassembly.Source, false, nowMs);
            }
            if (_dhcp != null)
            {
                _dhcp.Poll(nowMs);
            }
            if (_linkLocal != null)
            {
                _linkLocal.Poll(nowMs);
            }
            if (_transport != null)
            {
                _transport.Poll(nowMs);
            }
            return frames;
        }

        /// <summary>Binds a UDP port; null when the port is taken or every binding is in use.</summary>
        public UdpSocket OpenUdp(int port)
        {
            if (port <= 0 || port > 0xFFFF || FindUdp(port) != null)
            {
                return null;
            }
            for (int i = 0; i < _udp.Length; i++)
            {
                if (!_udp[i].IsOpen)
                {
                    _udp[i].Open(port);
                    return _udp[i];
                }
            }
            return null;
        }

        /// <summary>Sends an ICMP echo request with <paramref name="payloadLength"/> pattern bytes.</summary>
        public DropReason SendPing(uint destination, int identifier, int sequence, int payloadLength, long nowMs)
        {
            int max = MaxTransportLength - IcmpPacket.HeaderLength;
            if (payloadLength < 0 || payloadLength > max)
            {
                return CountTxDrop(DropReason.TxTooLong, destination, nowMs);
            }
            int p = TransportAt + IcmpPacket.HeaderLength;
            for (int i = 0; i < payloadLength; i++)
            {
                _tx[p + i] = (byte)(0x20 + (i % 64));
            }
            IcmpPacket.WriteHeaderAndChecksum(_tx, TransportAt, IcmpPacket.TypeEchoRequest, 0, identifier, sequence, payloadLength);
            _counters.IcmpEchoRequestsOut++;
            TraceIcmp(true, _address, destination, IcmpPacket.TypeEchoRequest, sequence, payloadLength, nowMs);
            return SendIpv4(destination, IpProtocol.Icmp, IcmpPacket.HeaderLength + payloadLength, nowMs);
        }

        // ------------------------------------------------------------------ receive path

        private void ProcessFrame(int length, long nowMs)
        {
            _counters.RxFrames++;
            _counters.RxBytes += length;
            if (_tracer.Active >= TraceLevel.Frames)
            {
                TraceFrame(false, _rx, 0, length, nowMs);
            }
            DropReason reason = DispatchFrame(length, nowMs);
            if (reason == DropReason.None)
            {
                _counters.RxHandled++;
            }
            else
            {
                _counters.RxDropped++;
                _counters.Drops[(int)reason]++;
                TraceDrop(reason, SourceOf(length), false, nowMs);
            }
        }

        private DropReason DispatchFrame(int length, long nowMs)
        {
            DropReason r = EthernetFrame.Validate(_rx, 0, length);
            if (r != DropReason.None)
            {
                return r;
            }
            // The Ethernet header is read in place, not through MacAddress/EthernetFrame accessors: once
            // per frame, where each call costs the interpreter as much as a dozen instructions.
            byte[] rx = _rx;
            byte[] mac = _mac;
            bool broadcast = (rx[0] & rx[1] & rx[2] & rx[3] & rx[4] & rx[5]) == 0xFF;
            if (!broadcast && !(rx[0] == mac[0] && rx[1] == mac[1] && rx[2] == mac[2] && rx[3] == mac[3] && rx[4] == mac[4] && rx[5] == mac[5]))
            {
                // Multicast and other hosts' unicast (promiscuous devices, leaky filters).
                return DropReason.FrameNotForUs;
            }
            int type = (rx[EthernetFrame.TypeAt] << 8) | rx[EthernetFrame.TypeAt + 1];
            int payload = length - EthernetFrame.HeaderLength;
            if (type == EtherType.Arp)
            {
                return ProcessArp(payload, nowMs);
            }
            if (type == EtherType.Ipv4)
            {
                return ProcessIpv4(payload, broadcast, nowMs);
            }
            return DropReason.EtherTypeUnknown;
        }

        private DropReason ProcessArp(int available, long nowMs)
        {
            DropReason r = ArpPacket.Validate(_rx, EthIpOffset, available);
            if (r != DropReason.None)
            {
                return r;
            }
            int op = ArpPacket.Operation(_rx, EthIpOffset);
            if (op == ArpPacket.OpRequest) _counters.ArpRequestsIn++; else _counters.ArpRepliesIn++;
            uint spa = ArpPacket.SenderProtocolAddress(_rx, EthIpOffset);
            uint tpa = ArpPacket.TargetProtocolAddress(_rx, EthIpOffset);
            int sha = EthIpOffset + ArpPacket.SenderHardwareAt;
            if (Wire.MacAddress.IsGroup(_rx, sha) || Wire.MacAddress.IsZero(_rx, sha) || Wire.MacAddress.Equal(_rx, sha, _mac, 0)
                || spa == Ipv4Address.Broadcast || Ipv4Address.IsMulticast(spa))
            {
                return DropReason.ArpBadSender;
            }
            if (_linkLocal != null)
            {
                // Probes and announcements of other hosts: link-local address conflicts (RFC 3927 2.2, 2.5).
                _linkLocal.OnArp(op, spa, tpa, nowMs);
            }
            if (_address != 0 && spa == _address)
            {
                // Someone else claims our address: never learn it, report it.
                return DropReason.ArpBadSender;
            }
            TraceArp(op == ArpPacket.OpRequest ? ArpTrace.RequestIn : ArpTrace.ReplyIn, spa, tpa, nowMs);
            bool forUs = _address != 0 && tpa == _address;
            // RFC 826 merge: update an existing entry from any ARP packet; create one only for a request
            // addressed to us (we answer it, and its sender is about to talk to us), never for a reply we
            // did not ask for. ArpCache protects the entries in use (see there).
            int entry = -1;
            int heard = spa == 0 ? ArpCache.HeardUnknown : _arp.Heard(spa, _rx, sha, nowMs, forUs && op == ArpPacket.OpRequest, out entry);
            if (heard == ArpCache.HeardResolved)
            {
                FlushPending(entry, nowMs);
            }
            else if (heard == ArpCache.HeardClaimHeld)
            {
                TraceClaim(ArpTrace.ClaimHeld, entry, spa, nowMs);
            }
            else if (heard == ArpCache.HeardClaimRefused)
            {
                _counters.ArpMacChangesRefused++;
                TraceClaim(ArpTrace.ClaimRefused, entry, spa, nowMs);
            }
            else if (heard == ArpCache.HeardChanged)
            {
                TraceClaim(ArpTrace.Changed, entry, spa, nowMs);
            }
            if (!forUs)
            {
                return entry >= 0 ? DropReason.None : DropReason.ArpNotForUs;
            }
            if (op == ArpPacket.OpRequest)
            {
                // Copy the requester's MAC out of the receive buffer before it is reused.
                SendArpReply(sha, spa, nowMs);
            }
            return DropReason.None;
        }

        private DropReason ProcessIpv4(int available, bool linkBroadcast, long nowMs)
        {
            DropReason r = Ipv4Packet.Validate(_rx, EthIpOffset, available);
            if (r != DropReason.None)
            {
                return r;
            }
            _counters.Ipv4In++;
            // Addresses and the fragment test read in place (Ipv4Packet.Source, Destination, IsFragment):
            // once per frame, the interpreter's call cost.
            byte[] rx = _rx;
            uint src = ((uint)rx[EthIpOffset + 12] << 24) | ((uint)rx[EthIpOffset + 13] << 16) | ((uint)rx[EthIpOffset + 14] << 8) | rx[EthIpOffset + 15];
            uint dst = ((uint)rx[EthIpOffset + 16] << 24) | ((uint)rx[EthIpOffset + 17] << 16) | ((uint)rx[EthIpOffset + 18] << 8) | rx[EthIpOffset + 19];
            uint address = _address;
            if (!Ipv4Address.IsValidSource(src) || (address != 0 && src == address)
                || (address != 0 && Ipv4Address.IsBroadcast(src, _netmask) && (src & _netmask) == (address & _netmask)))
            {
                // 0/8, loopback, multicast, broadcast (RFC 1122 3.2.1.3) or our own address (the "land"
                // attack): never a legitimate source.
                return DropReason.Ipv4BadSource;
            }
            bool unicast = address != 0 && dst == address;
            // Whether dst is a broadcast matters only for a datagram not to our address or a link broadcast.
            bool broadcast = (!unicast || linkBroadcast) && (dst == Ipv4Address.Broadcast
                || (address != 0 && Ipv4Address.IsBroadcast(dst, _netmask) && (dst & _netmask) == (address & _netmask)));
            // RFC 1122 §3.3.6: a link-layer broadcast must carry an IP broadcast; one that names our
            // address was not sent to us alone, and no protocol answers it (a SYN would open a connection).
            if ((!unicast && !broadcast) || (linkBroadcast && !broadcast))
            {
                return DropReason.Ipv4NotForUs;
            }
            if (((rx[EthIpOffset + 6] & 0x3F) | rx[EthIpOffset + 7]) != 0) // MF or a fragment offset
            {
                if (_reassembly == null)
                {
                    return DropReason.Ipv4Fragment;
                }
                bool complete;
                r = _reassembly.Add(_rx, EthIpOffset, nowMs, out complete);
                if (r != DropReason.None || !complete)
                {
                    return r;
                }
                // The whole datagram, rebuilt: processed from the reassembly buffer like any other.
                _counters.Ipv4Reassembled++;
                return ProcessDatagram(_reassembly.Buffer, 0, src, dst, unicast, nowMs);
            }
            return ProcessDatagram(_rx, EthIpOffset, src, dst, unicast, nowMs);
        }

        /// <summary>A complete datagram at b[ip] (one frame, or rebuilt from fragments) to its protocol.</summary>
        private DropReason ProcessDatagram(byte[] b, int ip, uint src, uint dst, bool unicast, long nowMs)
        {
            // Header length, total length and protocol read in place (Ipv4Packet accessors): once per datagram.
            int headerBytes = (b[ip] & 0x0F) * 4;
            int offset = ip + headerBytes;
            int length = ((b[ip + 2] << 8) | b[ip + 3]) - headerBytes;
            switch (b[ip + 9])
            {
                case IpProtocol.Icmp:
                    return ProcessIcmp(b, src, unicast, offset, length, nowMs);
                case IpProtocol.Udp:
                    return ProcessUdp(b, ip, src, dst, unicast, offset, length, nowMs);
                case IpProtocol.Tcp:
                    _counters.TcpIn++;
                    if (!unicast)
                    {
                        return DropReason.TcpNotUnicast;
                    }
                    if (_transport == null)
                    {
                        return DropReason.TcpNoStack;
                    }
                    return _transport.Input(src, dst, b, offset, length, nowMs);
                default:
                    return DropReason.Ipv4ProtocolUnknown;
            }
        }

        private DropReason ProcessIcmp(byte[] b, uint src, bool unicast, int offset, int length, long nowMs)
        {
            DropReason r = IcmpPacket.Validate(b, offset, length);
            if (r != DropReason.None)
            {
                return r;
            }
            int type = IcmpPacket.Type(b, offset);
            int payload = length - IcmpPacket.HeaderLength;
            int echoId = IcmpPacket.EchoIdentifier(b, offset);
            int echoSeq = IcmpPacket.EchoSequence(b, offset);
            TraceIcmp(false, src, _address, type, echoSeq, payload, nowMs);
            if (type == IcmpPacket.TypeEchoRequest)
            {
                _counters.IcmpEchoRequestsIn++;
                if (!unicast)
                {
                    // Like Linux (icmp_echo_ignore_broadcasts): no smurf amplifier.
                    return DropReason.IcmpTypeIgnored;
                }
                _counters.IcmpEchoRepliesOut++;
                TraceIcmp(true, _address, src, IcmpPacket.TypeEchoReply, echoSeq, payload, nowMs);
                if (length <= MaxTransportLength)
                {
                    Array.Copy(b, offset + IcmpPacket.HeaderLength, _tx, TransportAt + IcmpPacket.HeaderLength, payload);
                    IcmpPacket.WriteHeaderAndChecksum(_tx, TransportAt, IcmpPacket.TypeEchoReply, 0, echoId, echoSeq, payload);
                    SendIpv4(src, IpProtocol.Icmp, length, nowMs);
                }
                else
                {
                    // A reassembled request: the reply is built where the request lies and leaves in fragments.
                    IcmpPacket.WriteHeaderAndChecksum(b, offset, IcmpPacket.TypeEchoReply, 0, echoId, echoSeq, payload);
                    SendFragmented(src, IpProtocol.Icmp, b, offset, length, nowMs);
                }
                return DropReason.None;
            }
            if (type == IcmpPacket.TypeEchoReply)
            {
                _counters.IcmpEchoRepliesIn++;
                if (_pingListener != null)
                {
                    _pingListener.OnEchoReply(src, echoId, echoSeq, payload, nowMs);
                }
                return DropReason.None;
            }
            if (type == IcmpPacket.TypeDestinationUnreachable || type == IcmpPacket.TypeTimeExceeded)
            {
                if (type == IcmpPacket.TypeDestinationUnreachable)
                {
                    _counters.IcmpUnreachableIn++;
                }
                // The error quotes one of our datagrams: hand it to the transport it belongs to (RFC 1122 3.2.2.1).
                int quoted = offset + IcmpPacket.HeaderLength;
                if (payload >= Ipv4Packet.HeaderLength + 8 && _transport != null
                    && Ipv4Packet.Protocol(b, quoted) == _transport.Protocol && Ipv4Packet.Source(b, quoted) == _address)
                {
                    int mtu = type == IcmpPacket.TypeDestinationUnreachable ? echoSeq : 0; // RFC 1191: next-hop MTU in the low word
                    _transport.IcmpError(type, IcmpPacket.Code(b, offset), mtu, b, quoted, payload, nowMs);
                }
                return DropReason.None;
            }
            return DropReason.IcmpTypeIgnored;
        }

        private DropReason ProcessUdp(byte[] b, int ip, uint src, uint dst, bool unicast, int offset, int length, long nowMs)
        {
            DropReason r = UdpDatagram.Validate(b, offset, length, src, dst);
            if (r != DropReason.None)
            {
                return r;
            }
            _counters.UdpIn++;
            int port = UdpDatagram.DestinationPort(b, offset);
            int srcPort = UdpDatagram.SourcePort(b, offset);
            int payloadOffset = offset + UdpDatagram.HeaderLength;
            int payload = UdpDatagram.PayloadLength(b, offset);
            TraceUdp(false, src, srcPort, dst, port, payload, nowMs);
            if (port == DhcpClient.ClientPort && _dhcp != null)
            {
                _counters.DhcpIn++;
                return _dhcp.Input(b, payloadOffset, payload, nowMs);
            }
            UdpSocket socket = FindUdp(port);
            if (socket == null)
            {
                if (unicast)
                {
                    SendPortUnreachable(src, b, ip, nowMs);
                }
                return DropReason.UdpPortClosed;
            }
            if (!socket.Deliver(src, srcPort, b, payloadOffset, payload))
            {
                return DropReason.UdpQueueFull;
            }
            return DropReason.None;
        }

        private UdpSocket FindUdp(int port)
        {
            for (int i = 0; i < _udp.Length; i++)
            {
                if (_udp[i].IsOpen && _udp[i].LocalPort == port)
                {
                    return _udp[i];
                }
            }
            return null;
        }

        /// <summary>ICMP port unreachable quoting the offending IPv4 header (at b[ip]) + 8 bytes (RFC 792), rate-limited.</summary>
        private void SendPortUnreachable(uint destination, byte[] b, int ip, long nowMs)
        {
            if (nowMs - _icmpWindowStart >= 1000)
            {
                _icmpWindowStart = nowMs;
                _icmpErrorsInWindow = 0;
            }
            if (_icmpErrorsInWindow >= _config.IcmpErrorsPerSecond)
            {
                return;
            }
            _icmpErrorsInWindow++;
            int quote = Ipv4Packet.HeaderBytes(b, ip) + 8;
            int total = Ipv4Packet.TotalLength(b, ip);
            if (quote > total)
            {
                quote = total;
            }
            Array.Copy(b, ip, _tx, TransportAt + IcmpPacket.HeaderLength, quote);
            IcmpPacket.WriteHeaderAndChecksum(_tx, TransportAt, IcmpPacket.TypeDestinationUnreachable, IcmpPacket.CodePortUnreachable, 0, 0, quote);
            _counters.IcmpUnreachableOut++;
            TraceIcmp(true, _address, destination, IcmpPacket.TypeDestinationUnreachable, 0, quote, nowMs);
            SendIpv4(destination, IpProtocol.Icmp, IcmpPacket.HeaderLength + quote, nowMs);
        }

        // ------------------------------------------------------------------ transmit path

        /// <summary>Sends a UDP datagram (payload copied from the caller's buffer).</summary>
        internal DropReason SendUdp(int sourcePort, uint destination, int destinationPort, byte[] buffer, int offset, int length, long nowMs)
        {
            if (length < 0 || length > MaxTransportLength - UdpDatagram.HeaderLength)
            {
                return CountTxDrop(DropReason.TxTooLong, destination, nowMs);
            }
            Array.Copy(buffer, offset, _tx, TransportAt + UdpDatagram.HeaderLength, length);
            return SendUdpInPlace(sourcePort, destination, destinationPort, length, nowMs);
        }

        /// <summary>Sends a UDP datagram whose payload is already at TransportOffset + 8 in TxBuffer.</summary>
        internal DropReason SendUdpInPlace(int sourcePort, uint destination, int destinationPort, int length, long nowMs)
        {
            UdpDatagram.WriteHeaderAndChecksum(_tx, TransportAt, _address, sourcePort, destination, destinationPort, length);
            _counters.UdpOut++;
            TraceUdp(true, _address, sourcePort, destination, destinationPort, length, nowMs);
            return SendIpv4(destination, IpProtocol.Udp, UdpDatagram.HeaderLength + length, nowMs);
        }

        public DropReason SendIpv4(uint destination, int protocol, int transportLength, long nowMs)
        {
            if (transportLength > _config.Mtu - Ipv4Packet.HeaderLength) // MaxTransportLength, read in place: once per packet
            {
                return CountTxDrop(DropReason.TxTooLong, destination, nowMs);
            }
            // An atomic datagram (DF, one piece): any identification will do (RFC 6864 §4.1); a random one
            // tells nobody how many datagrams were sent, to anyone (no idle-scan zombie, RFC 7739).
            int id = (int)(_ipIds.NextUInt() >> 16);
            Ipv4Packet.WriteHeader(_tx, EthIpOffset, _address, destination, protocol, transportLength, id, _config.Ttl);
            _counters.Ipv4Out++;
            return SendFrameTo(destination, TransportAt + transportLength, nowMs);
        }

        /// <summary>
        /// Sends a datagram longer than one frame (a reassembled echo request's reply) as fragments
        /// (RFC 791 §3.2): payload at b[offset, +length), DF clear, MF on all but the last, pieces a
        /// multiple of 8 bytes. An unresolved next hop loses all but the last fragment (one pending
        /// frame per ARP entry): the sender asks again.
        /// </summary>
        private DropReason SendFragmented(uint destination, int protocol, byte[] b, int offset, int length, long nowMs)
        {
            int piece = MaxTransportLength & ~7;
            // Fragments need an identification unique per destination while they may be reassembled
            // (RFC 791, 6864 §4.2): a counter per group of destinations, the group chosen by a keyed hash,
            // so what one destination sees says nothing about traffic to the others (RFC 7739 §5.3).
            int group = (int)((destination * _fragmentIdKey) >> 28) & (FragmentIdGroups - 1);
            int id = (_fragmentIds[group] + 1) & 0xFFFF;
            _fragmentIds[group] = id;
            _counters.Ipv4Out++;
            DropReason result = DropReason.None;
            for (int done = 0; done < length; done += piece)
            {
                int n = length - done < piece ? length - done : piece;
                Array.Copy(b, offset + done, _tx, TransportAt, n);
                Ipv4Packet.WriteFragmentHeader(_tx, EthIpOffset, _address, destination, protocol, n, id, _config.Ttl, done, done + n < length);
                _counters.Ipv4FragmentsOut++;
                DropReason r = SendFrameTo(destination, TransportAt + n, nowMs);
                if (r != DropReason.None)
                {
                    result = r;
                }
            }
            return result;
        }

        /// <summary>The IPv4 packet in _tx (frame length <paramref name="frameLength"/>): Ethernet header by route and ARP, then out.</summary>
        private DropReason SendFrameTo(uint destination, int frameLength, long nowMs)
        {
            if (destination == Ipv4Address.Broadcast
                || (_address != 0 && Ipv4Address.IsBroadcast(destination, _netmask) && (destination & _netmask) == (_address & _netmask)))
            {
                EthernetFrame.WriteHeader(_tx, 0, Wire.MacAddress.Broadcast, 0, _mac, EtherType.Ipv4);
                return TransmitFrame(_tx, 0, frameLength, destination, nowMs);
            }
            uint nextHop = destination;
            if (_address == 0 || (destination & _netmask) != (_address & _netmask))
            {
                if (_gateway == 0 || _address == 0)
                {
                    return CountTxDrop(DropReason.NoRoute, destination, nowMs);
                }
                nextHop = _gateway;
            }
            int entry = _arp.Find(nextHop);
            if (_arp.IsResolved(entry))
            {
                _arp.Touch(entry, nowMs);
                EthernetFrame.WriteHeader(_tx, 0, _arp.MacTable, _arp.MacOffsetOf(entry), _mac, EtherType.Ipv4);
                return TransmitFrame(_tx, 0, frameLength, destination, nowMs);
            }
            // Unresolved: keep the packet, ask who has the next hop.
            bool newEntry = entry < 0;
            if (newEntry)
            {
                // Only within the pending quota, and never in place of an entry in use.
                entry = _arp.AddPending(nextHop, nowMs);
                if (entry < 0)
                {
                    return CountTxDrop(DropReason.ArpCacheFull, destination, nowMs);
                }
                if (!TakeArpRequest(nowMs))
                {
                    _arp.Forget(entry);
                    _counters.ArpRequestsHeld++;
                    TraceArp(ArpTrace.RequestHeld, _address, nextHop, nowMs);
                    return CountTxDrop(DropReason.ArpRateLimited, destination, nowMs);
                }
            }
            // Stored as a complete frame; the destination MAC is filled in when the reply arrives.
            EthernetFrame.WriteHeader(_tx, 0, Wire.MacAddress.Zero, 0, _mac, EtherType.Ipv4);
            int stored = _arp.StorePending(entry, _tx, 0, frameLength);
            if (newEntry)
            {
                SendArp(ArpPacket.OpRequest, Wire.MacAddress.Broadcast, 0, nextHop, Wire.MacAddress.Zero, _address, nowMs);
            }
            if (stored < 0)
            {
                return CountTxDrop(DropReason.ArpUnresolved, destination, nowMs);
            }
            if (stored > 0)
            {
                // The older packet waiting for this host was replaced: count the one lost.
                _counters.TxDropped++;
                _counters.Drops[(int)DropReason.ArpQueueReplaced]++;
                TraceDrop(DropReason.ArpQueueReplaced, destination, true, nowMs);
            }
            return DropReason.None;
        }

        private DropReason TransmitFrame(byte[] frame, int offset, int length, uint destination, long nowMs)
        {
            if (length < EthernetFrame.MinLength)
            {
                // Pad runts: the ENC28J60 pads too, but an in-memory link must carry legal frames.
                Array.Clear(frame, offset + length, EthernetFrame.MinLength - length);
                length = EthernetFrame.MinLength;
            }
            if (_tracer.Active >= TraceLevel.Frames)
            {
                TraceFrame(true, frame, offset, length, nowMs);
            }
            if (!_device.Transmit(frame, offset, length, nowMs))
            {
                return CountTxDrop(DropReason.TxDeviceRefused, destination, nowMs);
            }
            _counters.TxFrames++;
            _counters.TxBytes += length;
            return DropReason.None;
        }

        private void SendArpReply(int requesterMacOffset, uint requesterIp, long nowMs)
        {
            EthernetFrame.WriteHeader(_arpTx, 0, _rx, requesterMacOffset, _mac, EtherType.Arp);
            ArpPacket.Write(_arpTx, EthIpOffset, ArpPacket.OpReply, _mac, 0, _address, _rx, requesterMacOffset, requesterIp);
            _counters.ArpRepliesOut++;
            TraceArp(ArpTrace.ReplyOut, _address, requesterIp, nowMs);
            TransmitFrame(_arpTx, 0, EthIpOffset + ArpPacket.Length, requesterIp, nowMs);
        }

        /// <summary>RFC 3927 probe: who has <paramref name="candidate"/>, from sender address 0.</summary>
        internal void SendArpProbe(uint candidate, long nowMs)
        {
            SendArp(ArpPacket.OpRequest, Wire.MacAddress.Broadcast, 0, candidate, Wire.MacAddress.Zero, 0, nowMs);
        }

        /// <summary>RFC 3927 announcement (a gratuitous ARP request): sender and target are <paramref name="address"/>.</summary>
        internal void SendArpAnnouncement(uint address, long nowMs)
        {
            SendArp(ArpPacket.OpRequest, Wire.MacAddress.Broadcast, 0, address, Wire.MacAddress.Zero, address, nowMs);
        }

        private void SendArp(int op, byte[] dstMac, int dstMacOffset, uint targetIp, byte[] targetMac, uint senderIp, long nowMs)
        {
            EthernetFrame.WriteHeader(_arpTx, 0, dstMac, dstMacOffset, _mac, EtherType.Arp);
            ArpPacket.Write(_arpTx, EthIpOffset, op, _mac, 0, senderIp, targetMac, 0, targetIp);
            _counters.ArpRequestsOut++;
            TraceArp(ArpTrace.RequestOut, senderIp, targetIp, nowMs);
            TransmitFrame(_arpTx, 0, EthIpOffset + ArpPacket.Length, targetIp, nowMs);
        }

        private void FlushPending(int entry, long nowMs)
        {
            if (!_arp.HasPendingFrame(entry))
            {
                return;
            }
            int n = _arp.TakePending(entry, _tx, 0);
            Array.Copy(_arp.MacTable, _arp.MacOffsetOf(entry), _tx, 0, 6);
            _arp.Touch(entry, nowMs);
            TransmitFrame(_tx, 0, n, _arp.AddressOf(entry), nowMs);
        }

        private void RunArpTimers(long nowMs)
        {
            while (true)
            {
                int entry;
                uint ip;
                int due = _arp.NextDue(nowMs, _config.ArpRetryMs, _config.ArpRetries, _config.ArpRefreshMs, _config.ArpExpireMs, out entry, out ip);
                if (due == ArpCache.DueNone)
                {
                    return;
                }
                if (due == ArpCache.DueRetry || due == ArpCache.DueRefresh)
                {
                    if (!TakeArpRequest(nowMs))
                    {
                        // Held back by the global limit: not sent; the entry's schedule goes on.
                        _counters.ArpRequestsHeld++;
                        TraceArp(ArpTrace.RequestHeld, _address, ip, nowMs);
                    }
                    else if (due == ArpCache.DueRetry)
                    {
                        SendArp(ArpPacket.OpRequest, Wire.MacAddress.Broadcast, 0, ip, Wire.MacAddress.Zero, _address, nowMs);
                    }
                    else
                    {
                        SendArp(ArpPacket.OpRequest, _arp.MacTable, _arp.MacOffsetOf(entry), ip, Wire.MacAddress.Zero, _address, nowMs);
                    }
                }
                else if (due == ArpCache.DueCheckOldMac)
                {
                    // A neighbour in use is claimed by another MAC: ask the one we know, unicast. Never held
                    // back by the global limit (at most one per address per ArpRetryMs): a flood must not
                    // keep the live peer from being asked.
                    SendArp(ArpPacket.OpRequest, _arp.MacTable, _arp.MacOffsetOf(entry), ip, Wire.MacAddress.Zero, _address, nowMs);
                }
                else if (due == ArpCache.DueClaimAdopted)
                {
                    _counters.ArpMacChangesAdopted++;
                    TraceClaim(ArpTrace.ClaimAdopted, entry, ip, nowMs);
                }
                else
                {
                    TraceArp(ArpTrace.Unresolved, _address, ip, nowMs);
                    if (due == ArpCache.DueGaveUpWithFrame)
                    {
                        CountTxDrop(DropReason.ArpUnresolved, ip, nowMs);
                    }
                }
            }
        }

        /// <summary>One ARP request of the global budget (ArpRequestsPerSecond, per one-second window); false when spent.</summary>
        private bool TakeArpRequest(long nowMs)
        {
            if (nowMs - _arpWindowStart >= 1000)
            {
                _arpWindowStart = nowMs;
                _arpRequestsInWindow = 0;
            }
            if (_arpRequestsInWindow >= _config.ArpRequestsPerSecond)
            {
                return false;
            }
            _arpRequestsInWindow++;
            return true;
        }

        private DropReason CountTxDrop(DropReason reason, uint destination, long nowMs)
        {
            _counters.TxDropped++;
            _counters.Drops[(int)reason]++;
            TraceDrop(reason, destination, true, nowMs);
            return reason;
        }

        // ------------------------------------------------------------------ tracing

        private uint SourceOf(int length)
        {
            if (length >= EthIpOffset + Ipv4Packet.HeaderLength && NetworkOrder.ReadUInt16(_rx, 12) == EtherType.Ipv4)
            {
                return NetworkOrder.ReadUInt32(_rx, EthIpOffset + 12);
            }
            if (length >= EthIpOffset + ArpPacket.Length && NetworkOrder.ReadUInt16(_rx, 12) == EtherType.Arp)
            {
                return NetworkOrder.ReadUInt32(_rx, EthIpOffset + 14);
            }
            return 0;
        }

        /// <summary>A drop, traced with the peer it came from or, for one we were sending, went to.</summary>
        private void TraceDrop(DropReason reason, uint peer, bool outbound, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Drop, nowMs);
                e.Code = (int)reason;
                e.Outbound = outbound;
                e.SrcIp = peer;
                _tracer.Emit();
            }
        }

        /// <summary>A whole frame at the Frames level; once per frame each way, so callers test the level in place.</summary>
        private void TraceFrame(bool outbound, byte[] frame, int offset, int length, long nowMs)
        {
            TraceEvent e = _tracer.Begin(outbound ? TraceKind.FrameOut : TraceKind.FrameIn, nowMs);
            e.Outbound = outbound;
            e.Data = frame;
            e.DataOffset = offset;
            e.DataLength = length;
            e.Length = length;
            _tracer.Emit();
        }

        private void TraceArp(int code, uint sender, uint target, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Arp, nowMs);
                e.Code = code;
                e.Outbound = code == ArpTrace.RequestOut || code == ArpTrace.ReplyOut;
                e.SrcIp = sender;
                e.DstIp = target;
                _tracer.Emit();
            }
        }

        /// <summary>
        /// A MAC claim on an entry: held or refused (Data: the MAC in the entry, then the one claimed), or
        /// adopted or changed (Data: the entry's new MAC). Claims on neighbours in use are state-level news
        /// (at most one a second per neighbour); a new MAC for an entry nobody uses is segment-level detail
        /// (an ARP flood makes thousands).
        /// </summary>
        private void TraceClaim(int code, int entry, uint ip, long nowMs)
        {
            if (!_tracer.Wants(code == ArpTrace.Changed ? TraceLevel.Segments : TraceLevel.States))
            {
                return;
            }
            bool held = code == ArpTrace.ClaimHeld || code == ArpTrace.ClaimRefused;
            Array.Copy(_arp.MacTable, _arp.MacOffsetOf(entry), _claimTrace, 0, 6);
            if (held)
            {
                Array.Copy(_arp.ClaimTable, _arp.ClaimOffsetOf(entry), _claimTrace, 6, 6);
            }
            TraceEvent e = _tracer.Begin(TraceKind.Arp, nowMs);
            e.Code = code;
            e.SrcIp = ip;
            e.DstIp = ip;
            e.Data = _claimTrace;
            e.DataOffset = 0;
            e.DataLength = held ? 12 : 6;
            _tracer.Emit();
        }

        private void TraceIcmp(bool outbound, uint src, uint dst, int type, int seq, int length, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Icmp, nowMs);
                e.Outbound = outbound;
                e.SrcIp = src;
                e.DstIp = dst;
                e.Code = type;
                e.Seq = (uint)seq;
                e.Length = length;
                _tracer.Emit();
            }
        }

        private void TraceUdp(bool outbound, uint src, int srcPort, uint dst, int dstPort, int length, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Udp, nowMs);
                e.Outbound = outbound;
                e.SrcIp = src;
                e.SrcPort = srcPort;
                e.DstIp = dst;
                e.DstPort = dstPort;
                e.Length = length;
                _tracer.Emit();
            }
        }
    }

    /// <summary>Codes of TraceKind.Arp events.</summary>
    public static class ArpTrace
    {
        public const int RequestIn = 0;
        public const int ReplyIn = 1;
        public const int RequestOut = 2;
        public const int ReplyOut = 3;
        public const int Unresolved = 4;
        /// <summary>A request held back by the global rate limit (DstIp: the address).</summary>
        public const int RequestHeld = 5;
        /// <summary>Another MAC claimed for an entry in use: held while the old MAC is asked (Data: old, claimed).</summary>
        public const int ClaimHeld = 6;
        /// <summary>The old MAC answered: the claim is refused (Data: old, claimed).</summary>
        public const int ClaimRefused = 7;
        /// <summary>The old MAC did not answer: the claimed MAC is now the entry's (Data: new, then unused).</summary>
        public const int ClaimAdopted = 8;
        /// <summary>A new MAC for an entry not in use, taken at once (RFC 826 merge; Data: new, then unused).</summary>
        public const int Changed = 9;
    }
}
