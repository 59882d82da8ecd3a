#nullable enable

using NanoTcp.Cli.Lab.Script;
using NanoTcp.Phy;
using NanoTcp.Sim.Pcap;
using NanoTcp.Tcp;

namespace NanoTcp.Cli.Lab;

/// <summary>A TCP segment read back from an Ethernet frame (host side: for faults, the lab log and the step-through page).</summary>
public sealed record WireSegment(uint SrcIp, int SrcPort, uint DstIp, int DstPort, uint Seq, uint Ack, int Flags, int Window,
    byte[] Options, byte[] Payload)
{
    public bool Has(int flag) => (Flags & flag) != 0;

    /// <summary>MSS option value, 0 when absent.</summary>
    public int Mss
    {
        get
        {
            for (int i = 0; i + 1 < Options.Length;)
            {
                byte kind = Options[i];
                if (kind == 0) break;
                if (kind == 1) { i++; continue; }
                int len = Options[i + 1];
                if (len < 2 || i + len > Options.Length) break;
                if (kind == 2 && len == 4) return Options[i + 2] << 8 | Options[i + 3];
                i += len;
            }
            return 0;
        }
    }

    /// <summary>Reads an IPv4/TCP frame; null for anything else (ARP, truncated frames).</summary>
    public static WireSegment? Decode(byte[] f, int offset, int length)
    {
        if (length < 54 || f[offset + 12] != 0x08 || f[offset + 13] != 0x00 || f[offset + 23] != 6) return null;
        int ip = offset + 14;
        int ihl = (f[ip] & 0x0F) * 4;
        int total = f[ip + 2] << 8 | f[ip + 3];
        int t = ip + ihl;
        if (ihl < 20 || t + 20 > offset + length || total > length - 14) return null;
        int hl = (f[t + 12] >> 4) * 4;
        int end = ip + total;
        if (hl < 20 || t + hl > end) return null;
        return new WireSegment(U32(f, ip + 12), f[t] << 8 | f[t + 1], U32(f, ip + 16), f[t + 2] << 8 | f[t + 3],
            U32(f, t + 4), U32(f, t + 8), f[t + 13], f[t + 14] << 8 | f[t + 15], f[(t + 20)..(t + hl)], f[(t + hl)..end]);
    }

    private static uint U32(byte[] b, int i) => (uint)(b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);
}

/// <summary>A frame as it left or reached one side's port, for the step-through page.</summary>
public sealed record LabFrame(long TimeMs, LabSide Side, bool Sent, byte[] Bytes);

/// <summary>
/// One side's port onto the lab's cable: the time on the wire (a transmit queue), the
/// scenario's targeted faults (drop, delay, duplicate the n-th segment of a kind), and, for the
/// board, the capture. The capture sits between the board and its faults, where a tap on the
/// board's port would: a segment the board sent and the wire then lost is in it.
/// </summary>
public sealed class LabPort : INetworkDevice
{
    private readonly INetworkDevice _cable;
    private readonly PcapWriter? _pcap;
    private readonly List<(long Due, long Seq, byte[] Frame)> _queue = new();
    private long _order;
    private readonly List<ArmedFault> _faults = new();

    public LabPort(INetworkDevice cable, LabSide side, PcapWriter? pcap)
    {
        _cable = cable;
        Side = side;
        _pcap = pcap;
    }

    public LabSide Side { get; }
    /// <summary>One-way time on the wire, milliseconds.</summary>
    public int TransitMs { get; set; }
    /// <summary>This side's stack, for faults that depend on its state (the final ACK is sent from TIME-WAIT).</summary>
    public TcpStack? Stack { get; set; }
    /// <summary>Every frame sent and received, in order.</summary>
    public List<LabFrame> Frames { get; } = new();
    /// <summary>Told when a fault takes a segment: (fault, segment, time).</summary>
    public Action<FaultStep, WireSegment, long>? OnFault { get; set; }

