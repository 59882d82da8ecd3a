using System;
using NanoTcp.Iface;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // The interface below TCP: IPv4 reassembly (RFC 1122 3.3.2) and the DHCP client's timing and
    // transaction ids (RFC 2131), against a scripted host on an in-memory cable (LinkPeer).

    public sealed class ReassemblyPing : Scenario
    {
        public ReassemblyPing() : base("ip-reassembly-ping", "a 2008-byte echo request in two fragments, the last one first: rebuilt, answered, the reply sent in two fragments (ping -s 2000)") { }

        public override void Run()
        {
            LinkPeer p = new LinkPeer(LinkPeer.StaticConfig());
            p.Poll();
            p.Introduce();
            byte[] request = new byte[2008];
            for (int i = 8; i < request.Length; i++) request[i] = (byte)(i * 7);
            IcmpPacket.WriteHeaderAndChecksum(request, 0, IcmpPacket.TypeEchoRequest, 0, 0x1234, 1, 2000);
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Icmp, 99, request, 1480, 528, false);
            Check.True(!p.NextFrame(), "nothing answered for half a datagram");
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Icmp, 99, request, 0, 1480, true);
            byte[] reply = new byte[2008];
            int fragments = 0;
            int bytes = 0;
            bool sawLast = false;
            while (p.NextFrame())
            {
                Check.Equal(IpProtocol.Icmp, Ipv4Packet.Protocol(p.Frame, 14), "ICMP");
                Check.Equal(LinkPeer.PeerIp, Ipv4Packet.Destination(p.Frame, 14), "to the pinger");
                Check.True(!Ipv4Packet.DontFragment(p.Frame, 14), "fragments carry no DF");
                int offset = Ipv4Packet.FragmentOffset(p.Frame, 14);
                int length = Ipv4Packet.PayloadLength(p.Frame, 14);
                Array.Copy(p.Frame, 34, reply, offset, length);
                bytes += length;
                fragments++;
                sawLast |= !Ipv4Packet.MoreFragments(p.Frame, 14);
            }
            Check.Equal(2, fragments, "two fragments");
            Check.True(sawLast, "the last one without MF");
            Check.Equal(2008, bytes, "the whole reply");
            Check.Equal(IcmpPacket.TypeEchoReply, reply[0], "an echo reply");
            Check.Equal(0, Checksum.Compute(reply, 0, reply.Length), "ICMP checksum over the whole reply");
            for (int i = 8; i < reply.Length; i++)
            {
                if (reply[i] != request[i]) Check.Fail("payload byte " + i.ToString() + " differs");
            }
            Check.Equal(1L, p.Iface.Counters.Ipv4Reassembled, "counted as reassembled");
            Check.Equal(2L, p.Iface.Counters.Ipv4FragmentsOut, "fragments counted");
        }
    }

    public sealed class ReassemblyFailures : Scenario
    {
        public ReassemblyFailures() : base("ip-reassembly-failures", "overlapping fragments, a fragment past the slot, a second datagram while the slot is busy, and an incomplete datagram timing out: each dropped and counted, the slot then free again") { }

        public override void Run()
        {
            LinkPeer p = new LinkPeer(LinkPeer.StaticConfig());
            p.Poll();
            p.Introduce();
            byte[] d = new byte[3000];
            Counters k = p.Iface.Counters;
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 1, d, 0, 1480, true);
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 1, d, 1472, 200, false);
            Check.Equal(1L, k.Drops[(int)DropReason.Ipv4FragmentOverlap], "overlap");
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 2, d, 2000, 1000, false);
            Check.Equal(1L, k.Drops[(int)DropReason.Ipv4FragmentTooBig], "past the slot");
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 3, d, 0, 800, true);
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 4, d, 0, 800, true);
            Check.Equal(1L, k.Drops[(int)DropReason.Ipv4ReassemblyBusy], "busy with another datagram");
            p.AdvanceTo(p.Now + 29990);
            Check.Equal(0L, k.ReassemblyTimeouts, "not yet");
            p.AdvanceTo(p.Now + 20);
            Check.Equal(1L, k.ReassemblyTimeouts, "timed out after 30 s");
            Check.Equal(1L, k.Drops[(int)DropReason.Ipv4ReassemblyTimeout], "and counted as a drop");
            Check.True(p.Trace.Contains("ipv4 reassembly-timeout"), "traced");
            Check.Equal(k.RxFrames, k.RxHandled + k.RxDropped, "every frame accounted for");
            // The slot is free again: a complete datagram (UDP to a closed port) gets its ICMP answer.
            byte[] udp = new byte[1600];
            UdpDatagram.WriteHeaderAndChecksum(udp, 0, LinkPeer.PeerIp, 5000, LinkPeer.BoardIp, 9, 1592);
            p.DiscardFrames();
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 5, udp, 0, 1480, true);
            p.SendFragment(LinkPeer.BoardIp, IpProtocol.Udp, 5, udp, 1480, 120, false);
            Check.True(p.NextFrame(), "an answer");
            Check.Equal(IcmpPacket.TypeDestinationUnreachable, p.Frame[34], "port unreachable for the rebuilt datagram");
        }
    }

    public sealed class DhcpTransactionIds : Scenario
    {
        public DhcpTransactionIds() : base("dhcp-xid-random", "two boards with the same seed and different MACs use different transaction ids; DISCOVER retransmissions are randomised by ±1 s (RFC 2131 §4.1)") { }

        public override void Run()
        {
            uint first = Discover(0x01, out long retransmitA);
            uint second = Discover(0x02, out long retransmitB);
            Check.True(first != second, "different xids: " + first.ToString() + " " + second.ToString());
            Check.True(retransmitA >= 3000 && retransmitA <= 5000 && retransmitB >= 3000 && retransmitB <= 5000, "4 s ± 1 s");
            Check.True(retransmitA != 4000 || retransmitB != 4000, "randomised, not exactly 4 s");
            Check.True(retransmitA != retransmitB, "and not the same on both boards");
        }

        private static uint Discover(byte macLast, out long retransmitAt)
        {
            InterfaceConfig c = new InterfaceConfig();
            c.UseDhcp = true;
            c.Seed = 7;
            c.MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0x00, 0x00, macLast };
            LinkPeer p = new LinkPeer(c);
            p.Poll();
            Check.True(p.NextFrame(), "DISCOVER");
            uint xid = NetworkOrder.ReadUInt32(p.Frame, 42 + 4);
            retransmitAt = -1;
            while (p.Now < 6000 && retransmitAt < 0)
            {
                p.AdvanceTo(p.Now + 1);
                if (p.NextFrame())
                {
                    retransmitAt = p.Now;
                }
            }
            return xid;
        }
    }

    public sealed class DhcpLeaseTiming : Scenario
    {
        public DhcpLeaseTiming() : base("dhcp-lease-timing", "lease, T1 and T2 run from when the REQUEST was sent, not from the late ACK (RFC 2131 §4.4.1); T1 ≥ T2 from a server is replaced by 0.5 and 0.875 of the lease") { }

        public override void Run()
        {
            DhcpServerScript s = new DhcpServerScript();
            long requestAt = s.ToRequest();
            s.P.AdvanceTo(requestAt + 3000);
            s.P.DiscardFrames();
            s.Reply(DhcpMessage.Ack, 100, 50, 87);
            DhcpClient d = s.P.Iface.Dhcp;
            Check.Equal((int)DhcpState.Bound, (int)d.State, "bound");
            Check.Equal(requestAt + 100000, d.ExpiresAtMs, "lease from the REQUEST");
            Check.Equal(requestAt + 50000, d.RenewAtMs, "T1 from the REQUEST");
            Check.Equal(requestAt + 87000, d.RebindAtMs, "T2 from the REQUEST");
            s = null; // one scripted server on the heap at a time
            d = null;

            DhcpServerScript bad = new DhcpServerScript();
            long at = bad.ToRequest();
            bad.Reply(DhcpMessage.Ack, 100, 90, 60);
            DhcpClient b = bad.P.Iface.Dhcp;
            Check.Equal(at + 50000, b.RenewAtMs, "T1 > T2 from the server: T1 = lease/2");
            Check.Equal(at + 87000, b.RebindAtMs, "T2 = 7/8 lease");
        }
    }

    /// <summary>A DHCP server played by hand for the DHCP scenarios: OFFER, then ACK or NAK.</summary>
    internal sealed class DhcpServerScript
    {
        public static readonly uint ServerIp = Ipv4Address.Make(192, 168, 1, 1);
        public static readonly uint Offered = Ipv4Address.Make(192, 168, 1, 77);
        public readonly LinkPeer P;
        private readonly byte[] _msg = new byte[300];
        private uint _xid;

        public DhcpServerScript()
        {
            InterfaceConfig c = new InterfaceConfig();
            c.UseDhcp = true;
            P = new LinkPeer(c);
        }

        /// <summary>DISCOVER, OFFER, REQUEST: returns when the REQUEST went out.</summary>
        public long ToRequest()
        {
            P.AdvanceTo(100);
            Check.True(P.NextFrame(), "DISCOVER");
            _xid = NetworkOrder.ReadUInt32(P.Frame, 42 + 4);
            P.DiscardFrames();
            Reply(DhcpMessage.Offer, 100, 0, 0);
            Check.True(P.NextFrame(), "REQUEST");
            DhcpMessage m = new DhcpMessage();
            Check.Equal((int)DropReason.None, (int)m.Parse(P.Frame, 42, P.FrameLength - 42), "a DHCP message");
            Check.Equal(DhcpMessage.Request, m.MessageType, "REQUEST");
            return P.Now;
        }

        public void Reply(int type, uint lease, uint t1, uint t2)
        {
            byte[] b = _msg;
            Array.Clear(b, 0, b.Length);
            b[0] = DhcpMessage.OpReply;
            b[1] = 1;
            b[2] = 6;
            NetworkOrder.WriteUInt32(b, 4, _xid);
            NetworkOrder.WriteUInt32(b, 16, Offered);
            Array.Copy(P.Iface.MacAddress, 0, b, 28, 6);
            NetworkOrder.WriteUInt32(b, DhcpMessage.FixedLength, DhcpMessage.MagicCookie);
            int at = DhcpMessage.OptionsAt;
            at = DhcpMessage.WriteOptionByte(b, at, DhcpMessage.OptMessageType, type);
            at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptServerId, ServerIp);
            at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptSubnetMask, 0xFFFFFF00);
            at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptRouter, ServerIp);
            at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptLeaseTime, lease);
            if (t1 != 0) at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptRenewalTime, t1);
            if (t2 != 0) at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptRebindingTime, t2);
            b[at++] = DhcpMessage.OptEnd;
            P.SendDhcpReply(ServerIp, b, at < 300 ? 300 : at);
        }
    }
}
