using System;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    /// <summary>
    /// A scripted host on an in-memory cable facing one <see cref="NetInterface"/> (no TCP): it
    /// injects exact frames (ARP, fragments, DHCP server replies) and reads the frames the interface
    /// sends, on a virtual clock. For the interface-level scenarios (reassembly, DHCP).
    /// </summary>
    public sealed class LinkPeer
    {
        public static readonly byte[] PeerMac = { 0x02, 0x50, 0x45, 0x45, 0x52, 0x01 };
        public static readonly uint PeerIp = Ipv4Address.Make(192, 168, 1, 10);
        public static readonly uint BoardIp = Ipv4Address.Make(192, 168, 1, 50);

        public readonly MemoryLink Link;
        public readonly NetInterface Iface;
        public readonly TraceRecorder Trace;
        public long Now;
        /// <summary>The last frame read by <see cref="NextFrame"/>.</summary>
        public readonly byte[] Frame = new byte[EthernetFrame.MaxLength];
        public int FrameLength;
        private readonly byte[] _out = new byte[EthernetFrame.MaxLength];

        /// <summary>Frames each direction of the cable holds: the peer's frame is taken at once, the interface answers with a few.</summary>
        public const int CableFrames = 4;

        /// <summary>Trace lines kept (each one a string on the heap; the board runs this in about 40 KB).</summary>
        public const int TraceLines = 24;

        /// <param name="config">the interface's configuration; its UDP sockets and ARP table are trimmed to what one scripted host needs</param>
        public LinkPeer(InterfaceConfig config)
        {
            // One host on the cable, and no UDP sockets: DHCP sends and receives without one.
            config.UdpBindings = 0;
            config.ArpEntries = 2;
            config.ArpPendingFrames = 1;
            Link = new MemoryLink(CableFrames, EthernetFrame.MaxLength);
            Trace = new TraceRecorder(TraceLines);
            Iface = new NetInterface(Link.A, config, new Tracer(Trace, TraceLevel.Segments));
        }

        /// <summary>A statically addressed board (192.168.1.50/24).</summary>
        public static InterfaceConfig StaticConfig()
        {
            InterfaceConfig c = new InterfaceConfig();
            c.Address = BoardIp;
            return c;
        }

        public void Poll()
        {
            Iface.Poll(Now);
        }

        /// <summary>Polls every 10 ms of virtual time up to t.</summary>
        public void AdvanceTo(long t)
        {
            while (Now < t)
            {
                Now = Now + 10 < t ? Now + 10 : t;
                Iface.Poll(Now);
            }
        }

        /// <summary>The next frame the interface sent, into <see cref="Frame"/>; false when none.</summary>
        public bool NextFrame()
        {
            FrameLength = Link.B.Receive(Frame, 0, Frame.Length, Now);
            return FrameLength > 0;
        }

        /// <summary>Drops every frame the interface has sent so far.</summary>
        public void DiscardFrames()
        {
            while (NextFrame())
            {
            }
        }

        /// <summary>An ARP request from the peer for the board: the board learns the peer's MAC (RFC 826).</summary>
        public void Introduce()
        {
            EthernetFrame.WriteHeader(_out, 0, MacAddress.Broadcast, 0, PeerMac, EtherType.Arp);
            ArpPacket.Write(_out, 14, ArpPacket.OpRequest, PeerMac, 0, PeerIp, MacAddress.Zero, 0, Iface.Address);
            Send(14 + ArpPacket.Length);
            DiscardFrames();
        }

        /// <summary>
        /// One IPv4 fragment to the board: payload bytes [offset, offset + length) of <paramref name="datagram"/>,
        /// MF when <paramref name="more"/>.
        /// </summary>
        public void SendFragment(uint destination, int protocol, int id, byte[] datagram, int offset, int length, bool more)
        {
            EthernetFrame.WriteHeader(_out, 0, Iface.MacAddress, 0, PeerMac, EtherType.Ipv4);
            Ipv4Packet.WriteFragmentHeader(_out, 14, PeerIp, destination, protocol, length, id, 64, offset, more);
            Array.Copy(datagram, offset, _out, 34, length);
            Send(34 + length);
        }

        /// <summary>A UDP datagram from <paramref name="source"/>:67 to the board's port 68, broadcast (a DHCP server's reply).</summary>
        public void SendDhcpReply(uint source, byte[] payload, int length)
        {
            EthernetFrame.WriteHeader(_out, 0, MacAddress.Broadcast, 0, PeerMac, EtherType.Ipv4);
            Array.Copy(payload, 0, _out, 42, length);
            UdpDatagram.WriteHeaderAndChecksum(_out, 34, source, DhcpClient.ServerPort, Ipv4Address.Broadcast, DhcpClient.ClientPort, length);
            Ipv4Packet.WriteHeader(_out, 14, source, Ipv4Address.Broadcast, IpProtocol.Udp, UdpDatagram.HeaderLength + length, 7, 64);
            Send(42 + length);
        }

        private void Send(int length)
        {
            if (length < EthernetFrame.MinLength)
            {
                Array.Clear(_out, length, EthernetFrame.MinLength - length);
                length = EthernetFrame.MinLength;
            }
            Link.B.Transmit(_out, 0, length, Now);
            Iface.Poll(Now);
        }
    }
}