    public int MaxFrameLength => _cable.MaxFrameLength;
    public bool LinkUp => _cable.LinkUp;

    public void Arm(FaultStep fault) => _faults.Add(new ArmedFault(fault));

    public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
    {
        var frame = buffer[offset..(offset + length)];
        _pcap?.Write(nowMs, frame, FrameDirection.Outbound);
        Frames.Add(new LabFrame(nowMs, Side, true, frame));
        long due = nowMs + TransitMs;
        var seg = WireSegment.Decode(frame, 0, frame.Length);
        if (seg != null)
        {
            foreach (var f in _faults)
            {
                if (f.Done || !Matches(f.Step.Kind, seg) || ++f.Seen < f.Step.Ordinal) continue;
                f.Done = true;
                OnFault?.Invoke(f.Step, seg, nowMs);
                switch (f.Step.Action)
                {
                    case LabFaultAction.Drop:
                        return true;
                    case LabFaultAction.Delay:
                        due += f.Step.ExtraMs;
                        break;
                    case LabFaultAction.Duplicate:
                        _queue.Add((due + f.Step.ExtraMs, _order++, frame));
                        break;
                }
                break;
            }
        }
        _queue.Add((due, _order++, frame));
        Flush(nowMs);
        return true;
    }

    public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
    {
        Flush(nowMs);
        int n = _cable.Receive(buffer, offset, capacity, nowMs);
        if (n > 0)
        {
            var frame = buffer[offset..(offset + n)];
            _pcap?.Write(nowMs, frame, FrameDirection.Inbound);
            Frames.Add(new LabFrame(nowMs, Side, false, frame));
        }
        return n;
    }

    /// <summary>Puts on the cable every queued frame that is due, earliest first (equal times in sending order).</summary>
    private void Flush(long nowMs)
    {
        while (true)
        {
            int best = -1;
            for (int i = 0; i < _queue.Count; i++)
            {
                if (_queue[i].Due > nowMs) continue;
                if (best < 0 || _queue[i].Due < _queue[best].Due || (_queue[i].Due == _queue[best].Due && _queue[i].Seq < _queue[best].Seq)) best = i;
            }
            if (best < 0) return;
            var f = _queue[best].Frame;
            _queue.RemoveAt(best);
            _cable.Transmit(f, 0, f.Length, nowMs);
        }
    }

    private bool Matches(LabSegmentKind kind, WireSegment s)
    {
        const int syn = 0x02, fin = 0x01, rst = 0x04, ack = 0x10;
        bool pureAck = s.Payload.Length == 0 && (s.Flags & (syn | fin | rst)) == 0 && s.Has(ack);
        return kind switch
        {
            LabSegmentKind.Any => true,
            LabSegmentKind.Syn => s.Has(syn) && !s.Has(ack),
            LabSegmentKind.SynAck => s.Has(syn) && s.Has(ack),
            LabSegmentKind.Ack => pureAck,
            LabSegmentKind.FinalAck => pureAck && InTimeWait(s),
            LabSegmentKind.Data => s.Payload.Length > 0,
            LabSegmentKind.Fin => s.Has(fin),
            LabSegmentKind.Rst => s.Has(rst),
            _ => false,
        };
    }

    private bool InTimeWait(WireSegment s)
    {
        if (Stack == null) return false;
        for (int i = 0; i < Stack.ConnectionSlots; i++)
        {
            var c = Stack.ConnectionAt(i);
            if (c != null && c.IsInUse && c.CurrentState == TcpState.TimeWait && c.LocalPortNumber == s.SrcPort
                && c.RemotePortNumber == s.DstPort && c.RemoteAddress == s.DstIp)
                return true;
        }
        return false;
    }

    private sealed class ArmedFault
    {
        public ArmedFault(FaultStep step) => Step = step;
        public readonly FaultStep Step;
        public int Seen;
        public bool Done;
    }
}
