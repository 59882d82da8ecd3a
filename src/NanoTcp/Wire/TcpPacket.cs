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
    /// Zero-copy view of a TCP segment (header, options, payload) within an IPv4 payload of
    /// <c>length</c> bytes. <see cref="Validate"/> checks lengths, data offset and checksum;
    /// options are parsed separately by <see cref="TcpOptions"/>.
    /// </summary>
    public struct TcpPacket
    {
        public const int HeaderLength = 20;
        public const int MaxHeaderLength = 60;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _len;

        public TcpPacket(byte[] buffer, int offset, int length)
        {
            _b = buffer;
            _o = offset;
            _len = length;
        }

        public byte[] Buffer { get { return _b; } }
        public int Offset { get { return _o; } }
        /// <summary>Header + options + payload.</summary>
        public int Length { get { return _len; } }

        public DropReason Validate(uint sourceIp, uint destinationIp)
        {
            if (_len < HeaderLength)
            {
                return DropReason.TcpTruncated;
            }
            int dataOffset = HeaderLengthBytes;
            if (dataOffset < HeaderLength || dataOffset > _len)
            {
                return DropReason.TcpBadDataOffset;
            }
            if (Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Tcp, _b, _o, _len) != 0)
            {
                return DropReason.TcpBadChecksum;
            }
            return DropReason.None;
        }

        public int SourcePort { get { return NetworkOrder.ReadUInt16(_b, _o); } }
        public int DestinationPort { get { return NetworkOrder.ReadUInt16(_b, _o + 2); } }
        public uint SequenceNumber { get { return NetworkOrder.ReadUInt32(_b, _o + 4); } }
        public uint AckNumber { get { return NetworkOrder.ReadUInt32(_b, _o + 8); } }
        /// <summary>Data offset in bytes (header + options).</summary>
        public int HeaderLengthBytes { get { return (_b[_o + 12] >> 4) * 4; } }
        public int Flags { get { return _b[_o + 13]; } }
        public bool Syn { get { return (_b[_o + 13] & TcpFlags.Syn) != 0; } }
        public bool Ack { get { return (_b[_o + 13] & TcpFlags.Ack) != 0; } }
        public bool Fin { get { return (_b[_o + 13] & TcpFlags.Fin) != 0; } }
        public bool Rst { get { return (_b[_o + 13] & TcpFlags.Rst) != 0; } }
        public int Window { get { return NetworkOrder.ReadUInt16(_b, _o + 14); } }
        public int ChecksumField { get { return NetworkOrder.ReadUInt16(_b, _o + 16); } }
        public int UrgentPointer { get { return NetworkOrder.ReadUInt16(_b, _o + 18); } }
        public int OptionsOffset { get { return _o + HeaderLength; } }
        public int OptionsLength { get { return HeaderLengthBytes - HeaderLength; } }
        public int PayloadOffset { get { return _o + HeaderLengthBytes; } }
        public int PayloadLength { get { return _len - HeaderLengthBytes; } }

        /// <summary>
        /// Segment length in sequence space: payload plus one for SYN and one for FIN.
        /// </summary>
        public int SequenceLength
        {
            get
            {
                int n = PayloadLength;
                if (Syn) n++;
                if (Fin) n++;
                return n;
            }
        }

        /// <summary>
        /// Writes the fixed header with a data offset covering <paramref name="optionsLength"/>
        /// bytes of options (a multiple of 4, written by the caller at offset + 20), checksum zero.
        /// </summary>
        public static void WriteHeader(byte[] b, int offset, int sourcePort, int destinationPort, uint seq, uint ack,
            int flags, int window, int optionsLength)
        {
            NetworkOrder.WriteUInt16(b, offset, sourcePort);
            NetworkOrder.WriteUInt16(b, offset + 2, destinationPort);
            NetworkOrder.WriteUInt32(b, offset + 4, seq);
            NetworkOrder.WriteUInt32(b, offset + 8, ack);
            b[offset + 12] = (byte)(((HeaderLength + optionsLength) / 4) << 4);
            b[offset + 13] = (byte)flags;
            NetworkOrder.WriteUInt16(b, offset + 14, window);
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
            NetworkOrder.WriteUInt16(b, offset + 16, Checksum.ComputeTransport(sourceIp, destinationIp, IpProtocol.Tcp, b, offset, segmentLength));
        }
    }
}
