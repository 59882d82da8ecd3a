using NanoTcp.Iface;

namespace NanoTcp.Services
{
    /// <summary>UDP echo (RFC 862): every datagram to the port goes back to its sender.</summary>
    public sealed class UdpEchoService
    {
        public const int DefaultPort = 7;

        private readonly UdpSocket _socket;
        private readonly byte[] _buffer;

        /// <summary>Binds the port on <paramref name="iface"/>; <see cref="IsRunning"/> is false when it could not.</summary>
        public UdpEchoService(NetInterface iface, int port) : this(iface, port, null)
        {
        }

        /// <param name="scratch">a buffer this service may share with others that use theirs only while they
        /// poll (the board's services, one after the other); null or shorter than a datagram: one of its own</param>
        public UdpEchoService(NetInterface iface, int port, byte[] scratch)
        {
            _socket = iface.OpenUdp(port);
            _buffer = scratch != null && scratch.Length >= iface.MaxTransportLength ? scratch : new byte[iface.MaxTransportLength];
        }

        public bool IsRunning { get { return _socket != null; } }

        public long Echoed;

        /// <summary>Answers every waiting datagram.</summary>
        public void Poll(long nowMs)
        {
            if (_socket == null)
            {
                return;
            }
            while (_socket.Available > 0)
            {
                uint source;
                int sourcePort;
                int n = _socket.Receive(_buffer, 0, _buffer.Length, out source, out sourcePort);
                if (n < 0)
                {
                    return;
                }
                if (n > _buffer.Length)
                {
                    n = _buffer.Length;
                }
                _socket.SendTo(source, sourcePort, _buffer, 0, n, nowMs);
                Echoed++;
            }
        }
    }
}
