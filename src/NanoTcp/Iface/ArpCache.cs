using System;

namespace NanoTcp.Iface
{
    /// <summary>
    /// The neighbour table: a fixed number of IPv4 → MAC entries (RFC 826), with aging and
    /// refresh, plus a small pool of frame slots that keep the first outgoing packet to a
    /// host while its address is being resolved (uIP and smoltcp drop that packet; here it
    /// leaves as soon as the reply arrives). Timers run from <see cref="NetInterface.Poll"/>.
    /// <para>
    /// It protects the neighbours the board talks to (RFC 1122 §2.3.2.2 asks that a flood cannot
    /// take the cache): an entry <i>in use</i> — used for sending within the last InUseMs, or the
    /// gateway — is never evicted, neither for a pending entry nor for one learned from a stranger's
    /// request; pending entries (addresses being asked for) have their own quota, so a flood of
    /// spoofed sources costs only other pending or unused entries. A different MAC claimed for an
    /// entry in use is not adopted at once: it is held while the old MAC is asked with a unicast
    /// request, refused if the old MAC answers, adopted if it has not answered ArpRetryMs later.
    /// </para>
    /// </summary>
    public sealed class ArpCache
    {
        public const int StateFree = 0;
        public const int StatePending = 1;
        public const int StateResolved = 2;

        /// <summary>A time long past, without overflow in now − time.</summary>
        private const long Never = long.MinValue / 4;

        private readonly uint[] _ip;
        private readonly byte[] _mac;
        private readonly int[] _state;
        /// <summary>Resolved: when last confirmed by an ARP packet. Pending: when the last request was due.</summary>
        private readonly long[] _stamp;
        /// <summary>When a packet was last sent through the entry (Never: not since it was learned).</summary>
        private readonly long[] _lastUsed;
        /// <summary>When the last request (broadcast, refresh or check of the old MAC) for the address was due.</summary>
        private readonly long[] _lastRequest;
        private readonly int[] _tries;
        private readonly int[] _pendingSlot;

        // A different MAC claimed for an entry in use, held until the old MAC has had its chance.
        private readonly bool[] _hasClaim;
        private readonly byte[] _claimMac;
        /// <summary>When the old MAC was asked about the claim (Never: not yet).</summary>
        private readonly long[] _claimCheckedAt;

        private readonly byte[] _pendingData;
        private readonly int[] _pendingLength;
        private readonly bool[] _pendingUsed;
        private readonly int _slotSize;
        private readonly int _pendingQuota;
        private readonly int _inUseMs;

        // NextDue's verdict "nothing is due before _quietUntil", valid until an entry changes (every
        // change below resets it) for the same timings (the interface passes its configuration's at
        // every Poll): an idle Poll then skips the scan of the table, which costs the interpreter more
        // than the rest of the idle Poll. One field: the board's heap has little room to spare.
        private long _quietUntil = long.MinValue;

        /// <param name="entries">table size</param>
        /// <param name="pendingEntries">at most this many entries wait for a reply at once</param>
        /// <param name="pendingFrames">frame slots for the first packet to an unresolved address</param>
        /// <param name="frameSize">bytes of one frame slot</param>
        /// <param name="inUseMs">an entry used for sending within this long is in use (protected)</param>
        public ArpCache(int entries, int pendingEntries, int pendingFrames, int frameSize, int inUseMs)
        {
            _ip = new uint[entries];
            _mac = new byte[entries * 6];
            _state = new int[entries];
            _stamp = new long[entries];
            _lastUsed = new long[entries];
            _lastRequest = new long[entries];
            _tries = new int[entries];
            _pendingSlot = new int[entries];
            _hasClaim = new bool[entries];
            _claimMac = new byte[entries * 6];
            _claimCheckedAt = new long[entries];
            _pendingData = new byte[pendingFrames * frameSize];
            _pendingLength = new int[pendingFrames];
            _pendingUsed = new bool[pendingFrames];
            _slotSize = frameSize;
            _pendingQuota = pendingEntries < 1 ? 1 : pendingEntries;
            _inUseMs = inUseMs;
            for (int i = 0; i < entries; i++)
            {
                _pendingSlot[i] = -1;
                Free(i);
            }
        }

