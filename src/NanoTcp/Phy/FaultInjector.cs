using System;

namespace NanoTcp.Phy
{
    /// <summary>
    /// Wraps any <see cref="INetworkDevice"/> and damages the frames passing through it, in
    /// both directions: random loss, duplication, reordering, delay and bit corruption (rates
    /// in per-mille), plus targeted drops of frames chosen by an <see cref="IFrameFilter"/>.
    /// Seeded (<see cref="Rand"/>), so a run is reproducible on the host and on a board.
    /// Held and delayed frames live in preallocated queues; nothing is allocated per frame. The
    /// queues can also be reserved later (<see cref="ReserveQueues"/>): a board whose lab only ever
    /// drops targeted frames, which needs no queue, then never spends RAM on them.
    /// </summary>
    public sealed class FaultInjector : INetworkDevice
    {
        private readonly INetworkDevice _inner;
        private readonly Rand _rand;
        private readonly int _transmitFrames;
        private readonly int _receiveFrames;
        // Null until the queues are reserved; frames pass straight through until then.
        private Direction _tx;
        private Direction _rx;
        private byte[] _scratch;

        public FaultInjector(INetworkDevice inner, uint seed) : this(inner, seed, 64)
        {
        }

        public FaultInjector(INetworkDevice inner, uint seed, int queueFrames) : this(inner, seed, queueFrames, queueFrames)
        {
        }

        /// <summary>Queues sized per direction (a board that only delays what it sends needs one receive slot).</summary>
        public FaultInjector(INetworkDevice inner, uint seed, int transmitFrames, int receiveFrames)
            : this(inner, seed, transmitFrames, receiveFrames, true)
        {
        }

        /// <param name="reserveNow">false: the queues are allocated by <see cref="ReserveQueues"/>, or
        /// by the first frame that needs one (a random fault or a delay armed)</param>
        public FaultInjector(INetworkDevice inner, uint seed, int transmitFrames, int receiveFrames, bool reserveNow)
        {
            _inner = inner;
            _rand = new Rand(seed);
            _transmitFrames = transmitFrames < 1 ? 1 : transmitFrames;
            _receiveFrames = receiveFrames < 1 ? 1 : receiveFrames;
            FaultsOnTransmit = true;
            FaultsOnReceive = true;
            if (reserveNow)
            {
                ReserveQueues();
            }
        }

        /// <summary>
        /// Allocates the delay and reorder queues of both directions if they are not allocated yet
        /// (throws OutOfMemoryException when the heap cannot hold <see cref="QueueBytes"/>).
        /// </summary>
        public void ReserveQueues()
        {
            ReserveTransmit();
            ReserveReceive();
        }

        /// <summary>Allocates the transmit direction's queue alone (all that a transmit-only delay needs).</summary>
        public void ReserveTransmit()
        {
            if (_tx == null)
            {
                _tx = new Direction(_transmitFrames, _inner.MaxFrameLength);
            }
        }

        private void ReserveReceive()
        {
            if (_rx == null)
            {
                byte[] scratch = new byte[_inner.MaxFrameLength];
                _rx = new Direction(_receiveFrames, _inner.MaxFrameLength);
                _scratch = scratch;
            }
        }

        /// <summary>True once the queues of both directions are allocated.</summary>
        public bool QueuesReserved { get { return _tx != null && _rx != null; } }

        /// <summary>True once the transmit direction's queue is allocated.</summary>
        public bool TransmitReserved { get { return _tx != null; } }

        /// <summary>What the transmit direction's queue and held frame take once allocated, bytes.</summary>
        public int TransmitBytes { get { return DirectionBytes(_transmitFrames); } }

        /// <summary>What the queues and buffers of both directions take once allocated, bytes.</summary>
        public int QueueBytes
        {
            get { return DirectionBytes(_transmitFrames) + DirectionBytes(_receiveFrames) + _inner.MaxFrameLength; }
        }

        private int DirectionBytes(int frames)
        {
            return FrameQueue.FootprintFor(frames, _inner.MaxFrameLength) + _inner.MaxFrameLength;
        }

