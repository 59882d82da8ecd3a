using NanoTcp.Trace;

namespace NanoTcp.Iface
{
    /// <summary>
    /// A transport protocol above IPv4 plugged into the interface (TCP). The interface hands
    /// it packets whose IPv4 header is valid and whose destination is our unicast address,
    /// and polls it once per <c>Poll</c> for timers and output.
    /// </summary>
    public interface ITransportLayer
    {
        /// <summary>IP protocol number this layer takes (6 for TCP).</summary>
        int Protocol { get; }

        /// <summary>
        /// Processes one packet: buffer[offset, +length) is the transport header and payload.
        /// Returns None when the segment was accepted, otherwise why it was not — also when the
        /// layer answered it (an RST to a closed port, a challenge ACK, an ACK for an unacceptable
        /// segment), just as a UDP datagram to a closed port counts as "udp port-closed" though
        /// it is answered with ICMP. The interface counts and traces drops, so the layer does not.
        /// Must never throw.
        /// </summary>
        DropReason Input(uint source, uint destination, byte[] buffer, int offset, int length, long nowMs);

        /// <summary>Runs due timers and sends what is ready.</summary>
        void Poll(long nowMs);
        /// <summary>
        /// An ICMP error (destination unreachable, time exceeded) arrived quoting one of our datagrams of
        /// this protocol: b[ipOffset, +length) is the quoted IPv4 header and what follows it (at least 8
        /// bytes). <paramref name="nextHopMtu"/> is the MTU a "fragmentation needed" carries (RFC 1191), else 0.
        /// Must never throw.
        /// </summary>
        void IcmpError(int type, int code, int nextHopMtu, byte[] b, int ipOffset, int length, long nowMs);
        /// <summary>The interface's address changed from <paramref name="oldAddress"/> (0 = none) to <paramref name="newAddress"/>.</summary>
        void AddressChanged(uint oldAddress, uint newAddress, long nowMs);
    }
}
