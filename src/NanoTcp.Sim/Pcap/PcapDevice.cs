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

    public PcapDevice(INetworkDevice inner, PcapWriter writer)
    {
        _inner = inner;
        _writer = writer;
    }

    public int MaxFrameLength => _inner.MaxFrameLength;

    public bool LinkUp => _inner.LinkUp;

    public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
    {
        int n = _inner.Receive(buffer, offset, capacity, nowMs);
        if (n > 0) _writer.Write(nowMs, buffer.AsSpan(offset, n));
        return n;
    }

    public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
    {
        bool ok = _inner.Transmit(buffer, offset, length, nowMs);
        if (ok) _writer.Write(nowMs, buffer.AsSpan(offset, length));
        return ok;
    }
}