        public int Capacity { get { return _ip.Length; } }

        /// <summary>Entries that may wait for a reply at once.</summary>
        public int PendingQuota { get { return _pendingQuota; } }

        /// <summary>The gateway's address: its entry is always protected (set by the interface).</summary>
        public uint Gateway;

        public int FootprintBytes
        {
            get
            {
                return _ip.Length * (4 + 6 + 4 + 8 + 8 + 8 + 4 + 4 + 1 + 6 + 8)
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
        /// <summary>A different MAC is claimed for the entry and held while the old one is checked.</summary>
        public bool HasClaim(int entry) { return _hasClaim[entry]; }
        /// <summary>The held MAC of <see cref="HasClaim"/>, at ClaimOffsetOf(entry) in ClaimTable.</summary>
        public byte[] ClaimTable { get { return _claimMac; } }
        public int ClaimOffsetOf(int entry) { return entry * 6; }

        /// <summary>In use: the gateway, or used for sending within InUseMs. Never evicted, its MAC never replaced at once.</summary>
        public bool IsProtected(int entry, long nowMs)
        {
            return _state[entry] == StateResolved && (_ip[entry] == Gateway || nowMs - _lastUsed[entry] < _inUseMs);
        }

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

        /// <summary>A packet was sent through the entry: it is in use.</summary>
        public void Touch(int entry, long nowMs)
        {
            if (_lastUsed[entry] <= _stamp[entry])
            {
                _quietUntil = long.MinValue; // the entry becomes one to refresh: NextDue looks again
            }
            _lastUsed[entry] = nowMs;
        }

        /// <summary>
        /// Sets a mapping without any check (a neighbour known in advance: the lab's two stacks, tests).
        /// Returns the entry, or -1 when every entry is protected or pending.
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
                e = Allocate(false, nowMs);
                if (e < 0)
                {
                    return -1;
                }
                _ip[e] = ip;
            }
            Resolve(e, mac, macOffset, nowMs);
            return e;
        }

        // What an ARP packet from a neighbour did to the table (Heard).
        /// <summary>No entry for the sender, and none was made (not addressed to us, or a reply).</summary>
        public const int HeardUnknown = 0;
        /// <summary>A new entry from a request addressed to us.</summary>
        public const int HeardLearned = 1;
        /// <summary>No entry could be made: every entry is in use or pending.</summary>
        public const int HeardNoRoom = 2;
        /// <summary>A pending entry is resolved: its waiting packet can go.</summary>
        public const int HeardResolved = 3;
        /// <summary>The same MAC again: the entry is confirmed.</summary>
        public const int HeardConfirmed = 4;
        /// <summary>The old MAC answered while another was claimed: the claim is refused.</summary>
        public const int HeardClaimRefused = 5;
        /// <summary>A new MAC for an entry not in use: adopted at once (RFC 826 merge).</summary>
        public const int HeardChanged = 6;
        /// <summary>A new MAC for an entry in use: held; the old MAC is asked (NextDue: DueCheckOldMac).</summary>
        public const int HeardClaimHeld = 7;
        /// <summary>Another packet of a claim already held (its MAC replaces the held one).</summary>
        public const int HeardClaimAgain = 8;

