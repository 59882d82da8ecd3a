using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>
    /// The TCP options the stack understands, parsed from a segment's option area
    /// (RFC 9293 §3.2, RFC 7323, RFC 2018). One object, filled in place for each segment: no allocation.
    /// Unknown kinds are skipped by their length byte; a length of 0 or 1, a length that
    /// runs past the option area, or a known kind with the wrong length makes the whole
    /// segment malformed (<see cref="DropReason.TcpBadOption"/>), as RFC 9293 §3.1 allows.
    /// </summary>
    public sealed class TcpOptions
    {
        public const int KindEnd = 0;
        public const int KindNop = 1;
        public const int KindMss = 2;
        public const int KindWindowScale = 3;
        public const int KindSackPermitted = 4;
        public const int KindSack = 5;
        public const int KindTimestamps = 8;

        /// <summary>MSS option value, 0 when absent.</summary>
        public int Mss;
        /// <summary>Window scale shift, -1 when absent.</summary>
        public int WindowScale;
        public bool SackPermitted;
        public bool HasTimestamps;
        public uint TsVal;
        public uint TsEcr;
        /// <summary>Options skipped because their kind is unknown.</summary>
        public int Ignored;
        /// <summary>Most SACK blocks one option can carry (40 bytes of options: 2 + 4 × 8).</summary>
        public const int MaxSackBlocks = 4;
        /// <summary>SACK blocks in this segment (RFC 2018 §3), left edges in SackLeft, right edges in SackRight.</summary>
        public int SackBlocks;
        public readonly uint[] SackLeft = new uint[MaxSackBlocks];
        public readonly uint[] SackRight = new uint[MaxSackBlocks];

        public DropReason Parse(byte[] b, int offset, int length)
        {
            Mss = 0;
            WindowScale = -1;
            SackPermitted = false;
            HasTimestamps = false;
            TsVal = 0;
            TsEcr = 0;
            Ignored = 0;
            SackBlocks = 0;
            int i = offset;
            int end = offset + length;
            while (i < end)
            {
                int kind = b[i];
                if (kind == KindEnd)
                {
                    break;
                }
                if (kind == KindNop)
                {
                    i++;
                    continue;
                }
                if (i + 1 >= end)
                {
                    return DropReason.TcpBadOption;
                }
                int len = b[i + 1];
                if (len < 2 || i + len > end)
                {
                    return DropReason.TcpBadOption;
                }
                switch (kind)
                {
                    case KindMss:
                        if (len != 4) return DropReason.TcpBadOption;
                        Mss = NetworkOrder.ReadUInt16(b, i + 2);
                        break;
                    case KindWindowScale:
                        if (len != 3) return DropReason.TcpBadOption;
                        WindowScale = b[i + 2];
                        break;
                    case KindSackPermitted:
                        if (len != 2) return DropReason.TcpBadOption;
                        SackPermitted = true;
                        break;
                    case KindSack:
                        // 2 + 8n bytes, n = 1..4; one SACK option per segment.
                        if (len < 10 || (len - 2) % 8 != 0 || SackBlocks != 0) return DropReason.TcpBadOption;
                        for (int k = 0; k < (len - 2) / 8; k++)
                        {
                            SackLeft[k] = NetworkOrder.ReadUInt32(b, i + 2 + 8 * k);
                            SackRight[k] = NetworkOrder.ReadUInt32(b, i + 6 + 8 * k);
                        }
                        SackBlocks = (len - 2) / 8;
                        break;
                    case KindTimestamps:
                        if (len != 10) return DropReason.TcpBadOption;
                        HasTimestamps = true;
                        TsVal = NetworkOrder.ReadUInt32(b, i + 2);
                        TsEcr = NetworkOrder.ReadUInt32(b, i + 6);
                        break;
                    default:
                        Ignored++;
                        break;
                }
                i += len;
            }
            return DropReason.None;
        }

        /// <summary>Writes an MSS option (4 bytes) and returns its length.</summary>
        public static int WriteMss(byte[] b, int offset, int mss)
        {
            b[offset] = KindMss;
            b[offset + 1] = 4;
            NetworkOrder.WriteUInt16(b, offset + 2, mss);
            return 4;
        }

        /// <summary>Writes NOP, NOP, SACK-permitted (4 bytes, keeping the options 32-bit aligned) and returns its length.</summary>
        public static int WriteSackPermitted(byte[] b, int offset)
        {
            b[offset] = KindNop;
            b[offset + 1] = KindNop;
            b[offset + 2] = KindSackPermitted;
            b[offset + 3] = 2;
            return 4;
        }

        /// <summary>Length of NOP, NOP and a SACK option of <paramref name="blocks"/> blocks: 4 + 8 × blocks.</summary>
        public static int SackLength(int blocks)
        {
            return 4 + 8 * blocks;
        }

        /// <summary>Writes NOP, NOP and the header of a SACK option of <paramref name="blocks"/> blocks; the
        /// caller writes the blocks with <see cref="WriteSackBlock"/>. Returns the total length.</summary>
        public static int WriteSackHeader(byte[] b, int offset, int blocks)
        {
            b[offset] = KindNop;
            b[offset + 1] = KindNop;
            b[offset + 2] = KindSack;
            b[offset + 3] = (byte)(2 + 8 * blocks);
            return SackLength(blocks);
        }

        /// <summary>Writes block <paramref name="index"/> of a SACK option written at <paramref name="offset"/>.</summary>
        public static void WriteSackBlock(byte[] b, int offset, int index, uint left, uint right)
        {
            NetworkOrder.WriteUInt32(b, offset + 4 + 8 * index, left);
            NetworkOrder.WriteUInt32(b, offset + 8 + 8 * index, right);
        }
    }
}
