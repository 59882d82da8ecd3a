namespace NanoTcp.Wire
{
    /// <summary>
    /// The Internet checksum (RFC 1071): one's-complement sum of 16-bit words. The sum is
    /// accumulated unfolded in 32 bits (a 64 KB buffer cannot overflow it) and folded once
    /// at the end. The loop takes 8 bytes per step: on nanoFramework's IL interpreter this
    /// is the one managed pass over each payload byte, so it is the hot loop of the stack.
    /// </summary>
    public static class Checksum
    {
        /// <summary>Adds <paramref name="length"/> bytes from <paramref name="offset"/> to a running sum.
        /// An odd trailing byte is padded with zero, so only the last chunk may have odd length.</summary>
        public static uint Add(byte[] b, int offset, int length, uint sum)
        {
            int i = offset;
            int end8 = offset + (length & ~7);
            while (i < end8)
            {
                sum += (uint)((b[i] << 8) | b[i + 1])
                     + (uint)((b[i + 2] << 8) | b[i + 3])
                     + (uint)((b[i + 4] << 8) | b[i + 5])
                     + (uint)((b[i + 6] << 8) | b[i + 7]);
                i += 8;
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
