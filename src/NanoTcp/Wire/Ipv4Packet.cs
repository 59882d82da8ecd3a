using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>IP protocol numbers the stack knows.</summary>
    public static class IpProtocol
    {
        public const int Icmp = 1;
        public const int Tcp = 6;
        public const int Udp = 17;
    }

    /// <summary>
    /// Zero-copy view of an IPv4 packet starting at buffer[offset], with at most
    /// <c>available</c> bytes behind it (the Ethernet payload, which may carry padding).
    /// <see cref="Validate"/> checks everything a receiver must before trusting a field;
    /// after it, <see cref="PayloadOffset"/>/<see cref="PayloadLength"/> exclude options and padding.
    /// </summary>
    public struct Ipv4Packet
    {
        public const int HeaderLength = 20;
        public const int DefaultTtl = 64;
        private const int FlagDontFragment = 0x4000;
        private const int FlagMoreFragments = 0x2000;
        private const int FragmentOffsetMask = 0x1FFF;

        private readonly byte[] _b;
        private readonly int _o;
        private readonly int _available;

        public Ipv4Packet(byte[] buffer, int offset, int available)
        {
            _b = buffer;
            _o = offset;
            _available = available;
        }

        public byte[] Buffer { get { return _b; } }
        public int Offset { get { return _o; } }

        public DropReason Validate()
        {
            if (_available < HeaderLength)
            {
                return DropReason.Ipv4Truncated;
            }
            if ((_b[_o] >> 4) != 4)
            {
                return DropReason.Ipv4BadVersion;
            }
            int ihl = HeaderLengthBytes;
            if (ihl < HeaderLength)
            {
                return DropReason.Ipv4BadHeaderLength;
            }
            if (ihl > _available)
            {
                return DropReason.Ipv4Truncated;
            }
            int total = TotalLength;
            if (total < ihl)
            {
                return DropReason.Ipv4BadTotalLength;
            }
            if (total > _available)
            {
                return DropReason.Ipv4Truncated;
            }
            if (Checksum.Compute(_b, _o, ihl) != 0)
            {
                return DropReason.Ipv4BadChecksum;
            }
            if (IsFragment)
            {
                return DropReason.Ipv4Fragment;
            }
            return DropReason.None;
        }

        public int Version { get { return _b[_o] >> 4; } }
        /// <summary>Header length in bytes (IHL × 4), options included.</summary>
        public int HeaderLengthBytes { get { return (_b[_o] & 0x0F) * 4; } }
        public int Tos { get { return _b[_o + 1]; } }
        public int TotalLength { get { return NetworkOrder.ReadUInt16(_b, _o + 2); } }
        public int Identification { get { return NetworkOrder.ReadUInt16(_b, _o + 4); } }
        public bool DontFragment { get { return (NetworkOrder.ReadUInt16(_b, _o + 6) & FlagDontFragment) != 0; } }
        public bool MoreFragments { get { return (NetworkOrder.ReadUInt16(_b, _o + 6) & FlagMoreFragments) != 0; } }
        public int FragmentOffset { get { return (NetworkOrder.ReadUInt16(_b, _o + 6) & FragmentOffsetMask) * 8; } }
        /// <summary>Any piece of a fragmented datagram (the stack does not reassemble).</summary>
        public bool IsFragment { get { return (NetworkOrder.ReadUInt16(_b, _o + 6) & (FlagMoreFragments | FragmentOffsetMask)) != 0; } }
        public int Ttl { get { return _b[_o + 8]; } }
        public int Protocol { get { return _b[_o + 9]; } }
        public int HeaderChecksum { get { return NetworkOrder.ReadUInt16(_b, _o + 10); } }
        public uint Source { get { return NetworkOrder.ReadUInt32(_b, _o + 12); } }
        public uint Destination { get { return NetworkOrder.ReadUInt32(_b, _o + 16); } }
        public int PayloadOffset { get { return _o + HeaderLengthBytes; } }
        public int PayloadLength { get { return TotalLength - HeaderLengthBytes; } }

        /// <summary>
        /// Writes a 20-byte header without options and its checksum. DF is set: the stack
        /// never fragments and sizes its segments from the MTU.
        /// </summary>
        public static void WriteHeader(byte[] b, int offset, uint source, uint destination, int protocol, int payloadLength, int identification, int ttl)
        {
            b[offset] = 0x45;
            b[offset + 1] = 0;
            NetworkOrder.WriteUInt16(b, offset + 2, HeaderLength + payloadLength);
            NetworkOrder.WriteUInt16(b, offset + 4, identification);
            NetworkOrder.WriteUInt16(b, offset + 6, FlagDontFragment);
            b[offset + 8] = (byte)ttl;
            b[offset + 9] = (byte)protocol;
            b[offset + 10] = 0;
            b[offset + 11] = 0;
            NetworkOrder.WriteUInt32(b, offset + 12, source);
            NetworkOrder.WriteUInt32(b, offset + 16, destination);
            NetworkOrder.WriteUInt16(b, offset + 10, Checksum.Compute(b, offset, HeaderLength));
        }
    }
}
