using System;

namespace NanoTcp.Iface
{
    /// <summary>
    /// The neighbour table: a fixed number of IPv4 → MAC entries (RFC 826), with aging and
    /// refresh, plus a small pool of frame slots that keep the first outgoing packet to a
    /// host while its address is being resolved (uIP and smoltcp drop that packet; here it
    /// leaves as soon as the reply arrives). Timers run from <see cref="NetInterface.Poll"/>.
    /// </summary>
    public sealed class ArpCache
    {
        public const int StateFree = 0;
        public const int StatePending = 1;
        public const int StateResolved = 2;

        private readonly uint[] _ip;
        private readonly byte[] _mac;
        private readonly int[] _state;
        /// <summary>Resolved: when last confirmed by an ARP packet. Pending: when the last request was sent.</summary>
        private readonly long[] _stamp;
        private readonly long[] _lastUsed;
        private readonly int[] _tries;
        private readonly int[] _pendingSlot;
        private readonly bool[] _refreshSent;

        private readonly byte[] _pendingData;
        private readonly int[] _pendingLength;
        private readonly bool[] _pendingUsed;
        private readonly int _slotSize;

        public ArpCache(int entries, int pendingFrames, int frameSize)
        {
            _ip = new uint[entries];
            _mac = new byte[entries * 6];
            _state = new int[entries];
            _stamp = new long[entries];
            _lastUsed = new long[entries];
            _tries = new int[entries];
            _pendingSlot = new int[entries];
            _refreshSent = new bool[entries];
            _pendingData = new byte[pendingFrames * frameSize];
            _pendingLength = new int[pendingFrames];
            _pendingUsed = new bool[pendingFrames];
            _slotSize = frameSize;
            for (int i = 0; i < entries; i++)
            {
                _pendingSlot[i] = -1;
            }
        }

        public int Capacity { get { return _ip.Length; } }

        public int FootprintBytes
        {
            get
            {
                return _ip.Length * (4 + 6 + 4 + 8 + 8 + 4 + 4 + 1)
                    + _pendingData.Length + _pendingLength.Length * 5;
            }
        }

        // Read access for the console's "arp" command and for tests.
        public int StateOf(int entry) { return _state[entry]; }
        public uint AddressOf(int entry) { return _ip[entry]; }
        public byte[] MacTable { get { return _mac; } }
        public int MacOffsetOf(int entry) { return entry * 6; }
        public long AgeMs(int entry, long nowMs) { return nowMs - _stamp[entry]; }
        public bool HasPendingFrame(int entry) { return _pendingSlot[entry] >= 0; }

        /// <summary>Index of the entry for <paramref name="ip"/> (pending or resolved), or -1.</summary>
        public int Find(uint ip)
        {
            for (int i = 0; i < _ip.Length; i++)
            {
                if (_state[i] != StateFree && _ip[i] == ip)
                {
                    return i;
                }
            }
            return -1;
        }

        public bool IsResolved(int entry)
        {
            return entry >= 0 && _state[entry] == StateResolved;
        }

        public void Touch(int entry, long nowMs)
        {
            _lastUsed[entry] = nowMs;
        }

        /// <summary>
        /// Records a confirmed mapping (an ARP packet from <paramref name="ip"/>). When
        /// <paramref name="create"/> is false only an existing entry is updated (RFC 826 merge).
        /// Returns the entry, or -1.
        /// </summary>
        public int Update(uint ip, byte[] mac, int macOffset, long nowMs, bool create)
        {
            int e = Find(ip);
            if (e < 0)
            {
                if (!create)
                {
                    return -1;
                }
                e = Allocate(nowMs);
                _ip[e] = ip;
                _lastUsed[e] = nowMs;
            }
            Array.Copy(mac, macOffset, _mac, e * 6, 6);
            _state[e] = StateResolved;
            _stamp[e] = nowMs;
            _tries[e] = 0;
            _refreshSent[e] = false;
            return e;
        }

        /// <summary>Creates a pending entry for <paramref name="ip"/> (the caller sends the request).</summary>
        public int AddPending(uint ip, long nowMs)
        {
            int e = Allocate(nowMs);
            _ip[e] = ip;
            _state[e] = StatePending;
            _stamp[e] = nowMs;
            _lastUsed[e] = nowMs;
            _tries[e] = 1;
            return e;
        }

