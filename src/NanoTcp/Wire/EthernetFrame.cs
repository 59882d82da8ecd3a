using System;
using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>EtherType values the stack knows.</summary>
    public static class EtherType
    {
        public const int Ipv4 = 0x0800;
        public const int Arp = 0x0806;
    }

    /// <summary>
    /// An Ethernet II frame (no preamble, no FCS) at b[o..o+length): static accessors over the
    /// buffer, so reading a frame costs no object (in nanoCLR a struct view is a heap object per call).
    /// </summary>
    public static class EthernetFrame
    {
        public const int HeaderLength = 14;
        /// <summary>Shortest frame on the wire without FCS; shorter frames are padded by the sender.</summary>
        public const int MinLength = 60;
        /// <summary>Header plus a 1500-byte payload.</summary>
        public const int MaxLength = 1514;
        public const int DestinationAt = 0;
        public const int SourceAt = 6;
        public const int TypeAt = 12;

        /// <summary>Length checks only: a received frame needs a full header and at most a 1500-byte payload.</summary>
        public static DropReason Validate(byte[] b, int o, int length)
        {
            if (b == null || length < HeaderLength || o < 0 || o + length > b.Length)
            {
                return DropReason.FrameTooShort;
            }
            if (length > MaxLength)
            {
                return DropReason.FrameTooLong;
            }
            return DropReason.None;
        }

        public static int Type(byte[] b, int o)
        {
            return (b[o + TypeAt] << 8) | b[o + TypeAt + 1];
        }

        /// <summary>Writes a header: destination, source, type.</summary>
        public static void WriteHeader(byte[] b, int offset, byte[] destination, int destinationOffset, byte[] source, int etherType)
        {
            Array.Copy(destination, destinationOffset, b, offset, 6);
            Array.Copy(source, 0, b, offset + 6, 6);
            NetworkOrder.WriteUInt16(b, offset + 12, etherType);
        }
    }
}
