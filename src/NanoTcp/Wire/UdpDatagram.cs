using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>A UDP datagram (RFC 768) at b[o] within an IPv4 payload of <c>available</c> bytes: static accessors.</summary>
    public static class UdpDatagram
    {
        public const int HeaderLength = 8;

        /// <summary>Checks lengths and, when present (non-zero), the checksum with the pseudo-header.</summary>
        public static DropReason Validate(byte[] b, int o, int available, uint sourceIp, uint destinationIp)
        {
            if (available < HeaderLength)
            {
                return DropReason.UdpTruncated;
            }
            int length = Length(b, o);
            if (length < HeaderLength || length > available)
            {
                return DropReason.UdpBadLength;
            }
            if (NetworkOrder.ReadUInt16(b, o + 6) != 0
                && Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Udp, b, o, length) != 0)
            {
                return DropReason.UdpBadChecksum;
            }
            return DropReason.None;
        }

        public static int SourcePort(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o); }
        public static int DestinationPort(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o + 2); }
        /// <summary>Header plus payload, from the length field.</summary>
        public static int Length(byte[] b, int o) { return NetworkOrder.ReadUInt16(b, o + 4); }
        public static int PayloadLength(byte[] b, int o) { return Length(b, o) - HeaderLength; }

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