        /// <summary>
        /// An ARP packet from <paramref name="ip"/> with sender MAC <paramref name="mac"/>: the RFC 826
        /// merge, with the protection of entries in use. A new entry is made only when
        /// <paramref name="create"/> (a request addressed to us), and only in place of a free, unused
        /// or idle entry. Returns one of the Heard* codes; <paramref name="entry"/> is the entry or -1.
        /// </summary>
        public int Heard(uint ip, byte[] mac, int macOffset, long nowMs, bool create, out int entry)
        {
            _quietUntil = long.MinValue;
            int e = Find(ip);
            entry = e;
            if (e < 0)
            {
                if (!create)
                {
                    return HeardUnknown;
                }
                e = Allocate(false, nowMs);
                if (e < 0)
                {
                    return HeardNoRoom;
                }
                _ip[e] = ip;
                Resolve(e, mac, macOffset, nowMs);
                entry = e;
                return HeardLearned;
            }
            if (_state[e] == StatePending)
            {
                Resolve(e, mac, macOffset, nowMs);
                return HeardResolved;
            }
            if (Wire.MacAddress.Equal(_mac, e * 6, mac, macOffset))
            {
                _stamp[e] = nowMs;
                _tries[e] = 0;
                if (_hasClaim[e])
                {
                    _hasClaim[e] = false;
                    return HeardClaimRefused;
                }
                return HeardConfirmed;
            }
            if (!IsProtected(e, nowMs))
            {
                Array.Copy(mac, macOffset, _mac, e * 6, 6);
                _stamp[e] = nowMs;
                _tries[e] = 0;
                _hasClaim[e] = false;
                return HeardChanged;
            }
            Array.Copy(mac, macOffset, _claimMac, e * 6, 6);
            if (_hasClaim[e])
            {
                return HeardClaimAgain;
            }
            _hasClaim[e] = true;
            _claimCheckedAt[e] = Never;
            return HeardClaimHeld;
        }

        /// <summary>True when a new address could get a pending entry now (quota and a free or unused entry).</summary>
        public bool CanAddPending(long nowMs)
        {
            return PendingCount() < _pendingQuota && Victim(nowMs) >= 0;
        }

        /// <summary>
        /// Creates a pending entry for <paramref name="ip"/> (the caller sends the request). -1 when the
        /// pending quota is reached or every other entry is in use or pending.
        /// </summary>
        public int AddPending(uint ip, long nowMs)
        {
            int e = Allocate(true, nowMs);
            if (e < 0)
            {
                return -1;
            }
            _quietUntil = long.MinValue;
            _ip[e] = ip;
            _state[e] = StatePending;
            _stamp[e] = nowMs;
            _lastRequest[e] = nowMs;
            _lastUsed[e] = nowMs;
            _tries[e] = 1;
            return e;
        }

