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
    /// Zero-copy view of an Ethernet II frame (no preamble, no FCS) in buffer[offset..offset+length).
    /// </summary>
    public struct EthernetFrame
    {
        public const int HeaderLength = 14;
        /// <summary>Shortest frame on the wire without FCS; shorter frames are padded by the sender.</summary>
        public const int MinLength = 60;
        /// <summary>Header plus a 1500-byte payload.</summary>
        public const int MaxLength = 1514;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _len;

        public EthernetFrame(byte[] buffer, int offset, int length)
        {
            _b = buffer;
            _o = offset;
            _len = length;
        }

        public byte[] Buffer { get { return _b; } }
        public int Offset { get { return _o; } }
        public int Length { get { return _len; } }

        /// <summary>Length checks only: a received frame needs a full header and at most a 1500-byte payload.</summary>
        public DropReason Validate()
        {
            if (_b == null || _len < HeaderLength || _o < 0 || _o + _len > _b.Length)
            {
                return DropReason.FrameTooShort;
            }
            if (_len > MaxLength)
            {
                return DropReason.FrameTooLong;
            }
            return DropReason.None;
        }

        public int DestinationOffset { get { return _o; } }
        public int SourceOffset { get { return _o + 6; } }
        public int EtherType { get { return NetworkOrder.ReadUInt16(_b, _o + 12); } }
        public int PayloadOffset { get { return _o + HeaderLength; } }
        public int PayloadLength { get { return _len - HeaderLength; } }

        /// <summary>Writes a header: destination, source, type.</summary>
        public static void WriteHeader(byte[] b, int offset, byte[] destination, int destinationOffset, byte[] source, int etherType)
        {
            Array.Copy(destination, destinationOffset, b, offset, 6);
            Array.Copy(source, 0, b, offset + 6, 6);
            NetworkOrder.WriteUInt16(b, offset + 12, etherType);
        }
    }
}
