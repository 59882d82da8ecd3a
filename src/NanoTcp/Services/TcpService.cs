using NanoTcp.Tcp;

namespace NanoTcp.Services
{
    /// <summary>
    /// Common shape of the built-in TCP services: one listener, up to N connections accepted into
    /// fixed slots, <see cref="Poll"/> after every interface poll. Slots whose connection ended are
    /// released (Close) so the stack can reuse them. Subclasses serve one connection per call.
    /// A board has a few connection slots for everyone: a connection that moves no data for
    /// <see cref="IdleTimeoutMs"/> (and, for HTTP, a request not complete in time) is ended with an
    /// RST (reason idle-timeout), counted and traced, so clients that go quiet or vanish give their
    /// slots back.
    /// </summary>
    public abstract class TcpService
    {
        protected readonly TcpStack Tcp;
        private readonly int[] _handles;
        private readonly long[] _acceptedMs;
        private readonly int _listener;
        private readonly int _port;

        protected TcpService(TcpStack tcp, int port, int maxConnections)
        {
            Tcp = tcp;
            _port = port;
            _handles = new int[maxConnections < 1 ? 1 : maxConnections];
            _acceptedMs = new long[_handles.Length];
            for (int i = 0; i < _handles.Length; i++)
            {
                _handles[i] = -1;
            }
            _listener = tcp.Listen(port);
        }

        /// <summary>False when the port was taken or no listener slot was free.</summary>
        public bool IsRunning { get { return _listener >= 0; } }
        public int Port { get { return _port; } }
        /// <summary>The service's name in `stats` ("echo", "http"...).</summary>
        public abstract string Name { get; }
        public long ConnectionsServed;

        /// <summary>
        /// A connection that moves no data, either way, for this long is ended (RST, reason idle-timeout,
        /// traced as `timer idle-timeout`); 0 = never. A client that reads a stream slowly moves data and
        /// is not idle; one that holds its window shut, or has vanished, is.
        /// </summary>
        public int IdleTimeoutMs;
        /// <summary>Connections ended by <see cref="IdleTimeoutMs"/>.</summary>
        public long IdleTimeouts;
        /// <summary>Connections ended because their request was not complete in time (HTTP's request timeout).</summary>
        public long RequestTimeouts;

        public void Poll(long nowMs)
        {
            if (_listener < 0)
            {
                return;
            }
            for (int i = 0; i < _handles.Length; i++)
            {
                if (_handles[i] < 0)
                {
                    int h = Tcp.Accept(_listener);
                    if (h < 0)
                    {
                        break;
                    }
                    _handles[i] = h;
                    _acceptedMs[i] = nowMs;
                    ConnectionsServed++;
                    Opened(i, nowMs);
                }
            }
            for (int i = 0; i < _handles.Length; i++)
            {
                int h = _handles[i];
                if (h < 0)
                {
                    continue;
                }
                if ((Tcp.GetEvents(h) & TcpEvents.Closed) != 0)
                {
                    Tcp.Close(h); // releases the handle; the reason was traced by the stack
                    Release(i);
                    continue;
                }
                if (Serve(i, h, nowMs))
                {
                    Tcp.Close(h); // FIN after whatever is queued; the stack finishes the close
                    Release(i);
                    continue;
                }
                long elapsed;
                int timer = TimerDue(i, h, nowMs, out elapsed);
                if (timer >= 0)
                {
                    if (timer == TcpTimerCode.RequestTimeout)
                    {
                        RequestTimeouts++;
                    }
                    else
                    {
                        IdleTimeouts++;
                    }
                    Tcp.AbortAfterTimer(h, timer, elapsed, TcpCloseReason.IdleTimeout);
                    Release(i);
                }
            }
        }

        private void Release(int slot)
        {
            _handles[slot] = -1;
            Released(slot);
        }

        /// <summary>When the connection in slot was accepted.</summary>
        protected long AcceptedAtMs(int slot)
        {
            return _acceptedMs[slot];
        }

        /// <summary>
        /// The timer (TcpTimerCode.IdleTimeout, RequestTimeout) that has run out for the connection in
        /// slot, with the time it measured; -1 when none. Idle: no data since the later of accept and the
        /// last data moved.
        /// </summary>
        protected virtual int TimerDue(int slot, int handle, long nowMs, out long elapsedMs)
        {
            elapsedMs = 0;
            if (IdleTimeoutMs <= 0)
            {
                return -1;
            }
            TcpConnection c = Tcp.GetConnection(handle);
            if (c == null)
            {
                return -1;
            }
            long last = c.LastDataAtMs > _acceptedMs[slot] ? c.LastDataAtMs : _acceptedMs[slot];
            elapsedMs = nowMs - last;
            return elapsedMs >= IdleTimeoutMs ? TcpTimerCode.IdleTimeout : -1;
        }

        /// <summary>A connection was accepted into slot.</summary>
        protected virtual void Opened(int slot, long nowMs)
        {
        }

        /// <summary>The connection in slot is gone (served, closed by the peer, or timed out).</summary>
        protected virtual void Released(int slot)
        {
        }

        /// <summary>Moves data for one connection; returns true when the service is done with it (it is then closed).</summary>
        protected abstract bool Serve(int slot, int handle, long nowMs);

        /// <summary>What the echo, discard and chargen services read and write through within one Serve.</summary>
        protected const int OwnBufferBytes = 512;

