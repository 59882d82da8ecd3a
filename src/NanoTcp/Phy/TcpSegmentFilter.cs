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
            Ipv4Packet ip = new Ipv4Packet(frame, offset + 14, length - 14);
            TcpPacket tcp = new TcpPacket(frame, ip.PayloadOffset, ip.PayloadLength);
            int payload = tcp.PayloadLength;
            if ((tcp.Flags & _mask) != _value || payload < _minPayload || payload > _maxPayload || !MatchesSegment(ip, tcp))
            {
                return false;
            }
            Matched++;
            return true;
        }

        /// <summary>A further condition for subclasses (e.g. the connection's state); true here.</summary>
        protected virtual bool MatchesSegment(Ipv4Packet ip, TcpPacket tcp)
        {
            return true;
        }
    }
}
