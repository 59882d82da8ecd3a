using System;
using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>Zero-copy view of an ARP packet for Ethernet/IPv4 (RFC 826), 28 bytes.</summary>
    public struct ArpPacket
    {
        public const int Length = 28;
        public const int OpRequest = 1;
        public const int OpReply = 2;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _available;

        public ArpPacket(byte[] buffer, int offset, int available)
        {
            _b = buffer;
            _o = offset;
            _available = available;
        }

        public DropReason Validate()
        {
            if (_available < Length)
            {
                return DropReason.ArpTruncated;
            }
            // Hardware type Ethernet (1), protocol IPv4, address lengths 6 and 4.
            if (NetworkOrder.ReadUInt16(_b, _o) != 1 || NetworkOrder.ReadUInt16(_b, _o + 2) != EtherType.Ipv4
                || _b[_o + 4] != 6 || _b[_o + 5] != 4)
            {
                return DropReason.ArpUnsupported;
            }
            int op = Operation;
            if (op != OpRequest && op != OpReply)
            {
                return DropReason.ArpUnsupported;
            }
            return DropReason.None;
        }

        public int Operation { get { return NetworkOrder.ReadUInt16(_b, _o + 6); } }
        public int SenderHardwareOffset { get { return _o + 8; } }
        public uint SenderProtocolAddress { get { return NetworkOrder.ReadUInt32(_b, _o + 14); } }
        public int TargetHardwareOffset { get { return _o + 18; } }
        public uint TargetProtocolAddress { get { return NetworkOrder.ReadUInt32(_b, _o + 24); } }

        /// <summary>Writes a complete ARP packet.</summary>
        public static void Write(byte[] b, int offset, int operation, byte[] senderMac, int senderMacOffset, uint senderIp,
            byte[] targetMac, int targetMacOffset, uint targetIp)
        {
            NetworkOrder.WriteUInt16(b, offset, 1);
            NetworkOrder.WriteUInt16(b, offset + 2, EtherType.Ipv4);
            b[offset + 4] = 6;
            b[offset + 5] = 4;
            NetworkOrder.WriteUInt16(b, offset + 6, operation);
            Array.Copy(senderMac, senderMacOffset, b, offset + 8, 6);
            NetworkOrder.WriteUInt32(b, offset + 14, senderIp);
            Array.Copy(targetMac, targetMacOffset, b, offset + 18, 6);
            NetworkOrder.WriteUInt32(b, offset + 24, targetIp);
        }
    }
}
