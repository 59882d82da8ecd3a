using NanoTcp.Sim.Trace;

namespace NanoTcp.Sim.Pcap;

/// <summary>
/// Gives each captured frame a comment with what the captured node's trace says about it: the
/// state change it caused ("tcp#0 LISTEN -> SYN-RECEIVED"), why it was sent ("retransmission
/// after RTO 2000 ms"), why the node dropped it ("dropped by the board: tcp bad-checksum"), and
/// "lost on the wire" when something says so. Fed the node's trace lines in the order they were
/// printed (level segments or more) while the writer reports the frames it writes (pcapng keeps
/// them pending for comments). TCP segment lines are matched to frames by content (addresses,
/// ports, sequence number, flags), so it works whether a frame is written before its line (a
/// received frame, a frame dump) or after it (a sent frame leaving the simulated chip).
/// </summary>
public sealed class TraceFrameComments
{
    private const int Window = 128;
    /// <summary>A state change or timer belongs to a received frame only when it follows it this closely.</summary>
    private const long ConsequenceMs = 2;

    private readonly PcapWriter _writer;
    private readonly string _node;
    private readonly LinkedList<Frame> _inbound = new();
    private readonly LinkedList<Frame> _outbound = new();
    private readonly List<Expected> _expected = new();
    private readonly Dictionary<int, List<string>> _beforeSend = new();
    private readonly Dictionary<int, (long Frame, long TimeMs)> _lastIn = new();
    private Expected? _lastOut;

    /// <param name="node">the captured node's name in comments ("board")</param>
    public TraceFrameComments(PcapWriter writer, string node = "board")
    {
        _writer = writer;
        _node = node;
        writer.FrameWritten += OnFrame;
    }

    /// <summary>Comments attached so far.</summary>
    public long Comments { get; private set; }

    /// <summary>Adds a comment to a frame (still pending in the writer).</summary>
    public void Comment(long frame, string text)
    {
        if (frame > 0 && _writer.AddComment(frame, text)) Comments++;
    }

    private void OnFrame(long number, FrameDirection direction, byte[] bytes)
    {
        var f = new Frame(number, SegmentKey.FromFrame(bytes), FrameKind(bytes));
        if (direction == FrameDirection.Inbound)
        {
            Add(_inbound, f);
        }
        else if (direction == FrameDirection.Outbound)
        {
            // A segment line printed before its frame left: the notes it waits with go on this frame.
            Expected? e = f.Key == null ? null : _expected.FirstOrDefault(x => x.Frame == 0 && x.Key == f.Key);
            if (e != null)
            {
                e.Frame = number;
                foreach (string n in e.Notes) Comment(number, n);
                _expected.Remove(e);
                f.Matched = true;
            }
            Add(_outbound, f);
        }
    }

    /// <summary>One trace line of the captured node, in the order it was printed.</summary>
    public void OnTraceLine(ParsedTraceLine line)
    {
        switch (line.Kind)
        {
            case TraceLineKind.TcpSegment when line.Segment != null:
                if (line.Direction == TraceDirection.In) OnSegmentIn(line);
                else OnSegmentOut(line);
                break;
            case TraceLineKind.TcpState:
                OnStateChange(line);
                break;
            case TraceLineKind.TcpTimer:
                OnTimer(line);
                break;
            case TraceLineKind.Drop when line.DropReason != null:
                OnDrop(line);
                break;
            case TraceLineKind.Arp when line.Direction == TraceDirection.In:
                Consume(f => f.Kind == "arp");
                break;
            case TraceLineKind.Icmp when line.Direction == TraceDirection.In:
                Consume(f => f.Kind == "icmp");
                break;
            case TraceLineKind.Udp when line.Direction == TraceDirection.In:
                Consume(f => f.Kind == "udp");
                break;
            case TraceLineKind.Other when line.Body.Contains("lost on the wire", StringComparison.Ordinal):
                if (_lastOut != null)
                {
                    if (_lastOut.Frame > 0) Comment(_lastOut.Frame, "lost on the wire");
                    else _lastOut.Notes.Add("lost on the wire");
                }
                break;
        }
    }

    private void OnSegmentIn(ParsedTraceLine line)
    {
        var key = SegmentKey.FromSegment(line.Segment!);
        Frame? f = Consume(x => x.Key == key);
        if (f != null && line.Connection >= 0) _lastIn[line.Connection] = (f.Number, line.TimeMs);
    }

    private void OnSegmentOut(ParsedTraceLine line)
    {
        int conn = line.Connection;
        _lastIn.Remove(conn);
        var e = new Expected(SegmentKey.FromSegment(line.Segment!));
        if (_beforeSend.Remove(conn, out var notes)) e.Notes.AddRange(notes);
        _lastOut = e;
        // A frame dump printed before its segment line, or a frame already written: match it now.
        Frame? f = _outbound.FirstOrDefault(x => !x.Matched && x.Key == e.Key);
        if (f != null)
        {
            f.Matched = true;
            e.Frame = f.Number;
            foreach (string n in e.Notes) Comment(f.Number, n);
            return;
        }
        _expected.Add(e);
        if (_expected.Count > Window) _expected.RemoveAt(0);
    }

    private void OnStateChange(ParsedTraceLine line)
    {
        string text = $"tcp#{line.Connection} {line.FromState} -> {line.ToState}";
        if (CausedBySending(line.FromState!, line.ToState!)) NoteBeforeSend(line.Connection, text);
        else NoteOnReceived(line, text);
    }