        /// <summary>Per-mille chance that a frame is lost.</summary>
        public int DropPerMille;
        /// <summary>Per-mille chance that a frame is delivered twice.</summary>
        public int DuplicatePerMille;
        /// <summary>Per-mille chance that a frame is held back and delivered after the next one.</summary>
        public int ReorderPerMille;
        /// <summary>Per-mille chance that one bit of an IPv4 frame is flipped (past the Ethernet header).</summary>
        public int CorruptPerMille;
        /// <summary>Fixed delay added to every frame, milliseconds.</summary>
        public int DelayMs;
        /// <summary>Random extra delay in [0, JitterMs] (keeps order: frames leave a FIFO).</summary>
        public int JitterMs;
        /// <summary>How long a reordered frame waits for a successor before it goes anyway.</summary>
        public int ReorderHoldMs = 50;
        /// <summary>Extra delay for transmitted frames only, milliseconds (the board's `lab delay`).</summary>
        public int TransmitDelayMs;
        public bool FaultsOnTransmit;
        public bool FaultsOnReceive;
        /// <summary>Whether targeted drops also apply to received frames (true by default).</summary>
        public bool TargetedDropsOnReceive = true;

        /// <summary>Frames matching this filter are dropped while <see cref="TargetedDrops"/> &gt; 0 (both directions).</summary>
        public IFrameFilter DropFilter;
        public int TargetedDrops;

        // What happened, for tests and the console.
        public long Passed;
        public long Dropped;
        public long Duplicated;
        public long Reordered;
        public long Corrupted;
        /// <summary>Frames lost to a full queue: the injector's own, or the device's behind it when a delayed frame is due.</summary>
        public long Overflowed;

        public INetworkDevice Inner { get { return _inner; } }

        public int MaxFrameLength { get { return _inner.MaxFrameLength; } }

        public bool LinkUp { get { return _inner.LinkUp; } }

        /// <summary>Frames the transmit queue holds (delayed frames beyond that are lost and counted as Overflowed).</summary>
        public int TransmitQueueFrames { get { return _transmitFrames; } }

        /// <summary>Footprint of the queues and buffers allocated now, bytes (0 before they are reserved).</summary>
        public int FootprintBytes
        {
            get { return (_tx == null ? 0 : DirectionBytes(_transmitFrames)) + (_rx == null ? 0 : DirectionBytes(_receiveFrames) + _scratch.Length); }
        }

        /// <summary>
        /// True when a direction whose faults are <paramref name="on"/> damages or delays frames: delay and
        /// jitter are faults like the rest, so a direction with its faults off passes frames straight on
        /// (with a queue there, a burst beyond its size would be lost on a direction meant to be clean).
        /// </summary>
        private bool FaultsArmed(bool on)
        {
            return on && (DropPerMille != 0 || DuplicatePerMille != 0 || ReorderPerMille != 0 || CorruptPerMille != 0
                || DelayMs != 0 || JitterMs != 0);
        }

        public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
        {
            if ((_tx == null || (_tx.Queue.Count == 0 && _tx.HeldLength == 0)) && TransmitDelayMs == 0 && !FaultsArmed(FaultsOnTransmit))
            {
                // Nothing armed but (perhaps) a targeted drop: the frame goes straight to the device,
                // which keeps its own answer (a refused frame stays refused).
                if (TakeTargetedDrop(true, buffer, offset, length))
                {
                    return true;
                }
                Passed++;
                return _inner.Transmit(buffer, offset, length, nowMs);
            }
            ReserveTransmit();
            Admit(_tx, buffer, offset, length, nowMs, FaultsOnTransmit);
            FlushTransmit(nowMs);
            return true;
        }

        public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
        {
            if (_tx != null)
            {
                FlushTransmit(nowMs);
            }
            if ((_rx == null || (_rx.Queue.Count == 0 && _rx.HeldLength == 0)) && !FaultsArmed(FaultsOnReceive))
            {
                while (true)
                {
                    int got = _inner.Receive(buffer, offset, capacity, nowMs);
                    if (got <= 0)
                    {
                        return got;
                    }
                    if (TakeTargetedDrop(false, buffer, offset, got))
                    {
                        continue;
                    }
                    Passed++;
                    return got;
                }
            }
            ReserveReceive();
            // Pull everything the inner device has into the receive-side queue, damaging it on the way.
            while (true)
            {
                int n = _inner.Receive(_scratch, 0, _scratch.Length, nowMs);
                if (n <= 0)
                {
                    break;
                }
                Admit(_rx, _scratch, 0, n, nowMs, FaultsOnReceive);
            }
            ReleaseHeld(_rx, nowMs, false);
            while (_rx.Queue.Count > 0 && _rx.Queue.HeadDue <= nowMs)
            {
                int n = _rx.Queue.Dequeue(buffer, offset, capacity);
                if (n > 0)
                {
                    return n;
                }
            }
            return 0;
        }

