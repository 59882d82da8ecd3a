using System;

namespace NanoTcp.Wire
{
    /// <summary>
    /// The Internet checksum (RFC 1071): one's-complement sum of 16-bit words. This is the one
    /// managed pass over each payload byte, so it is the hot loop of the stack on nanoFramework's
    /// IL interpreter, where every IL instruction costs and a native call is cheap by comparison:
    /// the bulk is read 16 bytes per step through the native <c>BitConverter.ToUInt64</c> and summed
    /// as 32-bit halves into a 64-bit accumulator (no carry is lost; folded once at the end). The
    /// words are then little-endian, which RFC 1071 §2(B) allows: the one's-complement sum is
    /// independent of byte order up to a final byte swap. Short ranges and the tail take the
    /// plain big-endian loop.
    /// </summary>
    public static class Checksum
    {
        // Probed rather than read from BitConverter.IsLittleEndian: that is a field on .NET and a
        // property on nanoFramework, so the same source compiles to two different member references.
        private static readonly bool LittleEndian = BitConverter.ToUInt16(new byte[] { 1, 0 }, 0) == 1;

        /// <summary>Adds <paramref name="length"/> bytes from <paramref name="offset"/> to a running sum.
        /// An odd trailing byte is padded with zero, so only the last chunk may have odd length.</summary>
        public static uint Add(byte[] b, int offset, int length, uint sum)
        {
            int i = offset;
            if (length >= 16 && LittleEndian)
            {
                ulong acc = 0;
                int end16 = offset + (length & ~15);
                while (i < end16)
                {
                    ulong v = BitConverter.ToUInt64(b, i);
                    ulong w = BitConverter.ToUInt64(b, i + 8);
                    acc += (uint)v + (v >> 32) + (uint)w + (w >> 32);
                    i += 16;
                }
                while ((acc >> 16) != 0)
                {
                    acc = (acc & 0xFFFF) + (acc >> 16);
                }
                uint le = (uint)acc;
                sum += ((le & 0xFF) << 8) | (le >> 8);
            }
            int end = offset + length;
            while (i + 1 < end)
            {
                sum += (uint)((b[i] << 8) | b[i + 1]);
                i += 2;
            }
            if (i < end)
            {
                sum += (uint)(b[i] << 8);
            }
            return sum;
        }

        /// <summary>Adds the IPv4 pseudo-header of TCP and UDP (RFC 793 / 768).</summary>
        public static uint AddPseudoHeader(uint sourceIp, uint destinationIp, int protocol, int length, uint sum)
        {
            sum += (sourceIp >> 16) + (sourceIp & 0xFFFF);
            sum += (destinationIp >> 16) + (destinationIp & 0xFFFF);
            sum += (uint)protocol;
            sum += (uint)length;
            return sum;
        }

        /// <summary>Folds the carries and complements: the value to store in a checksum field.
        /// Verifying a buffer that contains its checksum field yields 0.</summary>
        public static int Finish(uint sum)
        {
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }
            return (int)(~sum & 0xFFFF);
        }

        /// <summary>Checksum of one buffer range (IPv4 header, ICMP message).</summary>
        public static int Compute(byte[] b, int offset, int length)
        {
            return Finish(Add(b, offset, length, 0));
        }

        /// <summary>Checksum of a TCP segment or UDP datagram including its pseudo-header.</summary>
        public static int ComputeTransport(uint sourceIp, uint destinationIp, int protocol, byte[] b, int offset, int length)
        {
            uint sum = AddPseudoHeader(sourceIp, destinationIp, protocol, length, 0);
            return Finish(Add(b, offset, length, sum));
        }
    }
}
