using System;

namespace NanoTcp.Storage
{
    /// <summary>
    /// A fixed byte ring (smoltcp storage::RingBuffer). The send ring holds data from SND.UNA on
    /// (retransmission reads it with <see cref="Peek"/>, an ACK frees it with <see cref="Discard"/>);
    /// the receive ring holds in-order unread data and, past it, out-of-order bytes written with
    /// <see cref="WriteAt"/> and made readable with <see cref="Commit"/>. Every copy is at most two
    /// Array.Copy calls; nothing allocates after construction.
    /// </summary>
    public sealed class RingBuffer
    {
        private readonly byte[] _buf;
        private int _read;
        private int _count;

        public RingBuffer(int capacity)
        {
            _buf = new byte[capacity < 1 ? 1 : capacity];
        }

        public int Capacity { get { return _buf.Length; } }
        /// <summary>Readable (committed) bytes.</summary>
        public int Count { get { return _count; } }
        public int Free { get { return _buf.Length - _count; } }

        public void Clear()
        {
            _read = 0;
            _count = 0;
        }

        /// <summary>Appends up to <paramref name="length"/> bytes; returns how many were taken.</summary>
        public int Write(byte[] src, int offset, int length)
        {
            int n = length < Free ? length : Free;
            if (n <= 0)
            {
                return 0;
            }
            CopyIn(_count, src, offset, n);
            _count += n;
            return n;
        }

        /// <summary>Writes bytes at <paramref name="position"/> bytes from the read point without committing
        /// them (out-of-order data). Refuses (false, nothing written) anything that would reach past the
        /// ring's capacity or overwrite readable bytes.</summary>
        public bool WriteAt(int position, byte[] src, int offset, int length)
        {
            if (position < _count || length < 0 || position + length > _buf.Length)
            {
                return false;
            }
            if (length > 0)
            {
                CopyIn(position, src, offset, length);
            }
            return true;
        }

        /// <summary>Makes <paramref name="length"/> bytes already written past Count readable (never beyond Capacity).</summary>
        public void Commit(int length)
        {
            int n = _count + length;
            _count = n > _buf.Length ? _buf.Length : (n < _count ? _count : n);
        }

        /// <summary>Removes up to <paramref name="length"/> bytes into dst; returns how many.</summary>
        public int Read(byte[] dst, int offset, int length)
        {
            int n = Peek(0, dst, offset, length);
            Discard(n);
            return n;
        }

        /// <summary>Copies up to length readable bytes starting <paramref name="skip"/> bytes in, without removing them.</summary>
        public int Peek(int skip, byte[] dst, int offset, int length)
        {
            int avail = _count - skip;
            int n = length < avail ? length : avail;
            if (n <= 0)
            {
                return 0;
            }
            int cap = _buf.Length;
            int start = _read + skip;
            if (start >= cap) start -= cap;
            int first = cap - start;
            if (first >= n)
            {
                Array.Copy(_buf, start, dst, offset, n);
            }
            else
            {
                Array.Copy(_buf, start, dst, offset, first);
                Array.Copy(_buf, 0, dst, offset + first, n - first);
            }
            return n;
        }

        /// <summary>Drops up to length bytes from the front (acknowledged or consumed).</summary>
        public int Discard(int length)
        {
            int n = length < _count ? length : _count;
            if (n <= 0)
            {
                return 0;
            }
            _read += n;
            if (_read >= _buf.Length) _read -= _buf.Length;
            _count -= n;
            return n;
        }

        /// <summary>When empty, moves the read point to 0 so the next writes are contiguous (fewer split
        /// copies). Not called while out-of-order bytes sit past Count: they are placed relative to it.</summary>
        public void CompactIfEmpty()
        {
            if (_count == 0)
            {
                _read = 0;
            }
        }

        private void CopyIn(int position, byte[] src, int offset, int n)
        {
            int cap = _buf.Length;
            int start = _read + position;
            if (start >= cap) start -= cap;
            int first = cap - start;
            if (first >= n)
            {
                Array.Copy(src, offset, _buf, start, n);
            }
            else
            {
                Array.Copy(src, offset, _buf, start, first);
                Array.Copy(src, offset + first, _buf, 0, n - first);
            }
        }
    }
}
