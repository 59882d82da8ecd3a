using NanoTcp.Wire;

namespace NanoTcp.Phy
{
    /// <summary>
    /// Selects IPv4 TCP segments by flags and payload length, for targeted drops ("the next
    /// SYN-ACK", "the next pure ACK"). Reads the frame in place; allocates nothing.
    /// </summary>
    public class TcpSegmentFilter : IFrameFilter
    {
        private readonly int _mask;
        private readonly int _value;
        private readonly int _minPayload;
        private readonly int _maxPayload;

        /// <summary>Matches segments with (flags &amp; mask) == value and a payload of minPayload..maxPayload bytes.</summary>
        public TcpSegmentFilter(int mask, int value, int minPayload, int maxPayload)
        {
            _mask = mask;
            _value = value;
            _minPayload = minPayload;
            _maxPayload = maxPayload;
        }

        /// <summary>Frames matched so far.</summary>
        public int Matched;

        public bool Matches(byte[] frame, int offset, int length)
        {
            if (length < 54 || NetworkOrder.ReadUInt16(frame, offset + 12) != EtherType.Ipv4 || frame[offset + 23] != IpProtocol.Tcp)
            {
                return false;
            }
            int ip = offset + EthernetFrame.HeaderLength;
            int tcp = Ipv4Packet.PayloadOffset(frame, ip);
            int payload = Ipv4Packet.PayloadLength(frame, ip) - TcpPacket.DataOffset(frame, tcp);
            if ((TcpPacket.Flags(frame, tcp) & _mask) != _value || payload < _minPayload || payload > _maxPayload || !MatchesSegment(frame, ip, tcp))
            {
                return false;
            }
            Matched++;
            return true;
        }

        /// <summary>A further condition for subclasses (e.g. the connection's state), given the IPv4 and
        /// TCP header offsets in the frame; true here.</summary>
        protected virtual bool MatchesSegment(byte[] frame, int ipOffset, int tcpOffset)
        {
            return true;
        }
    }
}