        /// <summary>
        /// The shared scratch buffer, or one of the service's own: data passes through it only within
        /// one <see cref="Serve"/>, so services polled one after the other can share one (the board's do).
        /// </summary>
        protected static byte[] ScratchOrOwn(byte[] scratch)
        {
            return scratch != null && scratch.Length > 0 ? scratch : new byte[OwnBufferBytes];
        }
    }

    /// <summary>Echo (RFC 862, port 7): everything received is sent back; closes after the client does.</summary>
    public sealed class TcpEchoService : TcpService
    {
        public const int DefaultPort = 7;
        private readonly byte[] _buffer;

        public TcpEchoService(TcpStack tcp, int port, int maxConnections) : this(tcp, port, maxConnections, null)
        {
        }

        /// <param name="scratch">a buffer shared with services that use theirs only while they poll; null: one of its own</param>
        public TcpEchoService(TcpStack tcp, int port, int maxConnections, byte[] scratch) : base(tcp, port, maxConnections)
        {
            _buffer = ScratchOrOwn(scratch);
        }

        public override string Name { get { return "echo"; } }

        public long BytesEchoed;

        protected override bool Serve(int slot, int handle, long nowMs)
        {
            while (true)
            {
                // Take only what can be sent back: the rest waits in the receive ring (flow control).
                int room = Tcp.SendSpace(handle);
                int n = room < _buffer.Length ? room : _buffer.Length;
                if (n <= 0)
                {
                    return false;
                }
                int got = Tcp.Receive(handle, _buffer, 0, n);
                if (got < 0)
                {
                    return true;
                }
                if (got == 0)
                {
                    return false;
                }
                Tcp.Send(handle, _buffer, 0, got);
                BytesEchoed += got;
            }
        }
    }

    /// <summary>Discard (RFC 863, port 9): reads and drops everything; closes after the client does.</summary>
    public sealed class TcpDiscardService : TcpService
    {
        public const int DefaultPort = 9;
        private readonly byte[] _buffer;

        public TcpDiscardService(TcpStack tcp, int port, int maxConnections) : this(tcp, port, maxConnections, null)
        {
        }

        /// <param name="scratch">a buffer shared with services that use theirs only while they poll; null: one of its own</param>
        public TcpDiscardService(TcpStack tcp, int port, int maxConnections, byte[] scratch) : base(tcp, port, maxConnections)
        {
            _buffer = ScratchOrOwn(scratch);
        }

        public override string Name { get { return "discard"; } }

        public long BytesDiscarded;

        /// <summary>While true nothing is read, so the receive window closes (the console's `lab zero-window`).</summary>
        public bool Paused;

        protected override bool Serve(int slot, int handle, long nowMs)
        {
            while (!Paused)
            {
                int got = Tcp.Receive(handle, _buffer, 0, _buffer.Length);
                if (got < 0)
                {
                    return true;
                }
                if (got == 0)
                {
                    return false;
                }
                BytesDiscarded += got;
            }
            return false;
        }
    }

    /// <summary>
    /// Character generator (RFC 864, port 19): lines of 72 printable characters, each line starting
    /// one character later in the 95-character cycle, sent as fast as the window allows; input is
    /// discarded; closes when the client closes.
    /// </summary>
    public sealed class TcpChargenService : TcpService
    {
        public const int DefaultPort = 19;
        private const int LineLength = 74; // 72 characters + CR LF
        private readonly byte[] _buffer;
        private readonly long[] _position;

        public TcpChargenService(TcpStack tcp, int port, int maxConnections) : this(tcp, port, maxConnections, null)
        {
        }

        /// <param name="scratch">a buffer shared with services that use theirs only while they poll; null: one of its own</param>
        public TcpChargenService(TcpStack tcp, int port, int maxConnections, byte[] scratch) : base(tcp, port, maxConnections)
        {
            _buffer = ScratchOrOwn(scratch);
            _position = new long[maxConnections < 1 ? 1 : maxConnections];
        }

        public override string Name { get { return "chargen"; } }

        public long BytesSent;

        protected override void Opened(int slot, long nowMs)
        {
            _position[slot] = 0;
        }

        /// <summary>The character at position pos of the chargen stream.</summary>
        public static byte CharAt(long pos)
        {
            long line = pos / LineLength;
            int col = (int)(pos % LineLength);
            if (col == 72) return 13;
            if (col == 73) return 10;
            return (byte)(32 + (int)((line + col + 1) % 95)); // line 0 starts with "!", as in RFC 864
        }

        protected override bool Serve(int slot, int handle, long nowMs)
        {
            bool clientClosed = false;
            while (true)
            {
                int got = Tcp.Receive(handle, _buffer, 0, _buffer.Length);
                if (got < 0)
                {
                    clientClosed = true;
                    break;
                }
                if (got == 0)
                {
                    break;
                }
            }
            // Fill the send ring even in the turn the client's FIN arrived: what is queued leaves
            // before the board's FIN (data in CLOSE-WAIT), then the connection is closed.
            while (true)
            {
                int room = Tcp.SendSpace(handle);
                int n = room < _buffer.Length ? room : _buffer.Length;
                if (n <= 0)
                {
                    return clientClosed;
                }
                long pos = _position[slot];
                for (int i = 0; i < n; i++)
                {
                    _buffer[i] = CharAt(pos + i);
                }
                int sent = Tcp.Send(handle, _buffer, 0, n);
                if (sent <= 0)
                {
                    return clientClosed;
                }
                _position[slot] = pos + sent;
                BytesSent += sent;
            }
        }
    }
}