        /// <summary>Frees an entry (a pending one whose request could not be sent).</summary>
        public void Forget(int entry)
        {
            Free(entry);
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
        /// <summary>Ask the old MAC of an entry with a held claim (unicast request to it).</summary>
        public const int DueCheckOldMac = 5;
        /// <summary>The old MAC did not answer the check in time: the claimed MAC was adopted.</summary>
        public const int DueClaimAdopted = 6;

        /// <summary>
        /// Runs retries, aging and held claims, one action per call: the caller loops until DueNone.
        /// DueRetry/DueRefresh/DueCheckOldMac: send a request for <paramref name="ip"/> (a refresh and a
        /// check go unicast to the entry's MAC); the schedule has advanced as if it was sent, so a request
        /// the caller holds back (rate limit) is not asked for again. DueGaveUp*: the entry ran out of
        /// tries and was freed (with its waiting packet, for the WithFrame variant). Requests for one
        /// address are at least <paramref name="retryMs"/> apart.
        /// </summary>
        public int NextDue(long nowMs, int retryMs, int retries, int refreshMs, int expireMs, out int entry, out uint ip)
        {
            if (nowMs < _quietUntil)
            {
                entry = -1;
                ip = 0;
                return DueNone;
            }
            // The earliest time any condition below can hold, for the entries as they are.
            long quiet = long.MaxValue;
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
                    _lastRequest[i] = nowMs;
                    return DueRetry;
                }
                if (_state[i] == StatePending)
                {
                    quiet = Earlier(quiet, _stamp[i] + retryMs);
                    continue;
                }
                if (_state[i] != StateResolved)
                {
                    continue;
                }
                if (_hasClaim[i])
                {
                    if (_claimCheckedAt[i] == Never)
                    {
                        if (nowMs - _lastRequest[i] >= retryMs)
                        {
                            _claimCheckedAt[i] = nowMs;
                            _lastRequest[i] = nowMs;
                            return DueCheckOldMac;
                        }
                    }
                    else if (nowMs - _claimCheckedAt[i] >= retryMs)
                    {
                        // The old MAC had its chance and said nothing: the neighbour has moved.
                        Array.Copy(_claimMac, i * 6, _mac, i * 6, 6);
                        _hasClaim[i] = false;
                        _stamp[i] = nowMs;
                        _tries[i] = 0;
                        return DueClaimAdopted;
                    }
                    quiet = Earlier(quiet, (_claimCheckedAt[i] == Never ? _lastRequest[i] : _claimCheckedAt[i]) + retryMs);
                }
                long age = nowMs - _stamp[i];
                if (age >= expireMs)
                {
                    Free(i);
                    continue;
                }
                else if (age >= refreshMs && _lastUsed[i] > _stamp[i] && _tries[i] < retries && nowMs - _lastRequest[i] >= retryMs)
                {
                    // Still in use: confirm it with unicast requests (up to `retries`, one per retryMs) before it expires.
                    _tries[i]++;
                    _lastRequest[i] = nowMs;
                    return DueRefresh;
                }
                quiet = Earlier(quiet, _stamp[i] + expireMs);
                if (_tries[i] < retries && _lastUsed[i] > _stamp[i])
                {
                    long refresh = _stamp[i] + refreshMs;
                    long nextRequest = _lastRequest[i] + retryMs;
                    quiet = Earlier(quiet, refresh > nextRequest ? refresh : nextRequest);
                }
            }
            _quietUntil = quiet;
            entry = -1;
            ip = 0;
            return DueNone;
        }

        private static long Earlier(long a, long b)
        {
            return b < a ? b : a;
        }

        private void Resolve(int e, byte[] mac, int macOffset, long nowMs)
        {
            _quietUntil = long.MinValue;
            Array.Copy(mac, macOffset, _mac, e * 6, 6);
            _state[e] = StateResolved;
            _stamp[e] = nowMs;
            _tries[e] = 0;
            _hasClaim[e] = false;
        }

        private int PendingCount()
        {
            int n = 0;
            for (int i = 0; i < _state.Length; i++)
            {
                if (_state[i] == StatePending)
                {
                    n++;
                }
            }
            return n;
        }

        /// <summary>A free entry, else the resolved entry idle longest that is not in use; -1 when none.</summary>
        private int Victim(long nowMs)
        {
            int victim = -1;
            long victimActive = 0;
            for (int i = 0; i < _ip.Length; i++)
            {
                if (_state[i] == StateFree)
                {
                    return i;
                }
                if (_state[i] != StateResolved || IsProtected(i, nowMs))
                {
                    continue;
                }
                long active = _lastUsed[i] > _stamp[i] ? _lastUsed[i] : _stamp[i];
                if (victim < 0 || active < victimActive)
                {
                    victim = i;
                    victimActive = active;
                }
            }
            return victim;
        }

        private int Allocate(bool forPending, long nowMs)
        {
            if (forPending && PendingCount() >= _pendingQuota)
            {
                return -1;
            }
            int victim = Victim(nowMs);
            if (victim >= 0)
            {
                Free(victim);
            }
            return victim;
        }

        private void Free(int entry)
        {
            _quietUntil = long.MinValue;
            ReleaseSlot(entry);
            _state[entry] = StateFree;
            _ip[entry] = 0;
            _tries[entry] = 0;
            _hasClaim[entry] = false;
            _lastUsed[entry] = Never;
            _lastRequest[entry] = Never;
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
