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
        /// Returns None when the packet was used (including answered with RST or ACK), or the
        /// drop reason; the interface counts and traces drops, so the layer does not.
        /// Must never throw.
        /// </summary>
        DropReason Input(uint source, uint destination, byte[] buffer, int offset, int length, long nowMs);

        /// <summary>Runs due timers and sends what is ready.</summary>
        void Poll(long nowMs);
    }
}
