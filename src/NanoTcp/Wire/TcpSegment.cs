using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>
    /// A received TCP segment, parsed once (smoltcp's <c>TcpRepr</c>): addresses, ports, sequence and
    /// acknowledgment numbers, flags, window, options and the payload's place in the receive buffer.
    /// One object is kept and refilled for every segment, so parsing allocates nothing. The TCP
    /// layer may narrow the payload range and flags when it trims a segment to its window.
    /// </summary>
    public sealed class TcpSegment
    {
        public uint SourceIp;
        public uint DestinationIp;
        public int SourcePort;
        public int DestinationPort;
        public uint Seq;
        public uint AckNumber;
        /// <summary>The flag bits (<see cref="TcpFlags"/>).</summary>
        public int Flags;
        public int Window;
        public readonly TcpOptions Options = new TcpOptions();
        /// <summary>The buffer holding the segment; header at <see cref="HeaderOffset"/>.</summary>
        public byte[] Buffer;
        public int HeaderOffset;
        /// <summary>Header + options + payload as received.</summary>
        public int SegmentLength;
        public int PayloadOffset;
        public int PayloadLength;

        public bool Syn { get { return (Flags & TcpFlags.Syn) != 0; } }
        public bool Fin { get { return (Flags & TcpFlags.Fin) != 0; } }
        public bool Rst { get { return (Flags & TcpFlags.Rst) != 0; } }
        public bool HasAck { get { return (Flags & TcpFlags.Ack) != 0; } }

        /// <summary>Length in sequence space: payload plus one for SYN and one for FIN.</summary>
        public int SequenceLength
        {
            get
            {
                int n = PayloadLength;
                if ((Flags & TcpFlags.Syn) != 0) n++;
                if ((Flags & TcpFlags.Fin) != 0) n++;
                return n;
            }
        }

        /// <summary>
        /// Validates (lengths, data offset, checksum, option syntax) and parses the segment of
        /// <paramref name="length"/> bytes at b[o]. Fields are meaningful only when it returns None.
        /// </summary>
        public DropReason Parse(uint sourceIp, uint destinationIp, byte[] b, int o, int length)
        {
            DropReason r = TcpPacket.Validate(b, o, length, sourceIp, destinationIp);
            if (r != DropReason.None)
            {
                return r;
            }
            int dataOffset = (b[o + 12] >> 4) * 4;
            // Options: MSS is honoured; window scale, SACK-permitted and timestamps are parsed and
            // declined by not echoing them (RFC 7323 §1.3, RFC 2018 §2); unknown kinds are skipped.
            r = Options.Parse(b, o + TcpPacket.HeaderLength, dataOffset - TcpPacket.HeaderLength);
            if (r != DropReason.None)
            {
                return r;
            }
            SourceIp = sourceIp;
            DestinationIp = destinationIp;
            SourcePort = (b[o] << 8) | b[o + 1];
            DestinationPort = (b[o + 2] << 8) | b[o + 3];
            Seq = ((uint)b[o + 4] << 24) | ((uint)b[o + 5] << 16) | ((uint)b[o + 6] << 8) | b[o + 7];
            AckNumber = ((uint)b[o + 8] << 24) | ((uint)b[o + 9] << 16) | ((uint)b[o + 10] << 8) | b[o + 11];
            Flags = b[o + 13];
            Window = (b[o + 14] << 8) | b[o + 15];
            Buffer = b;
            HeaderOffset = o;
            SegmentLength = length;
            PayloadOffset = o + dataOffset;
            PayloadLength = length - dataOffset;
            return DropReason.None;
        }
    }
}
