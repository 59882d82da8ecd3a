namespace NanoTcp.Phy
{
    /// <summary>
    /// A frame-level network device: the ENC28J60 driver, an in-memory link, a fault
    /// injector wrapped around either. Frames are Ethernet II without preamble and FCS.
    /// Devices never allocate per frame and never throw for bad frames.
    /// </summary>
    public interface INetworkDevice
    {
        /// <summary>Largest frame (header + payload, no FCS) the device carries, normally 1514.</summary>
        int MaxFrameLength { get; }

        /// <summary>True while the device has a link (always true for in-memory links).</summary>
        bool LinkUp { get; }

        /// <summary>
        /// Copies the next received frame into <paramref name="buffer"/> at
        /// <paramref name="offset"/> and returns its length, or 0 when no frame is pending.
        /// A frame longer than <paramref name="capacity"/> is discarded by the device, never truncated.
        /// </summary>
        int Receive(byte[] buffer, int offset, int capacity, long nowMs);

        /// <summary>Sends one frame. Returns false when the device could not take it.</summary>
        bool Transmit(byte[] buffer, int offset, int length, long nowMs);
    }
}
