using System;

namespace NanoTcp.Phy
{
    /// <summary>
    /// A fixed-capacity FIFO of frames in one preallocated byte array (slot per frame),
    /// each with a release time so that it can also model delay. No allocation after construction.
    /// </summary>
    public sealed class FrameQueue
    {
        private readonly byte[] _data;
        private readonly int[] _lengths;
        private readonly long[] _due;
        private readonly int _slotSize;
        private int _head;
        private int _count;

        public FrameQueue(int slots, int slotSize)
        {
            _data = new byte[slots * slotSize];
            _lengths = new int[slots];
            _due = new long[slots];
            _slotSize = slotSize;
        }

        public int Count { get { return _count; } }
        public int Capacity { get { return _lengths.Length; } }
        public int SlotSize { get { return _slotSize; } }
        public int FootprintBytes { get { return FootprintFor(_lengths.Length, _slotSize); } }

        /// <summary>Bytes a queue of <paramref name="slots"/> frames of <paramref name="slotSize"/> bytes takes.</summary>
        public static int FootprintFor(int slots, int slotSize)
        {
            return slots * slotSize + slots * 4 + slots * 8;
        }

        /// <summary>Appends a frame that becomes available at <paramref name="dueMs"/>. False when full or too long.</summary>
        public bool Enqueue(byte[] buffer, int offset, int length, long dueMs)
        {
            if (_count == _lengths.Length || length > _slotSize || length < 0)
            {
                return false;
            }
            int slot = (_head + _count) % _lengths.Length;
            Array.Copy(buffer, offset, _data, slot * _slotSize, length);
            _lengths[slot] = length;
            _due[slot] = dueMs;
            _count++;
            return true;
        }

        /// <summary>Release time of the head frame; long.MaxValue when empty.</summary>
        public long HeadDue
        {
            get { return _count == 0 ? long.MaxValue : _due[_head]; }
        }

        /// <summary>
        /// Transmits the head frame on <paramref name="device"/> straight from its slot and removes it; false
        /// when empty, or when the device refused the frame (it is removed all the same: a busy wire loses it).
        /// </summary>
        public bool TransmitHead(INetworkDevice device, long nowMs)
        {
            if (_count == 0)
            {
                return false;
            }
            int slot = _head;
            _head = (_head + 1) % _lengths.Length;
            _count--;
            return device.Transmit(_data, slot * _slotSize, _lengths[slot], nowMs);
        }

        /// <summary>Copies the head frame out and removes it; returns its length (0 when empty).
        /// A frame longer than capacity is removed and -1 returned.</summary>
        public int Dequeue(byte[] buffer, int offset, int capacity)
        {
            if (_count == 0)
            {
                return 0;
            }
            int length = _lengths[_head];
            if (length <= capacity)
            {
                Array.Copy(_data, _head * _slotSize, buffer, offset, length);
            }
            else
            {
                length = -1;
            }
            _head = (_head + 1) % _lengths.Length;
            _count--;
            return length;
        }
    }
}