        /// <summary>Earliest time a held or delayed frame is due, long.MaxValue when none (for callers that sleep).</summary>
        public long NextDueMs
        {
            get
            {
                long t = long.MaxValue;
                if (_tx != null)
                {
                    t = _tx.Queue.HeadDue;
                    if (_tx.HeldLength > 0 && _tx.HeldUntil < t) t = _tx.HeldUntil;
                }
                if (_rx != null)
                {
                    if (_rx.Queue.HeadDue < t) t = _rx.Queue.HeadDue;
                    if (_rx.HeldLength > 0 && _rx.HeldUntil < t) t = _rx.HeldUntil;
                }
                return t;
            }
        }

        private void FlushTransmit(long nowMs)
        {
            ReleaseHeld(_tx, nowMs, false);
            while (_tx.Queue.Count > 0 && _tx.Queue.HeadDue <= nowMs)
            {
                if (!_tx.Queue.TransmitHead(_inner, nowMs))
                {
                    Overflowed++; // the device behind refused it: lost, as on a full wire
                }
            }
        }

        /// <summary>True (and counted) when this frame is one of the targeted drops still due.</summary>
        private bool TakeTargetedDrop(bool transmit, byte[] buffer, int offset, int length)
        {
            if (TargetedDrops <= 0 || DropFilter == null || (!transmit && !TargetedDropsOnReceive)
                || !DropFilter.Matches(buffer, offset, length))
            {
                return false;
            }
            TargetedDrops--;
            Dropped++;
            return true;
        }

        private void Admit(Direction d, byte[] buffer, int offset, int length, long nowMs, bool faults)
        {
            if (TakeTargetedDrop(d == _tx, buffer, offset, length))
            {
                return;
            }
            if (!faults)
            {
                Enqueue(d, buffer, offset, length, nowMs, false);
                return;
            }
            if (_rand.ChancePerMille(DropPerMille))
            {
                Dropped++;
                return;
            }
            if (_rand.ChancePerMille(CorruptPerMille) && length > CorruptFrom && IsIpv4(buffer, offset, length))
            {
                // Only bytes an Internet checksum covers: on real Ethernet the frame check
                // sequence discards damaged frames, and ARP, which has no checksum of its
                // own, would otherwise learn a corrupted address.
                int bit = _rand.Next((length - CorruptFrom) * 8);
                buffer[offset + CorruptFrom + bit / 8] ^= (byte)(1 << (bit % 8));
                Corrupted++;
            }
            int copies = _rand.ChancePerMille(DuplicatePerMille) ? 2 : 1;
            if (copies == 2)
            {
                Duplicated++;
            }
            for (int c = 0; c < copies; c++)
            {
                if (d.HeldLength == 0 && _rand.ChancePerMille(ReorderPerMille))
                {
                    d.Hold(buffer, offset, length, nowMs + ReorderHoldMs);
                    Reordered++;
                    continue;
                }
                Enqueue(d, buffer, offset, length, nowMs, true);
                // The held frame goes right after the one that overtook it.
                if (d.HeldLength > 0)
                {
                    ReleaseHeld(d, nowMs, true);
                }
            }
        }

        private const int CorruptFrom = 14;

        private static bool IsIpv4(byte[] b, int offset, int length)
        {
            return length > 14 && b[offset + 12] == 0x08 && b[offset + 13] == 0x00;
        }

        private void Enqueue(Direction d, byte[] buffer, int offset, int length, long nowMs, bool faults)
        {
            long due = nowMs + (d == _tx ? TransmitDelayMs : 0);
            if (faults)
            {
                due += DelayMs + (JitterMs > 0 ? _rand.Next(JitterMs + 1) : 0);
            }
            // A FIFO never lets a later frame leave before an earlier one: jitter cannot reorder.
            if (d.Queue.Count > 0 && due < d.LastDue)
            {
                due = d.LastDue;
            }
            if (!d.Queue.Enqueue(buffer, offset, length, due))
            {
                Overflowed++;
                return;
            }
            d.LastDue = due;
            Passed++;
        }

        private void ReleaseHeld(Direction d, long nowMs, bool now)
        {
            if (d.HeldLength > 0 && (now || d.HeldUntil <= nowMs))
            {
                int n = d.HeldLength;
                d.HeldLength = 0;
                Enqueue(d, d.Held, 0, n, nowMs, true); // only faults hold a frame back
            }
        }

        private sealed class Direction
        {
            internal readonly FrameQueue Queue;
            internal readonly byte[] Held;
            internal int HeldLength;
            internal long HeldUntil;
            internal long LastDue;

            internal Direction(int frames, int maxFrame)
            {
                Queue = new FrameQueue(frames, maxFrame);
                Held = new byte[maxFrame];
            }

            internal void Hold(byte[] buffer, int offset, int length, long until)
            {
                Array.Copy(buffer, offset, Held, 0, length);
                HeldLength = length;
                HeldUntil = until;
            }
        }
    }
}
