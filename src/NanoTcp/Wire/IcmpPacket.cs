using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>An ICMP message (RFC 792) of <c>length</c> bytes at b[o]: echo and destination unreachable. Static accessors.</summary>
    public static class IcmpPacket
    {
        public const int HeaderLength = 8;
        public const int TypeEchoReply = 0;
        public const int TypeDestinationUnreachable = 3;
        public const int TypeEchoRequest = 8;
        public const int TypeTimeExceeded = 11;
        public const int CodePortUnreachable = 3;

        public static DropReason Validate(byte[] b, int o, int length)
        {
            if (length < HeaderLength)
            {
                return DropReason.IcmpTruncated;
            }
            if (Checksum.Compute(b, o, length) != 0)
            {
                return DropReason.IcmpBadChecksum;
            }
            return DropReason.None;
        }

        public static int Type(byte[] b, int o) { return b[o]; }
        public static int Code(byte[] b, int o) { return b[o + 1]; }
        /// <summary>Echo identifier (echo messages only).</summary>
        public static int EchoIdentifier(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o + 4); }
        /// <summary>Echo sequence number (echo messages only).</summary>
        public static int EchoSequence(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o + 6); }

        /// <summary>Writes the 8-byte header (type, code, rest-of-header words) and the checksum over
        /// header + <paramref name="payloadLength"/> bytes already in place after it.</summary>
        public static void WriteHeaderAndChecksum(byte[] b, int offset, int type, int code, int word1, int word2, int payloadLength)
        {
            b[offset] = (byte)type;
            b[offset + 1] = (byte)code;
            b[offset + 2] = 0;
            b[offset + 3] = 0;
            NetworkOrder.WriteUInt16(b, offset + 4, word1);
            NetworkOrder.WriteUInt16(b, offset + 6, word2);
            NetworkOrder.WriteUInt16(b, offset + 2, Checksum.Compute(b, offset, HeaderLength + payloadLength));
        }
    }
}
