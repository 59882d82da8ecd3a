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
    /// An IPv4 packet at b[o], with at most <c>available</c> bytes behind it (the Ethernet payload,
    /// which may carry padding): static accessors over the buffer. <see cref="Validate"/> checks
    /// everything a receiver must before trusting a field; after it, <see cref="PayloadOffset"/> and
    /// <see cref="PayloadLength"/> exclude options and padding.
    /// </summary>
    public static class Ipv4Packet
    {
        public const int HeaderLength = 20;
        public const int DefaultTtl = 64;
        public const int FlagDontFragment = 0x4000;
        public const int FlagMoreFragments = 0x2000;
        public const int FragmentOffsetMask = 0x1FFF;

        public static DropReason Validate(byte[] b, int o, int available)
        {
            if (available < HeaderLength)
            {
                return DropReason.Ipv4Truncated;
            }
            if ((b[o] >> 4) != 4)
            {
                return DropReason.Ipv4BadVersion;
            }
            int ihl = (b[o] & 0x0F) * 4;
            if (ihl < HeaderLength)
            {
                return DropReason.Ipv4BadHeaderLength;
            }
            if (ihl > available)
            {
                return DropReason.Ipv4Truncated;
            }
            int total = (b[o + 2] << 8) | b[o + 3];
            if (total < ihl)
            {
                return DropReason.Ipv4BadTotalLength;
            }
            if (total > available)
            {
                return DropReason.Ipv4Truncated;
            }
            if (Checksum.Compute(b, o, ihl) != 0)
            {
                return DropReason.Ipv4BadChecksum;
            }
            return DropReason.None;
        }

        public static int Version(byte[] b, int o) { return b[o] >> 4; }
        /// <summary>Header length in bytes (IHL × 4), options included.</summary>
        public static int HeaderBytes(byte[] b, int o) { return (b[o] & 0x0F) * 4; }
        public static int Tos(byte[] b, int o) { return b[o + 1]; }
        public static int TotalLength(byte[] b, int o) { return (b[o + 2] << 8) | b[o + 3]; }
        public static int Identification(byte[] b, int o) { return (b[o + 4] << 8) | b[o + 5]; }
        public static int FlagsAndFragment(byte[] b, int o) { return (b[o + 6] << 8) | b[o + 7]; }
        public static bool DontFragment(byte[] b, int o) { return (b[o + 6] & (FlagDontFragment >> 8)) != 0; }
        public static bool MoreFragments(byte[] b, int o) { return (b[o + 6] & (FlagMoreFragments >> 8)) != 0; }
        /// <summary>Fragment offset in bytes.</summary>
        public static int FragmentOffset(byte[] b, int o) { return (FlagsAndFragment(b, o) & FragmentOffsetMask) * 8; }
        /// <summary>Any piece of a fragmented datagram (MF set or a non-zero offset).</summary>
        public static bool IsFragment(byte[] b, int o) { return (FlagsAndFragment(b, o) & (FlagMoreFragments | FragmentOffsetMask)) != 0; }
        public static int Ttl(byte[] b, int o) { return b[o + 8]; }
        public static int Protocol(byte[] b, int o) { return b[o + 9]; }
        public static int HeaderChecksum(byte[] b, int o) { return (b[o + 10] << 8) | b[o + 11]; }
        public static uint Source(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 12); }
        public static uint Destination(byte[] b, int o) { return NetworkOrder.ReadUInt32(b, o + 16); }
        public static int PayloadOffset(byte[] b, int o) { return o + (b[o] & 0x0F) * 4; }
        public static int PayloadLength(byte[] b, int o) { return TotalLength(b, o) - (b[o] & 0x0F) * 4; }

        /// <summary>
        /// Writes a 20-byte header without options and its checksum. DF is set: the stack
        /// never fragments and sizes its segments from the MTU. Once per frame sent, so written
        /// out byte by byte and the checksum summed from the field values (no second pass).
        /// </summary>
        public static void WriteHeader(byte[] b, int offset, uint source, uint destination, int protocol, int payloadLength, int identification, int ttl)
        {
            int total = HeaderLength + payloadLength;
            b[offset] = 0x45;
            b[offset + 1] = 0;
            b[offset + 2] = (byte)(total >> 8);
            b[offset + 3] = (byte)total;
            b[offset + 4] = (byte)(identification >> 8);
            b[offset + 5] = (byte)identification;
            b[offset + 6] = FlagDontFragment >> 8;
            b[offset + 7] = 0;
            b[offset + 8] = (byte)ttl;
            b[offset + 9] = (byte)protocol;
            b[offset + 12] = (byte)(source >> 24);
            b[offset + 13] = (byte)(source >> 16);
            b[offset + 14] = (byte)(source >> 8);
            b[offset + 15] = (byte)source;
            b[offset + 16] = (byte)(destination >> 24);
            b[offset + 17] = (byte)(destination >> 16);
            b[offset + 18] = (byte)(destination >> 8);
            b[offset + 19] = (byte)destination;
            uint sum = 0x4500u + (uint)(total & 0xFFFF) + (uint)(identification & 0xFFFF) + FlagDontFragment
                + (uint)(((ttl & 0xFF) << 8) | (protocol & 0xFF))
                + (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF);
            int c = Checksum.Finish(sum);
            b[offset + 10] = (byte)(c >> 8);
            b[offset + 11] = (byte)c;
        }
    }
}
