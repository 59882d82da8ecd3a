using System;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Iface
{
    /// <summary>
    /// IPv4 reassembly (RFC 791 §3.2, RFC 1122 3.3.2) in one fixed slot: fragments of one datagram
    /// (source, destination, protocol, identification) are copied into a buffer of
    /// <see cref="InterfaceConfig.ReassemblyBytes"/>, and a bitmap of 8-byte blocks says which parts
    /// have arrived. When every block up to the last fragment's end is there, the whole datagram (a
    /// 20-byte header without fragment fields, then the payload) is handed on as if it had arrived in
    /// one frame. Every way it can fail is a counted drop: a fragment of another datagram while the slot
    /// is busy, a fragment reaching past the buffer, fragments that overlap (RFC 5722's rule, for IPv4
    /// too: the datagram is discarded, no favourite is picked), and the timeout.
    /// </summary>
    public sealed class Ipv4Reassembly
    {
        private readonly byte[] _buf;
        private readonly byte[] _have;
        private readonly int _timeoutMs;
        private bool _busy;
        private uint _src;
        private uint _dst;
        private int _protocol;
        private int _id;
        private int _totalPayload; // known once the last fragment (MF clear) has arrived, else -1
        private int _received;
        private long _startedMs;

        public Ipv4Reassembly(int payloadBytes, int timeoutMs)
        {
            _buf = new byte[Ipv4Packet.HeaderLength + payloadBytes];
            _have = new byte[(payloadBytes + 63) / 64];
            _timeoutMs = timeoutMs;
        }

        /// <summary>The reassembled datagram: header at 0, payload at 20.</summary>
        public byte[] Buffer { get { return _buf; } }
        /// <summary>Largest datagram payload it can rebuild.</summary>
        public int Capacity { get { return _buf.Length - Ipv4Packet.HeaderLength; } }
        public bool Busy { get { return _busy; } }
        public int FootprintBytes { get { return _buf.Length + _have.Length + 12 * 12; } }

        /// <summary>
        /// Takes the valid fragment at b[ipOffset] (its header checked by the caller). Returns None
        /// while the datagram is incomplete, a drop reason when the fragment (or the datagram) is
        /// dropped, and sets <paramref name="complete"/> when the whole datagram is in
        /// <see cref="Buffer"/> (total length <c>20 + payload</c>).
        /// </summary>
        public DropReason Add(byte[] b, int ipOffset, long nowMs, out bool complete)
        {
            complete = false;
            uint src = Ipv4Packet.Source(b, ipOffset);
            uint dst = Ipv4Packet.Destination(b, ipOffset);
            int protocol = Ipv4Packet.Protocol(b, ipOffset);
            int id = Ipv4Packet.Identification(b, ipOffset);
            int offset = Ipv4Packet.FragmentOffset(b, ipOffset);
            int length = Ipv4Packet.PayloadLength(b, ipOffset);
            bool more = Ipv4Packet.MoreFragments(b, ipOffset);
            if (_busy && !(src == _src && dst == _dst && protocol == _protocol && id == _id))
            {
                return DropReason.Ipv4ReassemblyBusy;
            }
            if (offset + length > Capacity || (more && (length & 7) != 0) || length == 0)
            {
                // Too big for the slot, or a non-final fragment that is not a multiple of 8 bytes.
                Discard();
                return DropReason.Ipv4FragmentTooBig;
            }
            if (!_busy)
            {
                _busy = true;
                _src = src;
                _dst = dst;
                _protocol = protocol;
                _id = id;
                _totalPayload = -1;
                _received = 0;
                _startedMs = nowMs;
                Array.Clear(_have, 0, _have.Length);
            }
            int first = offset >> 3;
            int last = (offset + length - 1) >> 3;
            for (int k = first; k <= last; k++)
            {
                if ((_have[k >> 3] & (1 << (k & 7))) != 0)
                {
                    Discard();
                    return DropReason.Ipv4FragmentOverlap;
                }
            }
            if (!more)
            {
                if (_totalPayload >= 0)
                {
                    Discard();
                    return DropReason.Ipv4FragmentOverlap; // two last fragments
                }
                _totalPayload = offset + length;
            }
            for (int k = first; k <= last; k++)
            {
                _have[k >> 3] |= (byte)(1 << (k & 7));
            }
            Array.Copy(b, Ipv4Packet.PayloadOffset(b, ipOffset), _buf, Ipv4Packet.HeaderLength + offset, length);
            _received += length;
            if (offset == 0)
            {
                // The first fragment's header stands for the datagram (options are not kept).
                Array.Copy(b, ipOffset, _buf, 0, Ipv4Packet.HeaderLength);
                _buf[0] = 0x45;
            }
            if (_totalPayload >= 0 && _received == _totalPayload)
            {
                int total = Ipv4Packet.HeaderLength + _totalPayload;
                NetworkOrder.WriteUInt16(_buf, 2, total);
                _buf[6] = 0;
                _buf[7] = 0;
                _buf[10] = 0;
                _buf[11] = 0;
                NetworkOrder.WriteUInt16(_buf, 10, Checksum.Compute(_buf, 0, Ipv4Packet.HeaderLength));
                _busy = false;
                complete = true;
            }
            else if (_totalPayload >= 0 && _received > _totalPayload)
            {
                Discard();
                return DropReason.Ipv4FragmentOverlap; // data past the datagram's end
            }
            return DropReason.None;
        }

        /// <summary>True (and the slot freed) when an incomplete datagram has waited too long (RFC 1122 3.3.2).</summary>
        public bool TimedOut(long nowMs)
        {
            if (_busy && nowMs - _startedMs >= _timeoutMs)
            {
                Discard();
                return true;
            }
            return false;
        }

        /// <summary>Source of the datagram being rebuilt (for the trace of a timeout).</summary>
        public uint Source { get { return _src; } }

        private void Discard()
        {
            _busy = false;
        }
    }
}
