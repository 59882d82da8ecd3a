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
        public UdpEchoService(NetInterface iface, int port)
        {
            _socket = iface.OpenUdp(port);
            _buffer = new byte[iface.MaxTransportLength];
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
