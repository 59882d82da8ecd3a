using System;
using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>An ARP packet for Ethernet/IPv4 (RFC 826), 28 bytes at b[o]: static accessors.</summary>
    public static class ArpPacket
    {
        public const int Length = 28;
        public const int OpRequest = 1;
        public const int OpReply = 2;
        public const int SenderHardwareAt = 8;
        public const int TargetHardwareAt = 18;

        public static DropReason Validate(byte[] b, int o, int available)
        {
            if (available < Length)
            {
                return DropReason.ArpTruncated;
            }
            // Hardware type Ethernet (1), protocol IPv4, address lengths 6 and 4.
            if (NetworkOrder.ReadUInt16(b, o) != 1 || NetworkOrder.ReadUInt16(b, o + 2) != EtherType.Ipv4
                || b[o + 4] != 6 || b[o + 5] != 4)
            {
                return DropReason.ArpUnsupported;
            }
            int op = Operation(b, o);
            if (op != OpRequest && op != OpReply)
            {
                return DropReason.ArpUnsupported;
            }
            return DropReason.None;
        }

        public static int Operation(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o + 6); }
        public static uint SenderProtocolAddress(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 14); }
        public static uint TargetProtocolAddress(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 24); }

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
