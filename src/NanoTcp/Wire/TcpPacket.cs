using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>TCP header flag bits (the low byte of offset 13).</summary>
    public static class TcpFlags
    {
        public const int Fin = 0x01;
        public const int Syn = 0x02;
        public const int Rst = 0x04;
        public const int Psh = 0x08;
        public const int Ack = 0x10;
        public const int Urg = 0x20;
        public const int Ece = 0x40;
        public const int Cwr = 0x80;

        /// <summary>tcpdump-style flags: "S", "S.", "F.", "R", "P." ... (allocates: trace use only).</summary>
        public static string Format(int flags)
        {
            string s = "";
            if ((flags & Syn) != 0) s += "S";
            if ((flags & Fin) != 0) s += "F";
            if ((flags & Rst) != 0) s += "R";
            if ((flags & Psh) != 0) s += "P";
            if ((flags & Urg) != 0) s += "U";
            if ((flags & Ece) != 0) s += "E";
            if ((flags & Cwr) != 0) s += "W";
            if ((flags & Ack) != 0) s += ".";
            return s.Length == 0 ? "none" : s;
        }
    }

    /// <summary>
    /// A TCP segment (header, options, payload) of <c>length</c> bytes at b[o]: static accessors
    /// over the buffer. <see cref="TcpSegment"/> is the parsed form the stack works with.
    /// </summary>
    public static class TcpPacket
    {
        public const int HeaderLength = 20;
        public const int MaxHeaderLength = 60;

        /// <summary>Lengths, data offset and checksum (with the pseudo-header).</summary>
        public static DropReason Validate(byte[] b, int o, int length, uint sourceIp, uint destinationIp)
        {
            if (length < HeaderLength)
            {
                return DropReason.TcpTruncated;
            }
            int dataOffset = DataOffset(b, o);
            if (dataOffset < HeaderLength || dataOffset > length)
            {
                return DropReason.TcpBadDataOffset;
            }
            if (Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Tcp, b, o, length) != 0)
            {
                return DropReason.TcpBadChecksum;
            }
            return DropReason.None;
        }

        public static int SourcePort(byte[] b, int o) { return (b[o] << 8) | b[o + 1]; }
        public static int DestinationPort(byte[] b, int o) { return (b[o + 2] << 8) | b[o + 3]; }
        public static uint SequenceNumber(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 4); }
        public static uint AckNumber(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 8); }
        /// <summary>Data offset in bytes (header + options).</summary>
        public static int DataOffset(byte[] b, int o) { return (b[o + 12] >> 4) * 4; }
        public static int Flags(byte[] b, int o) { return b[o + 13]; }
        public static int Window(byte[] b, int o) { return (b[o + 14] << 8) | b[o + 15]; }
        public static int ChecksumField(byte[] b, int o) { return (b[o + 16] << 8) | b[o + 17]; }
        public static int UrgentPointer(byte[] b, int o) { return (b[o + 18] << 8) | b[o + 19]; }

        /// <summary>
        /// Writes the fixed header with a data offset covering <paramref name="optionsLength"/>
        /// bytes of options (a multiple of 4, written by the caller at offset + 20), checksum zero.
        /// </summary>
        public static void WriteHeader(byte[] b, int offset, int sourcePort, int destinationPort, uint seq, uint ack,
            int flags, int window, int optionsLength)
        {
            b[offset] = (byte)(sourcePort >> 8);
            b[offset + 1] = (byte)sourcePort;
            b[offset + 2] = (byte)(destinationPort >> 8);
            b[offset + 3] = (byte)destinationPort;
            b[offset + 4] = (byte)(seq >> 24);
            b[offset + 5] = (byte)(seq >> 16);
            b[offset + 6] = (byte)(seq >> 8);
            b[offset + 7] = (byte)seq;
            b[offset + 8] = (byte)(ack >> 24);
            b[offset + 9] = (byte)(ack >> 16);
            b[offset + 10] = (byte)(ack >> 8);
            b[offset + 11] = (byte)ack;
            b[offset + 12] = (byte)(((HeaderLength + optionsLength) / 4) << 4);
            b[offset + 13] = (byte)flags;
            b[offset + 14] = (byte)(window >> 8);
            b[offset + 15] = (byte)window;
            b[offset + 16] = 0;
            b[offset + 17] = 0;
            b[offset + 18] = 0;
            b[offset + 19] = 0;
        }

        /// <summary>Computes and stores the checksum over the whole segment (header, options, payload in place).</summary>
        public static void WriteChecksum(byte[] b, int offset, int segmentLength, uint sourceIp, uint destinationIp)
        {
            b[offset + 16] = 0;
            b[offset + 17] = 0;
            int c = Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Tcp, b, offset, segmentLength);
            b[offset + 16] = (byte)(c >> 8);
            b[offset + 17] = (byte)c;
        }
    }
}
