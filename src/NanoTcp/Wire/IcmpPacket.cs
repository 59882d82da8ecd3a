using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>Zero-copy view of an ICMP message (RFC 792): echo and destination unreachable.</summary>
    public struct IcmpPacket
    {
        public const int HeaderLength = 8;
        public const int TypeEchoReply = 0;
        public const int TypeDestinationUnreachable = 3;
        public const int TypeEchoRequest = 8;
        public const int CodePortUnreachable = 3;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _len;

        public IcmpPacket(byte[] buffer, int offset, int length)
        {
            _b = buffer;
            _o = offset;
            _len = length;
        }

        public DropReason Validate()
        {
            if (_len < HeaderLength)
            {
                return DropReason.IcmpTruncated;
            }
            if (Checksum.Compute(_b, _o, _len) != 0)
            {
                return DropReason.IcmpBadChecksum;
            }
            return DropReason.None;
        }

        public int Type { get { return _b[_o]; } }
        public int Code { get { return _b[_o + 1]; } }
        /// <summary>Echo identifier (echo messages only).</summary>
        public int EchoIdentifier { get { return NetworkOrder.ReadUInt16(_b, _o + 4); } }
        /// <summary>Echo sequence number (echo messages only).</summary>
        public int EchoSequence { get { return NetworkOrder.ReadUInt16(_b, _o + 6); } }
        public int PayloadOffset { get { return _o + HeaderLength; } }
        public int PayloadLength { get { return _len - HeaderLength; } }

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
