using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>Zero-copy view of a UDP datagram (RFC 768) within an IPv4 payload.</summary>
    public struct UdpDatagram
    {
        public const int HeaderLength = 8;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _available;

        public UdpDatagram(byte[] buffer, int offset, int available)
        {
            _b = buffer;
            _o = offset;
            _available = available;
        }

        /// <summary>Checks lengths and, when present (non-zero), the checksum with the pseudo-header.</summary>
        public DropReason Validate(uint sourceIp, uint destinationIp)
        {
            if (_available < HeaderLength)
            {
                return DropReason.UdpTruncated;
            }
            int length = Length;
            if (length < HeaderLength || length > _available)
            {
                return DropReason.UdpBadLength;
            }
            if (NetworkOrder.ReadUInt16(_b, _o + 6) != 0
                && Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Udp, _b, _o, length) != 0)
            {
                return DropReason.UdpBadChecksum;
            }
            return DropReason.None;
        }

        public int SourcePort { get { return NetworkOrder.ReadUInt16(_b, _o); } }
        public int DestinationPort { get { return NetworkOrder.ReadUInt16(_b, _o + 2); } }
        /// <summary>Header plus payload, from the length field.</summary>
        public int Length { get { return NetworkOrder.ReadUInt16(_b, _o + 4); } }
        public int PayloadOffset { get { return _o + HeaderLength; } }
        public int PayloadLength { get { return Length - HeaderLength; } }

        /// <summary>Writes the header and checksum over the payload already in place after it.</summary>
        public static void WriteHeaderAndChecksum(byte[] b, int offset, uint sourceIp, int sourcePort, uint destinationIp, int destinationPort, int payloadLength)
        {
            int length = HeaderLength + payloadLength;
            NetworkOrder.WriteUInt16(b, offset, sourcePort);
            NetworkOrder.WriteUInt16(b, offset + 2, destinationPort);
            NetworkOrder.WriteUInt16(b, offset + 4, length);
            b[offset + 6] = 0;
            b[offset + 7] = 0;
            int sum = Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Udp, b, offset, length);
            // A computed 0 is sent as 0xFFFF: 0 means "no checksum" in UDP.
            NetworkOrder.WriteUInt16(b, offset + 6, sum == 0 ? 0xFFFF : sum);
        }
    }
}