    private void OnTimer(ParsedTraceLine line)
    {
        long v = line.TimerValue;
        switch (line.TimerName)
        {
            case "retransmit": NoteBeforeSend(line.Connection, $"retransmission after RTO {v} ms"); break;
            case "fast-retransmit": NoteBeforeSend(line.Connection, "fast retransmission (duplicate ACKs)"); break;
            case "persist": NoteBeforeSend(line.Connection, $"zero-window probe (persist timer {v} ms)"); break;
            case "keepalive": NoteBeforeSend(line.Connection, "keepalive probe"); break;
            case "delayed-ack": NoteBeforeSend(line.Connection, $"delayed ACK ({v} ms)"); break;
            case "give-up": NoteBeforeSend(line.Connection, "given up: too many retransmissions"); break;
            case "2msl-start": NoteOnReceived(line, $"TIME-WAIT: 2MSL timer started, {v} ms"); break;
            case "2msl-restart": NoteOnReceived(line, $"TIME-WAIT: 2MSL timer restarted, {v} ms"); break;
        }
    }

    private void OnDrop(ParsedTraceLine line)
    {
        string reason = line.DropReason!;
        if (reason.StartsWith("tx ", StringComparison.Ordinal)) return; // never reached the wire
        string text = $"dropped by the {_node}: {reason}";
        if (DroppedAfterTheSegmentLine(reason))
        {
            // TCP looked at it first (its segment line came before): the frame of the last segment received.
            var last = _lastIn.Count == 0 ? default : _lastIn.Values.MaxBy(v => v.Frame);
            if (last.Frame > 0) Comment(last.Frame, text);
            return;
        }
        Frame? f = Consume(_ => true);
        if (f != null) Comment(f.Number, text);
    }

    private void NoteBeforeSend(int conn, string text)
    {
        if (!_beforeSend.TryGetValue(conn, out var notes)) _beforeSend[conn] = notes = new List<string>();
        if (notes.Count < 8) notes.Add(text);
    }

    private void NoteOnReceived(ParsedTraceLine line, string text)
    {
        if (_lastIn.TryGetValue(line.Connection, out var last) && line.TimeMs - last.TimeMs <= ConsequenceMs) Comment(last.Frame, text);
    }

    /// <summary>The first received frame not yet accounted for that fits; the ones before it were handled without a line.</summary>
    private Frame? Consume(Func<Frame, bool> fits)
    {
        for (var node = _inbound.First; node != null; node = node.Next)
        {
            if (node.Value.Matched || !fits(node.Value)) continue;
            for (var n = _inbound.First; n != null && n != node; n = n.Next) n.Value.Matched = true;
            node.Value.Matched = true;
            return node.Value;
        }
        return null;
    }

    private static void Add(LinkedList<Frame> list, Frame f)
    {
        list.AddLast(f);
        while (list.Count > Window) list.RemoveFirst();
    }

    /// <summary>Transitions that happen when the node sends (its SYN, its FIN): their note goes on that segment.</summary>
    private static bool CausedBySending(string from, string to) =>
        (to == "SYN-SENT") || (from == "ESTABLISHED" && to == "FIN-WAIT-1") || (from == "SYN-RECEIVED" && to == "FIN-WAIT-1")
        || (from == "CLOSE-WAIT" && to == "LAST-ACK");

    /// <summary>TCP drops decided after the segment was traced (acceptability, RFC 5961, table limits).</summary>
    private static bool DroppedAfterTheSegmentLine(string reason) => reason is "tcp not-acceptable" or "tcp challenge-ack"
        or "tcp rst-ignored" or "tcp bad-ack" or "tcp no-ack" or "tcp unexpected" or "tcp backlog-full" or "tcp table-full"
        or "tcp ooo-dropped" or "tcp port-closed";

    /// <summary>"arp", "icmp", "udp", "tcp" or "" from the Ethernet and IPv4 headers.</summary>
    private static string FrameKind(byte[] f)
    {
        if (f.Length < 14) return "";
        int type = f[12] << 8 | f[13];
        if (type == 0x0806) return "arp";
        if (type != 0x0800 || f.Length < 34) return "";
        return f[23] switch { 1 => "icmp", 6 => "tcp", 17 => "udp", _ => "" };
    }

    private sealed class Frame
    {
        public readonly long Number;
        public readonly SegmentKey? Key;
        public readonly string Kind;
        public bool Matched;

        public Frame(long number, SegmentKey? key, string kind)
        {
            Number = number;
            Key = key;
            Kind = kind;
        }
    }

    private sealed class Expected
    {
        public readonly SegmentKey Key;
        public readonly List<string> Notes = new();
        public long Frame;

        public Expected(SegmentKey key) => Key = key;
    }

    /// <summary>What identifies a TCP segment in a frame and in a trace line.</summary>
    private sealed record SegmentKey(string Src, int SrcPort, string Dst, int DstPort, uint Seq, int Flags)
    {
        public static SegmentKey FromSegment(TraceSegment s) => new(s.SrcIp, s.SrcPort, s.DstIp, s.DstPort, s.Seq, s.Flags & 0x3F);

        public static SegmentKey? FromFrame(byte[] f)
        {
            if (f.Length < 34 || (f[12] << 8 | f[13]) != 0x0800 || f[23] != 6) return null;
            int ihl = (f[14] & 0x0F) * 4;
            int t = 14 + ihl;
            if (ihl < 20 || f.Length < t + 20) return null;
            uint seq = (uint)(f[t + 4] << 24 | f[t + 5] << 16 | f[t + 6] << 8 | f[t + 7]);
            return new SegmentKey($"{f[26]}.{f[27]}.{f[28]}.{f[29]}", f[t] << 8 | f[t + 1],
                $"{f[30]}.{f[31]}.{f[32]}.{f[33]}", f[t + 2] << 8 | f[t + 3], seq, f[t + 13] & 0x3F);
        }
    }
}
