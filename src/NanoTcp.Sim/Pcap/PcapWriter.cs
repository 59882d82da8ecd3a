using System.Buffers.Binary;
using System.Text;

namespace NanoTcp.Sim.Pcap;

/// <summary>The two capture formats Wireshark and tshark open.</summary>
public enum CaptureFormat
{
    /// <summary>Classic libpcap (magic a1b2c3d4, version 2.4): frames and times only.</summary>
    Pcap,
    /// <summary>pcapng: each frame can also carry comments and its direction (to or from the board).</summary>
    PcapNg,
}

/// <summary>Which way a frame went, seen from the capture's own node (the board).</summary>
public enum FrameDirection
{
    Unknown,
    /// <summary>Received by the node.</summary>
    Inbound,
    /// <summary>Sent by the node.</summary>
    Outbound,
}

/// <summary>
/// Writes a capture, Ethernet link type, in classic pcap or pcapng (<see cref="Create"/> picks
/// pcapng for a ".pcapng" name). Times are the caller's milliseconds plus <see cref="OriginUnixMs"/>:
/// 0 keeps the simulator's virtual time (runs are reproducible), the wall clock at start gives real
/// dates (tap, monitor). In pcapng a frame stays pending, so comments can still be added to it
/// (<see cref="AddComment"/>: what the trace says about it), until <see cref="Flush"/>, until more
/// than <see cref="MaxPending"/> frames wait, or until disposal; classic pcap has no comments and
/// writes at once. With <see cref="FlushEachFrame"/> every frame reaches the file as soon as it is
/// written out, so Wireshark can open the capture while it grows.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint LinkTypeEthernet = 1;
    /// <summary>Frames that can wait for comments before the oldest is written.</summary>
    public const int MaxPending = 256;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _record = new byte[32];
    private readonly Queue<Pending> _pending = new();
    private bool _disposed;

    public PcapWriter(Stream stream, bool ownsStream = true, CaptureFormat format = CaptureFormat.Pcap, long originUnixMs = 0)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Format = format;
        OriginUnixMs = originUnixMs;
        if (format == CaptureFormat.Pcap) WritePcapHeader();
        else WritePcapNgHeader();
        _stream.Flush();
    }

    /// <summary>A new capture file; pcapng when the name ends in ".pcapng", else classic pcap.</summary>
    public static PcapWriter Create(string path, long originUnixMs = 0) => new(File.Create(path), true, FormatFor(path), originUnixMs);

    /// <summary>pcapng for a ".pcapng" name (any case), classic pcap otherwise.</summary>
    public static CaptureFormat FormatFor(string path) =>
        path.EndsWith(".pcapng", StringComparison.OrdinalIgnoreCase) ? CaptureFormat.PcapNg : CaptureFormat.Pcap;

    /// <summary>The wall clock now, in the milliseconds <see cref="OriginUnixMs"/> takes.</summary>
    public static long NowUnixMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public CaptureFormat Format { get; }

    /// <summary>Added to every frame's time: 0 = the caller's times as they are (virtual time from 1970).</summary>
    public long OriginUnixMs { get; set; }

    /// <summary>Flush the file after each frame written out (a capture that is read while it grows).</summary>
    public bool FlushEachFrame { get; set; }

    /// <summary>Frames written (pending ones included); also the number of the last one, as Wireshark counts from 1.</summary>
    public long Frames { get; private set; }

    /// <summary>Comments given for frames already written out (too late to attach).</summary>
    public long LateComments { get; private set; }

    /// <summary>Told of every frame written: its number, direction and bytes (a <see cref="TraceFrameComments"/> listens).</summary>
    public event Action<long, FrameDirection, byte[]>? FrameWritten;

    /// <summary>Writes a frame; returns its number (1 = the first), for <see cref="AddComment"/>.</summary>
    public long Write(long timeMs, ReadOnlySpan<byte> frame, FrameDirection direction = FrameDirection.Unknown, string? comment = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Frames++;
        if (Format == CaptureFormat.Pcap)
        {
            WritePcapRecord(timeMs, frame);
            if (FlushEachFrame) _stream.Flush();
            FrameWritten?.Invoke(Frames, direction, frame.ToArray());
            return Frames;
        }
        var p = new Pending(Frames, timeMs, frame.ToArray(), direction);
        if (comment != null) p.Comments.Add(comment);
        _pending.Enqueue(p);
        FrameWritten?.Invoke(Frames, direction, p.Frame);
        while (_pending.Count > MaxPending) WriteOut(_pending.Dequeue());
        return Frames;
    }

    /// <summary>Adds a comment to frame <paramref name="frameNumber"/> if it is still pending (pcapng); returns whether it was.</summary>
    public bool AddComment(long frameNumber, string comment)
    {
        if (Format == CaptureFormat.Pcap) return false;
        foreach (Pending p in _pending)
        {
            if (p.Number == frameNumber)
            {
                if (!p.Comments.Contains(comment)) p.Comments.Add(comment);
                return true;
            }
        }
        LateComments++;
        return false;
    }

    /// <summary>Writes out every pending frame and flushes the file.</summary>
    public void Flush()
    {
        if (_disposed) return;
        while (_pending.Count > 0) WriteOut(_pending.Dequeue());
        _stream.Flush();
    }

    public void Dispose()
    {
        if (_disposed) return;
        Flush();
        _disposed = true;
        if (_ownsStream) _stream.Dispose();
    }

    private long UnixMicros(long timeMs) => (OriginUnixMs + timeMs) * 1000;

    private void WritePcapHeader()
    {
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(0), 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeEthernet);
        _stream.Write(header);
    }

    private void WritePcapRecord(long timeMs, ReadOnlySpan<byte> frame)
    {
        long us = UnixMicros(timeMs);
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(0), (uint)(us / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(4), (uint)(us % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(8), (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(12), (uint)frame.Length);
        _stream.Write(_record, 0, 16);
        _stream.Write(frame);
    }

    // pcapng (IETF draft-ietf-opsawg-pcapng): a section header, one interface, then enhanced packet blocks.
    private const uint SectionHeaderBlock = 0x0A0D0D0A, InterfaceDescriptionBlock = 1, EnhancedPacketBlock = 6;
    private const ushort OptEndOfOptions = 0, OptComment = 1, ShbUserAppl = 4, IfName = 2, IfTsResol = 9, EpbFlags = 2;

    private void WritePcapNgHeader()
    {
        var shb = new BlockBuilder(SectionHeaderBlock);
        shb.UInt32(0x1A2B3C4D).UInt16(1).UInt16(0).UInt64(ulong.MaxValue);
        shb.Option(ShbUserAppl, Encoding.UTF8.GetBytes("NanoTcp"));
        shb.EndOptions();
        _stream.Write(shb.Finish());

        var idb = new BlockBuilder(InterfaceDescriptionBlock);
        idb.UInt16((ushort)LinkTypeEthernet).UInt16(0).UInt32(65535);
        idb.Option(IfName, Encoding.UTF8.GetBytes("board port"));
        idb.Option(IfTsResol, new byte[] { 6 }); // microseconds
        idb.EndOptions();
        _stream.Write(idb.Finish());
    }

    private void WriteOut(Pending p)
    {
        long us = UnixMicros(p.TimeMs);
        var epb = new BlockBuilder(EnhancedPacketBlock);
        epb.UInt32(0).UInt32((uint)((ulong)us >> 32)).UInt32((uint)us).UInt32((uint)p.Frame.Length).UInt32((uint)p.Frame.Length);
        epb.Bytes(p.Frame);
        foreach (string c in p.Comments) epb.Option(OptComment, Encoding.UTF8.GetBytes(c));
        if (p.Direction != FrameDirection.Unknown)
        {
            var flags = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(flags, p.Direction == FrameDirection.Inbound ? 1u : 2u);
            epb.Option(EpbFlags, flags);
        }
        epb.EndOptions();
        _stream.Write(epb.Finish());
        if (FlushEachFrame) _stream.Flush();
    }

    private sealed class Pending
    {
        public readonly long Number;
        public readonly long TimeMs;
        public readonly byte[] Frame;
        public readonly FrameDirection Direction;
        public readonly List<string> Comments = new();

        public Pending(long number, long timeMs, byte[] frame, FrameDirection direction)
        {
            Number = number;
            TimeMs = timeMs;
            Frame = frame;
            Direction = direction;
        }
    }

    /// <summary>One pcapng block: type, total length, body (32-bit aligned), options, total length again.</summary>
    private sealed class BlockBuilder
    {
        private readonly MemoryStream _body = new();
        private readonly uint _type;

        public BlockBuilder(uint type) => _type = type;

        public BlockBuilder UInt16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
            _body.Write(b);
            return this;
        }

        public BlockBuilder UInt32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _body.Write(b);
            return this;
        }

        public BlockBuilder UInt64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            _body.Write(b);
            return this;
        }

        /// <summary>Raw bytes padded to 32 bits.</summary>
        public BlockBuilder Bytes(ReadOnlySpan<byte> data)
        {
            _body.Write(data);
            Pad();
            return this;
        }

        public void Option(ushort code, ReadOnlySpan<byte> value)
        {
            UInt16(code).UInt16((ushort)value.Length);
            Bytes(value);
        }

        public void EndOptions() => UInt16(OptEndOfOptions).UInt16(0);

        public byte[] Finish()
        {
            int total = (int)_body.Length + 12;
            var block = new byte[total];
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(0), _type);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), (uint)total);
            _body.ToArray().CopyTo(block, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(total - 4), (uint)total);
            return block;
        }

        private void Pad()
        {
            while (_body.Length % 4 != 0) _body.WriteByte(0);
        }
    }
}
