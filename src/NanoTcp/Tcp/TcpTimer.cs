namespace NanoTcp.Tcp
{
    /// <summary>
    /// One deadline of one connection: retransmission, persist, delayed ACK, keepalive, 2MSL or
    /// FIN-WAIT-2. "Not running" is its own state, not a special deadline, so a timer that should
    /// fire at time 0 (or any other) is not mistaken for a stopped one. Allocated with the slot.
    /// </summary>
    public sealed class TcpTimer
    {
        // Internal fields: the stack tests them in place every Poll (the interpreter's call cost).
        internal bool Armed;
        internal long At;

        public bool Running { get { return Armed; } }
        /// <summary>When it fires; meaningless while not running.</summary>
        public long Deadline { get { return At; } }

        internal void Start(long nowMs, long durationMs)
        {
            Armed = true;
            At = nowMs + durationMs;
        }

        internal void Stop()
        {
            Armed = false;
        }

        /// <summary>The earlier of <paramref name="earliest"/> (-1 = none) and this deadline.</summary>
        internal long Earliest(long earliest)
        {
            if (!Armed)
            {
                return earliest;
            }
            return earliest < 0 || At < earliest ? At : earliest;
        }
    }
}
