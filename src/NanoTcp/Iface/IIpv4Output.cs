using NanoTcp.Trace;

namespace NanoTcp.Iface
{
    /// <summary>
    /// The interface's transmit side as a transport layer (TCP) sees it. The transport
    /// writes its header and payload into <see cref="TxBuffer"/> at
    /// <see cref="TransportOffset"/>, computes its checksum, then calls
    /// <see cref="SendIpv4"/>, which adds the IPv4 and Ethernet headers, resolves the next
    /// hop with ARP (keeping the packet while the reply is awaited) and transmits.
    /// </summary>
    public interface IIpv4Output
    {
        /// <summary>Our address, 0 while unconfigured (DHCP not bound yet).</summary>
        uint LocalAddress { get; }

        byte[] TxBuffer { get; }

        int TransportOffset { get; }

        /// <summary>Largest transport header + payload one frame carries (MTU − 20).</summary>
        int MaxTransportLength { get; }

        /// <summary>
        /// Sends TxBuffer[TransportOffset, +transportLength) to <paramref name="destination"/>.
        /// Returns None when the packet was transmitted or queued awaiting ARP; otherwise the
        /// reason it was not (already counted and traced by the interface).
        /// </summary>
        DropReason SendIpv4(uint destination, int protocol, int transportLength, long nowMs);
    }
}
