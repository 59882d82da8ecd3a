using NanoTcp.Storage;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Iface
{
    /// <summary>
    /// A bound UDP port. Received datagrams wait in a fixed byte ring (8-byte record header:
    /// source address, source port, length) until the application takes them; when the
    /// ring is full new datagrams are dropped (counted). Obtained from
    /// <see cref="NetInterface.OpenUdp"/>; one of a fixed set allocated at start-up.
    /// </summary>
    public sealed class UdpSocket
    {
        private const int RecordHeader = 8;

        private readonly NetInterface _iface;
        private readonly RingBuffer _ring;
        private readonly byte[] _header = new byte[RecordHeader];
        private int _count;
        private int _port;

        internal UdpSocket(NetInterface iface, int queueBytes)
        {
            _iface = iface;
            _ring = new RingBuffer(queueBytes);
        }

        public int LocalPort { get { return _port; } }
        public bool IsOpen { get { return _port != 0; } }

        /// <summary>Datagrams waiting.</summary>
        public int Available { get { return _count; } }

        internal int FootprintBytes { get { return _ring.Capacity + RecordHeader; } }

        internal void Open(int port)
        {
            _port = port;
            _ring.Clear();
            _count = 0;
        }

        public void Close()
        {
            _port = 0;
            _ring.Clear();
            _count = 0;
        }

        /// <summary>
        /// Takes the next datagram: copies up to <paramref name="capacity"/> bytes (the rest of a
        /// longer datagram is discarded) and returns the datagram's full length, or -1 when none.
        /// </summary>
        public int Receive(byte[] buffer, int offset, int capacity, out uint sourceIp, out int sourcePort)
        {
            sourceIp = 0;
            sourcePort = 0;
            if (_count == 0)
            {
                return -1;
            }
            _ring.Read(_header, 0, RecordHeader);
            sourceIp = NetworkOrder.ReadUInt32(_header, 0);
            sourcePort = NetworkOrder.ReadUInt16(_header, 4);
            int length = NetworkOrder.ReadUInt16(_header, 6);
            int taken = _ring.Read(buffer, offset, length < capacity ? length : capacity);
            _ring.Discard(length - taken);
            _count--;
            return length;
        }

        /// <summary>Sends a datagram from this port. Returns None when sent (or queued for ARP).</summary>
        public DropReason SendTo(uint destination, int destinationPort, byte[] buffer, int offset, int length, long nowMs)
        {
            return _iface.SendUdp(_port, destination, destinationPort, buffer, offset, length, nowMs);
        }

        /// <summary>Called by the interface for a datagram to this port; false when the ring is full.</summary>
        internal bool Deliver(uint sourceIp, int sourcePort, byte[] buffer, int offset, int length)
        {
            if (RecordHeader + length > _ring.Free)
            {
                return false;
            }
            NetworkOrder.WriteUInt32(_header, 0, sourceIp);
            NetworkOrder.WriteUInt16(_header, 4, sourcePort);
            NetworkOrder.WriteUInt16(_header, 6, length);
            _ring.Write(_header, 0, RecordHeader);
            _ring.Write(buffer, offset, length);
            _count++;
            return true;
        }
    }
}
