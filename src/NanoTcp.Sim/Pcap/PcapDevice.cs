using NanoTcp.Phy;

namespace NanoTcp.Sim.Pcap;

/// <summary>
/// A device decorator that records every frame passing through it, both directions, into
/// a pcap file (smoltcp's PcapWriter device). Put it where a capture would sit on the wire.
/// </summary>
public sealed class PcapDevice : INetworkDevice
{
    private readonly INetworkDevice _inner;
    private readonly PcapWriter _writer;
    private readonly FrameDirection _transmitted;
    private readonly FrameDirection _received;

    /// <param name="transmitted">the direction, seen from the captured node, of frames passed to <see cref="Transmit"/>
    /// (Inbound when the inner device is the node's chip, Outbound when it is the cable); received frames go the other way</param>
    public PcapDevice(INetworkDevice inner, PcapWriter writer, FrameDirection transmitted = FrameDirection.Unknown)
    {
        _inner = inner;
        _writer = writer;
        _transmitted = transmitted;
        _received = transmitted switch
        {
            FrameDirection.Inbound => FrameDirection.Outbound,
            FrameDirection.Outbound => FrameDirection.Inbound,
            _ => FrameDirection.Unknown,
        };
    }

    /// <summary>The number the writer gave the last frame this device passed on (0: none yet).</summary>
    public long LastFrame { get; private set; }

    public int MaxFrameLength => _inner.MaxFrameLength;

    public bool LinkUp => _inner.LinkUp;

    public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
    {
        int n = _inner.Receive(buffer, offset, capacity, nowMs);
        if (n > 0) LastFrame = _writer.Write(nowMs, buffer.AsSpan(offset, n), _received);
        return n;
    }

    public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
    {
        bool ok = _inner.Transmit(buffer, offset, length, nowMs);
        if (ok) LastFrame = _writer.Write(nowMs, buffer.AsSpan(offset, length), _transmitted);
        return ok;
    }
}
