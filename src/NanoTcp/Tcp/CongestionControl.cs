namespace NanoTcp.Tcp
{
    /// <summary>
    /// Congestion control of one connection, all of it in one place: slow start and congestion
    /// avoidance (RFC 5681 §3.1), fast retransmit and fast recovery (RFC 5681 §3.2) with NewReno's
    /// partial acknowledgments (RFC 6582), and limited transmit (RFC 3042), with duplicate ACKs counted
    /// as RFC 6675 counts them for a SACK peer (TcpAckProcessing.cs reads the blocks). The connection reports
    /// events (<see cref="OnNewAck"/>, <see cref="OnDuplicateAck"/>, <see cref="OnRetransmitTimeout"/>);
    /// this class changes cwnd and ssthresh and answers what to resend. The resending itself is in
    /// TcpRetransmit.cs. All sizes are bytes.
    /// </summary>
    public sealed class CongestionControl
    {
        /// <summary>What an ACK asks of the sender.</summary>
        internal const int Nothing = 0;
        /// <summary>Third duplicate ACK: resend the first unacknowledged segment (fast retransmit).</summary>
        internal const int FastRetransmit = 1;
        /// <summary>A partial ACK in fast recovery: resend the next hole at once (RFC 6582 §3.2 step 3).</summary>
        internal const int ResendHole = 2;

        /// <summary>Most segments sent back to back when recovery ends (RFC 6582 §3.2 step 3).</summary>
        private const int BurstSegments = 4;

        private int _cwnd;
        private int _ssthresh;
        private int _dupAcks;
        private bool _inRecovery;
        private uint _recover;
        private bool _firstPartialAck;
        private int _mss;

        public int Cwnd { get { return _cwnd; } }
        public int Ssthresh { get { return _ssthresh; } }
        public int DuplicateAcks { get { return _dupAcks; } }
        /// <summary>In fast recovery until an ACK covers <see cref="Recover"/>.</summary>
        public bool InRecovery { get { return _inRecovery; } }
        /// <summary>RFC 6582 "recover": SND.NXT when recovery began (or at the last RTO).</summary>
        public uint Recover { get { return _recover; } }

        /// <summary>A new connection: ssthresh "arbitrarily high" (RFC 5681 §3.1), recover = ISS (RFC 6582 §3.2 step 1).</summary>
        internal void Reset(uint iss)
        {
            _cwnd = 0;
            _ssthresh = 65535;
            _dupAcks = 0;
            _inRecovery = false;
            _recover = iss;
            _firstPartialAck = false;
            _mss = 536;
        }

        /// <summary>The send MSS is known (handshake) or lowered (path MTU): initial window per RFC 5681 §3.1.</summary>
        internal void SetMss(int mss, bool initialWindow)
        {
            _mss = mss;
            if (initialWindow)
            {
                // IW = min(4·MSS, max(2·MSS, 4380)) (RFC 3390 form).
                int iw = 4 * mss;
                int cap = 2 * mss > 4380 ? 2 * mss : 4380;
                _cwnd = iw < cap ? iw : cap;
            }
            else if (_cwnd > 0 && _cwnd < mss)
            {
                _cwnd = mss;
            }
        }

        /// <summary>
        /// Bytes the congestion window lets be outstanding. RFC 3042 limited transmit: each of the first
        /// two duplicate ACKs lets one more new segment out, so a small window still brings the three
        /// duplicates fast retransmit needs; cwnd itself does not change for them.
        /// </summary>
        public int Window
        {
            get
            {
                if (!_inRecovery && _dupAcks > 0 && _dupAcks < 3)
                {
                    return _cwnd + _dupAcks * _mss;
                }
                return _cwnd;
            }
        }

        /// <summary>
        /// An ACK advanced SND.UNA by <paramref name="acked"/> bytes to <paramref name="ack"/>;
        /// <paramref name="flightSize"/> is what is still outstanding after it. Returns
        /// <see cref="ResendHole"/> for a partial ACK in recovery, else <see cref="Nothing"/>.
        /// </summary>
        internal int OnNewAck(uint ack, int acked, int flightSize)
        {
            _dupAcks = 0;
            if (_inRecovery)
            {
                if (SeqNumber.Ge(ack, _recover))
                {
                    // RFC 6582 §3.2 step 3, full acknowledgment: deflate to ssthresh and leave recovery
                    // (its option 2), with the burst it may allow limited to four segments beyond what is
                    // still in flight, as the RFC encourages.
                    int limit = (flightSize > _mss ? flightSize : _mss) + BurstSegments * _mss;
                    _cwnd = _ssthresh < limit ? _ssthresh : limit;
                    _inRecovery = false;
                    return Nothing;
                }
                // Partial acknowledgment: deflate by what was acknowledged, add back one MSS when at
                // least one MSS was, and resend the next hole.
                _cwnd -= acked;
                if (acked >= _mss) _cwnd += _mss;
                if (_cwnd < _mss) _cwnd = _mss;
                return ResendHole;
            }
            if (_cwnd < _ssthresh)
            {
                // Slow start: up to one MSS per ACK (RFC 5681 §3.1, appropriate byte counting L = 1 SMSS).
                _cwnd += acked < _mss ? acked : _mss;
            }
            else
            {
                // Congestion avoidance: about one MSS per round trip.
                int inc = _mss * _mss / (_cwnd > 0 ? _cwnd : 1);
                _cwnd += inc > 0 ? inc : 1;
            }
            if (_cwnd > 1048576) _cwnd = 1048576;
            return Nothing;
        }

        /// <summary>True on the first partial ACK of a recovery: RFC 6582 resets the timer only then ("impatient").</summary>
        internal bool TakeFirstPartialAck()
        {
            bool first = _firstPartialAck;
            _firstPartialAck = false;
            return first;
        }

        /// <summary>
        /// A duplicate ACK (RFC 5681 §2, or RFC 6675 §2 for SACK) for <paramref name="ack"/> = SND.UNA.
        /// <paramref name="flightSize"/> excludes what limited transmit sent. Returns <see cref="FastRetransmit"/>
        /// on the third one, or on an earlier one when the SACK blocks already show the first segment lost
        /// (<paramref name="lostBySack"/>, RFC 6675 §5 step C), unless the ACK lies below <see cref="Recover"/>
        /// (RFC 6582 §3.2 step 2: one recovery per window).
        /// </summary>
        internal int OnDuplicateAck(uint ack, int flightSize, uint sndNxt, bool lostBySack)
        {
            if (_inRecovery)
            {
                _cwnd += _mss; // RFC 5681 §3.2 step 4: inflate for each segment that has left the network
                return Nothing;
            }
            _dupAcks++;
            if (_dupAcks != 3 && !(lostBySack && _dupAcks < 3))
            {
                return Nothing;
            }
            if (SeqNumber.Lt(ack, _recover))
            {
                // Duplicates for data sent before the last recovery or timeout began: that window was
                // already answered (RFC 6582 §3.2 step 2; ack = recover is accepted, the ACK heuristic of §4.2).
                return Nothing;
            }
            // RFC 5681 §3.2 step 2 and 3: ssthresh = max(FlightSize/2, 2·SMSS), cwnd = ssthresh + 3·SMSS.
            int half = flightSize / 2;
            _ssthresh = half > 2 * _mss ? half : 2 * _mss;
            _cwnd = _ssthresh + 3 * _mss;
            _inRecovery = true;
            _recover = sndNxt;
            _firstPartialAck = true;
            return FastRetransmit;
        }

        /// <summary>RFC 5681 §3.1 equation 4 and cwnd = 1 MSS (loss window); RFC 6582 §3.2 step 4: recover = SND.NXT.</summary>
        internal void OnRetransmitTimeout(int flightSize, uint sndNxt)
        {
            int half = flightSize / 2;
            _ssthresh = half > 2 * _mss ? half : 2 * _mss;
            _cwnd = _mss;
            _dupAcks = 0;
            _inRecovery = false;
            _recover = sndNxt;
        }
    }
}
