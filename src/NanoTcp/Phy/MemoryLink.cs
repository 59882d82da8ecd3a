namespace NanoTcp.Phy
{
    /// <summary>
    /// A cable in memory: two <see cref="INetworkDevice"/> ends, <see cref="A"/> and
    /// <see cref="B"/>; a frame transmitted on one end is received on the other. Each
    /// direction is a bounded queue (a full queue refuses the frame, as a busy wire would
    /// lose it). Used by tests, the demo and the on-board self-test.
    /// </summary>
    public sealed class MemoryLink
    {
        private readonly End _a;
        private readonly End _b;

        public MemoryLink() : this(32, 1514)
        {
        }

        public MemoryLink(int framesPerDirection, int maxFrameLength)
        {
            FrameQueue aToB = new FrameQueue(framesPerDirection, maxFrameLength);
            FrameQueue bToA = new FrameQueue(framesPerDirection, maxFrameLength);
            _a = new End(bToA, aToB, maxFrameLength);
            _b = new End(aToB, bToA, maxFrameLength);
        }

        public INetworkDevice A { get { return _a; } }
        public INetworkDevice B { get { return _b; } }

        /// <summary>Frames waiting to be received at A / at B.</summary>
        public int PendingAtA { get { return _a.Pending; } }
        public int PendingAtB { get { return _b.Pending; } }

        /// <summary>Simulates unplugging (false) and plugging the cable back (true).</summary>
        public bool Connected
        {
            get { return _a.Up; }
            set { _a.Up = value; _b.Up = value; }
        }

        private sealed class End : INetworkDevice
        {
            private readonly FrameQueue _rx;
            private readonly FrameQueue _tx;
            private readonly int _max;
            internal bool Up = true;

            internal End(FrameQueue rx, FrameQueue tx, int max)
            {
                _rx = rx;
                _tx = tx;
                _max = max;
            }

            internal int Pending { get { return _rx.Count; } }

            public int MaxFrameLength { get { return _max; } }

            public bool LinkUp { get { return Up; } }

            public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
            {
                while (true)
                {
                    int n = _rx.Dequeue(buffer, offset, capacity);
                    if (n >= 0)
                    {
                        return n;
                    }
                    // Longer than the caller's buffer: discarded, never truncated.
                }
            }

            public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
            {
                if (length <= 0)
                {
                    return false; // no such thing as an empty frame on a wire
                }
                if (!Up)
                {
                    return true; // sent into an unplugged cable: gone
                }
                return _tx.Enqueue(buffer, offset, length, nowMs);
            }
        }
    }
}
