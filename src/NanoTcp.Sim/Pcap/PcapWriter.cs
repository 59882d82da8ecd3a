using System.Buffers.Binary;

namespace NanoTcp.Sim.Pcap;

/// <summary>
/// Writes the classic libpcap format (magic a1b2c3d4, version 2.4, link type Ethernet), which
/// Wireshark and tshark open directly. Timestamps are the simulator's milliseconds.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint LinkTypeEthernet = 1;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _record = new byte[16];

    public PcapWriter(Stream stream, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(0), 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeEthernet);
        _stream.Write(header);
    }

    public static PcapWriter Create(string path) => new(File.Create(path));

    public long Frames { get; private set; }

    public void Write(long timeMs, ReadOnlySpan<byte> frame)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(0), (uint)(timeMs / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(4), (uint)(timeMs % 1000 * 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(8), (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(12), (uint)frame.Length);
        _stream.Write(_record);
        _stream.Write(frame);
        Frames++;
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
