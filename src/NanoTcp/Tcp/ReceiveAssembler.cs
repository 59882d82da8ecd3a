namespace NanoTcp.Tcp
{
    /// <summary>
    /// Which out-of-order ranges of the sequence space have arrived past RCV.NXT (smoltcp's
    /// storage::Assembler; TcpConfig.OutOfOrderRanges of them): up to a fixed number of ranges [start, end), kept sorted, disjoint and
    /// not touching (adjacent ranges merge). The bytes themselves sit in the receive ring at their
    /// place; this only remembers which places are filled. Sequence numbers compare modulo 2^32.
    /// A segment that would need one range more than there are is not kept (the sender resends it).
    /// </summary>
    public sealed class ReceiveAssembler
    {
        private readonly uint[] _start;
        private readonly uint[] _end;
        private int _count;

        public ReceiveAssembler(int ranges)
        {
            int n = ranges < 1 ? 1 : ranges;
            _start = new uint[n];
            _end = new uint[n];
        }

        /// <summary>How many ranges are held.</summary>
        public int Count { get { return _count; } }
        public int Capacity { get { return _start.Length; } }
        public bool IsEmpty { get { return _count == 0; } }
        /// <summary>Start of range i (0 = the lowest).</summary>
        public uint StartOf(int i) { return _start[i]; }
        /// <summary>End (exclusive) of range i.</summary>
        public uint EndOf(int i) { return _end[i]; }
        /// <summary>The end of the highest range (meaningful when not empty).</summary>
        public uint HighestEnd { get { return _end[_count - 1]; } }

        /// <summary>The range that holds <paramref name="seq"/>, or -1.</summary>
        public int IndexHolding(uint seq)
        {
            for (int i = 0; i < _count; i++)
            {
                if (SeqNumber.Le(_start[i], seq) && SeqNumber.Lt(seq, _end[i]))
                {
                    return i;
                }
            }
            return -1;
        }

        public void Clear()
        {
            _count = 0;
        }

        /// <summary>Records [start, end) as received. False (nothing changed) when it needs a range there is no room for.</summary>
        public bool Add(uint start, uint end)
        {
            // First range that ends at or after start (the new one may touch or overlap it).
            int i = 0;
            while (i < _count && SeqNumber.Lt(_end[i], start))
            {
                i++;
            }
            // Last range that starts at or before end.
            int j = i;
            while (j < _count && SeqNumber.Le(_start[j], end))
            {
                j++;
            }
            int merged = j - i; // ranges [i, j) touch or overlap the new one
            if (merged == 0)
            {
                if (_count == _start.Length)
                {
                    return false;
                }
                for (int k = _count; k > i; k--)
                {
                    _start[k] = _start[k - 1];
                    _end[k] = _end[k - 1];
                }
                _start[i] = start;
                _end[i] = end;
                _count++;
                return true;
            }
            uint s = SeqNumber.Lt(_start[i], start) ? _start[i] : start;
            uint e = SeqNumber.Lt(end, _end[j - 1]) ? _end[j - 1] : end;
            _start[i] = s;
            _end[i] = e;
            int removed = merged - 1;
            if (removed > 0)
            {
                for (int k = i + 1; k + removed < _count; k++)
                {
                    _start[k] = _start[k + removed];
                    _end[k] = _end[k + removed];
                }
                _count -= removed;
            }
            return true;
        }

        /// <summary>
        /// RCV.NXT has moved to <paramref name="next"/>: ranges it reaches are taken out, and the new
        /// RCV.NXT (the end of the last of them, or <paramref name="next"/>) is returned.
        /// </summary>
        public uint TakeFrom(uint next)
        {
            int taken = 0;
            while (taken < _count && SeqNumber.Le(_start[taken], next))
            {
                if (SeqNumber.Lt(next, _end[taken]))
                {
                    next = _end[taken];
                }
                taken++;
            }
            if (taken > 0)
            {
                for (int k = 0; k + taken < _count; k++)
                {
                    _start[k] = _start[k + taken];
                    _end[k] = _end[k + taken];
                }
                _count -= taken;
            }
            return next;
        }
    }
}
