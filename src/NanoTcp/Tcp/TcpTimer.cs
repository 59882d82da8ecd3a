namespace NanoTcp.Tcp
{
    /// <summary>
    /// One deadline of one connection: retransmission, persist, delayed ACK, keepalive, 2MSL or
    /// FIN-WAIT-2. "Not running" is its own state, not a special deadline, so a timer that should
    /// fire at time 0 (or any other) is not mistaken for a stopped one. Allocated with the slot.
    /// </summary>
    public sealed class TcpTimer
    {
        private bool _running;
        private long _deadline;

        public bool Running { get { return _running; } }
        /// <summary>When it fires; meaningless while not running.</summary>
        public long Deadline { get { return _deadline; } }

        internal void Start(long nowMs, long durationMs)
        {
            _running = true;
            _deadline = nowMs + durationMs;
        }

        internal void Stop()
        {
            _running = false;
        }

        internal bool Due(long nowMs)
        {
            return _running && nowMs >= _deadline;
        }

        /// <summary>The earlier of <paramref name="earliest"/> (-1 = none) and this deadline.</summary>
        internal long Earliest(long earliest)
        {
            if (!_running)
            {
                return earliest;
            }
            return earliest < 0 || _deadline < earliest ? _deadline : earliest;
        }
    }
}