        /// <summary>
        /// Keeps a copy of the frame for a pending entry. Returns 0 when stored, 1 when it replaced
        /// an older pending frame for the same host, -1 when no slot was free.
        /// </summary>
        public int StorePending(int entry, byte[] frame, int offset, int length)
        {
            int result = 0;
            int slot = _pendingSlot[entry];
            if (slot >= 0)
            {
                result = 1;
            }
            else
            {
                for (int i = 0; i < _pendingUsed.Length; i++)
                {
                    if (!_pendingUsed[i])
                    {
                        slot = i;
                        break;
                    }
                }
                if (slot < 0 || length > _slotSize)
                {
                    return -1;
                }
                _pendingUsed[slot] = true;
                _pendingSlot[entry] = slot;
            }
            Array.Copy(frame, offset, _pendingData, slot * _slotSize, length);
            _pendingLength[slot] = length;
            return result;
        }

        /// <summary>Moves the pending frame of an entry into <paramref name="buffer"/>; returns its length or 0.</summary>
        public int TakePending(int entry, byte[] buffer, int offset)
        {
            int slot = _pendingSlot[entry];
            if (slot < 0)
            {
                return 0;
            }
            int n = _pendingLength[slot];
            Array.Copy(_pendingData, slot * _slotSize, buffer, offset, n);
            ReleaseSlot(entry);
            return n;
        }

        public const int DueNone = 0;
        public const int DueRetry = 1;
        public const int DueRefresh = 2;
        public const int DueGaveUp = 3;
        public const int DueGaveUpWithFrame = 4;

        /// <summary>
        /// Runs retries and aging, one action per call: the caller loops until DueNone.
        /// DueRetry/DueRefresh: send a request for <paramref name="ip"/> (a refresh goes unicast
        /// to the entry's MAC). DueGaveUp*: the entry ran out of tries and was freed (with its
        /// waiting packet, for the WithFrame variant).
        /// </summary>
        public int NextDue(long nowMs, int retryMs, int retries, int refreshMs, int expireMs, out int entry, out uint ip)
        {
            for (int i = 0; i < _ip.Length; i++)
            {
                entry = i;
                ip = _ip[i];
                if (_state[i] == StatePending && nowMs - _stamp[i] >= retryMs)
                {
                    if (_tries[i] >= retries)
                    {
                        bool hadFrame = _pendingSlot[i] >= 0;
                        Free(i);
                        return hadFrame ? DueGaveUpWithFrame : DueGaveUp;
                    }
                    _tries[i]++;
                    _stamp[i] = nowMs;
                    return DueRetry;
                }
                if (_state[i] == StateResolved)
                {
                    long age = nowMs - _stamp[i];
                    if (age >= expireMs)
                    {
                        Free(i);
                    }
                    else if (age >= refreshMs && !_refreshSent[i] && _lastUsed[i] > _stamp[i])
                    {
                        // Still in use: confirm it with a unicast request before it expires.
                        _refreshSent[i] = true;
                        return DueRefresh;
                    }
                }
            }
            entry = -1;
            ip = 0;
            return DueNone;
        }

        private int Allocate(long nowMs)
        {
            int victim = -1;
            for (int i = 0; i < _ip.Length; i++)
            {
                if (_state[i] == StateFree)
                {
                    return i;
                }
                // Least recently used resolved entry; pending ones are kept (they hold a packet).
                if (_state[i] == StateResolved && (victim < 0 || _lastUsed[i] < _lastUsed[victim]))
                {
                    victim = i;
                }
            }
            if (victim < 0)
            {
                victim = 0;
                for (int i = 1; i < _ip.Length; i++)
                {
                    if (_stamp[i] < _stamp[victim])
                    {
                        victim = i;
                    }
                }
            }
            Free(victim);
            return victim;
        }

        private void Free(int entry)
        {
            ReleaseSlot(entry);
            _state[entry] = StateFree;
            _ip[entry] = 0;
            _tries[entry] = 0;
            _refreshSent[entry] = false;
        }

        private void ReleaseSlot(int entry)
        {
            int slot = _pendingSlot[entry];
            if (slot >= 0)
            {
                _pendingUsed[slot] = false;
                _pendingSlot[entry] = -1;
            }
        }
    }
}
