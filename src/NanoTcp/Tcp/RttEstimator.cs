namespace NanoTcp.Tcp
{
    /// <summary>
    /// The retransmission timeout of one connection (RFC 6298): SRTT and RTTVAR kept scaled like
    /// BSD (8·SRTT, 4·RTTVAR), one segment timed at a time, and Karn's rule — a segment that was
    /// ever retransmitted gives no sample (<see cref="Cancel"/>). The timer that uses the RTO is the
    /// connection's Rtx (<see cref="TcpTimer"/>); the back-off and the give-up are in TcpRetransmit.cs.
    /// </summary>
    public sealed class RttEstimator
    {
        private int _srttX8;
        private int _rttvarX4;
        private int _rto;
        private bool _timing;
        private uint _timedSeq;
        private long _timedAtMs;

        /// <summary>Current RTO, ms.</summary>
        public int RtoMs { get { return _rto; } }
        /// <summary>Smoothed RTT, ms (0 before the first sample).</summary>
        public int SrttMs { get { return _srttX8 >> 3; } }
        public bool HasSample { get { return _srttX8 != 0; } }
        /// <summary>A segment is being timed (its ACK will give a sample).</summary>
        public bool Timing { get { return _timing; } }

        internal void Reset(int initialRtoMs)
        {
            _srttX8 = 0;
            _rttvarX4 = 0;
            _rto = initialRtoMs;
            _timing = false;
        }

        /// <summary>Times the segment ending at <paramref name="endSeq"/> unless one is being timed already.</summary>
        internal void Start(uint endSeq, long nowMs)
        {
            if (!_timing)
            {
                _timing = true;
                _timedSeq = endSeq;
                _timedAtMs = nowMs;
            }
        }

        /// <summary>Karn's rule: after any retransmission, no sample until new data is timed.</summary>
        internal void Cancel()
        {
            _timing = false;
        }

        /// <summary>
        /// A cumulative ACK arrived: when it covers the timed segment, returns the sample in ms
        /// (and updates SRTT, RTTVAR and RTO per RFC 6298 §2, G = 1 ms, clamped), else -1.
        /// </summary>
        internal int OnAck(uint ack, long nowMs, int minMs, int maxMs)
        {
            if (!_timing || SeqNumber.Lt(ack, _timedSeq))
            {
                return -1;
            }
            return Sample(nowMs, minMs, maxMs);
        }

        /// <summary>
        /// A SACK block [<paramref name="left"/>, <paramref name="right"/>) reports the timed segment held by
        /// the peer: as good a sample as a cumulative ACK (the segment was sent once), taken when a hole
        /// below it would delay the cumulative ACK, often past an RTO that then backs off again without a
        /// sample to bring it down. Linux takes the same (sack_rtt). Returns the sample or -1, like OnAck.
        /// </summary>
        internal int OnSack(uint left, uint right, long nowMs, int minMs, int maxMs)
        {
            if (!_timing || !SeqNumber.Lt(left, _timedSeq) || SeqNumber.Lt(right, _timedSeq))
            {
                return -1;
            }
            return Sample(nowMs, minMs, maxMs);
        }

        private int Sample(long nowMs, int minMs, int maxMs)
        {
            _timing = false;
            int sample = (int)(nowMs - _timedAtMs);
            if (sample < 1) sample = 1;
            if (_srttX8 == 0)
            {
                _srttX8 = sample << 3;          // SRTT = R
                _rttvarX4 = sample << 1;        // RTTVAR = R/2 (scaled ×4)
            }
            else
            {
                int delta = sample - (_srttX8 >> 3);
                _srttX8 += delta;                 // SRTT += (R − SRTT)/8
                if (delta < 0) delta = -delta;
                _rttvarX4 += delta - (_rttvarX4 >> 2); // RTTVAR += (|R − SRTT| − RTTVAR)/4
            }
            _rto = Estimate(minMs, maxMs);
            return sample;
        }

        /// <summary>
        /// RFC 8961 §4 (4a): data sent once was acknowledged, so the path delivers again: the backed-off
        /// RTO goes back to SRTT + 4·RTTVAR without waiting for a sample. Waiting for one (Karn's
        /// original rule) keeps a 60 s RTO through every later loss when most flights hold a
        /// retransmission, as with 2 KB windows at 10 % loss. Nothing to undo before the first sample.
        /// </summary>
        internal void EndBackoff(int minMs, int maxMs)
        {
            if (_srttX8 != 0)
            {
                _rto = Estimate(minMs, maxMs);
            }
        }

        /// <summary>RFC 6298 (2.3): SRTT + max(G, 4·RTTVAR), clamped.</summary>
        private int Estimate(int minMs, int maxMs)
        {
            int var = _rttvarX4 > 1 ? _rttvarX4 : 1;
            return Clamp((_srttX8 >> 3) + var, minMs, maxMs);
        }

        /// <summary>RFC 6298 5.5: the timer expired, double the RTO (up to the maximum).</summary>
        internal void Backoff(int maxMs)
        {
            _rto = _rto > maxMs / 2 ? maxMs : _rto * 2;
        }

        /// <summary>RFC 6298 5.7: after a SYN or SYN-ACK timed out, data transmission starts with RTO = 3 s.</summary>
        internal void RestartAfterHandshakeTimeout(int minMs, int maxMs)
        {
            if (_srttX8 == 0)
            {
                _rto = Clamp(3000, minMs, maxMs);
            }
        }

        private static int Clamp(int v, int min, int max)
        {
            if (v < min) return min;
            return v > max ? max : v;
        }
    }
}
