using NanoTcp.Sim.Trace;

namespace NanoTcp.Sim.Ladder;

/// <summary>How a ladder is built from trace lines.</summary>
public sealed class LadderOptions
{
    /// <summary>Which connection of the (first) side to draw: the n-th distinct address pair seen, from 0.</summary>
    public int ConnectionIndex { get; init; }
    /// <summary>Draw RTT samples as notes (off: they are measurements, not events of the protocol).</summary>
    public bool IncludeRttSamples { get; init; }
    /// <summary>Draw drops of packets from the peer as notes (a damaged segment the receiver discarded).</summary>
    public bool IncludeDrops { get; init; } = true;
    /// <summary>One-side ladders: put the side that sent the first SYN on the left (the client), as textbooks do.</summary>
    public bool ClientOnLeft { get; init; } = true;
    /// <summary>Overrides the generated title.</summary>
    public string? Title { get; init; }
}

/// <summary>
/// Builds a <see cref="LadderDiagram"/> of one TCP connection from serial trace lines: from
/// both sides' traces (a segment one side sent that the other never received is drawn lost),
/// or from one side only (nothing is known lost).
/// </summary>
public static class LadderBuilder
{
    /// <summary>
    /// Both sides' traces of a run (for example the demo's "pc" and "board" lines, with or
    /// without their prefixes). <paramref name="nameA"/> is drawn on the left.
    /// </summary>
    public static LadderDiagram FromTwoSides(IEnumerable<string> sideA, string nameA, IEnumerable<string> sideB, string nameB, LadderOptions? options = null)
    {
        options ??= new LadderOptions();
        var a = TraceLineParser.ParseAll(sideA).ToList();
        var b = TraceLineParser.ParseAll(sideB).ToList();
        var key = ConnectionKeys(a).ElementAtOrDefault(options.ConnectionIndex);
        return Build(Select(a, key), nameA, Select(b, key), nameB, twoSides: true, options);
    }

    /// <summary>One side's trace (a board's serial console): arrows both ways, none known lost.
    /// <paramref name="peerName"/> names the other lifeline.</summary>
    public static LadderDiagram FromOneSide(IEnumerable<string> lines, string name, string peerName = "peer", LadderOptions? options = null)
    {
        options ??= new LadderOptions();
        var a = TraceLineParser.ParseAll(lines).ToList();
        var key = ConnectionKeys(a).ElementAtOrDefault(options.ConnectionIndex);
        var d = Build(Select(a, key), name, new List<ParsedTraceLine>(), peerName, twoSides: false, options);
        var firstSyn = d.Arrows.FirstOrDefault(x => x.Has(0x02));
        return options.ClientOnLeft && firstSyn != null && firstSyn.Side == LadderSide.Right ? Mirror(d, options.Title) : d;
    }

    /// <summary>The connections (address pairs "a:p b:q", in order of first appearance) in a trace.</summary>
    public static IReadOnlyList<string> Connections(IEnumerable<string> lines) =>
        ConnectionKeys(TraceLineParser.ParseAll(lines).ToList()).ToList();

    private static string PairKey(TraceSegment s)
    {
        string x = s.Source, y = s.Destination;
        return string.CompareOrdinal(x, y) < 0 ? $"{x} {y}" : $"{y} {x}";
    }

    private static IEnumerable<string> ConnectionKeys(List<ParsedTraceLine> lines) =>
        lines.Where(l => l.Segment != null).Select(l => PairKey(l.Segment!)).Distinct();

    /// <summary>
    /// The lines of one connection on one side: its segments, and the state and timer lines of
    /// the tcp#N slot during the lifetimes that carried it (a slot is reused after CLOSED).
    /// </summary>
    private static List<ParsedTraceLine> Select(List<ParsedTraceLine> lines, string? key)
    {
        var result = new List<ParsedTraceLine>();
        if (key == null) return result;
        var open = new Dictionary<int, List<ParsedTraceLine>>();
        var openKey = new Dictionary<int, string?>();
        var chosen = new HashSet<ParsedTraceLine>();
        void Finish(int conn)
        {
            if (open.TryGetValue(conn, out var life) && openKey[conn] == key)
                foreach (var l in life) chosen.Add(l);
            open.Remove(conn);
            openKey.Remove(conn);
        }
        foreach (var l in lines)
        {
            bool tcp = l.Kind is TraceLineKind.TcpSegment or TraceLineKind.TcpState or TraceLineKind.TcpTimer;
            if (!tcp) continue;
            if (l.Connection < 0)
            {
                if (l.Segment != null && PairKey(l.Segment) == key) chosen.Add(l);
                continue;
            }
            int c = l.Connection;
            if (l.Kind == TraceLineKind.TcpState && (l.FromState == "CLOSED" || l.FromState == "LISTEN")
                && open.TryGetValue(c, out var cur) && cur.Any(x => x.Segment != null))
                Finish(c); // a new connection in a slot whose previous one was never seen closing
            if (!open.TryGetValue(c, out var life))
            {
                life = new List<ParsedTraceLine>();
                open[c] = life;
                openKey[c] = null;
            }
            if (l.Segment != null && openKey[c] == null) openKey[c] = PairKey(l.Segment);
            life.Add(l);
            if (l.Kind == TraceLineKind.TcpState && l.ToState == "CLOSED") Finish(c);
        }
        foreach (int c in open.Keys.ToList()) Finish(c);
        // Drops of packets from the connection's peer while it lived.
        if (chosen.Count > 0)
        {
            long first = chosen.Min(x => x.TimeMs), last = chosen.Max(x => x.TimeMs);
            string[] ips = key.Split(' ').Select(e => e[..e.LastIndexOf(':')]).ToArray();
            foreach (var l in lines)
                if (l.Kind == TraceLineKind.Drop && l.DropFrom != null && ips.Contains(l.DropFrom) && l.TimeMs >= first && l.TimeMs <= last)
                    chosen.Add(l);
        }
        foreach (var l in lines)
            if (chosen.Contains(l)) result.Add(l);
        return result;
    }

    private enum EvKind { Send, Receive, State, Note }

    private sealed class Ev
    {
        public required EvKind Kind;
        public required long Time;
        public ParsedTraceLine? Line;
        public Pending? Arrow;
        public LadderItem? Item;
    }

    private sealed class Pending
    {
        public required LadderSide From;
        public required TraceSegment Seg;
        public required long SentMs;
        public long? ReceivedMs;
        public bool Emitted;
        public bool Matched;
        public bool Lost;
        /// <summary>A later copy of this send that arrived too (the network duplicated it).</summary>
        public List<Pending>? Copies;
        public Pending? Original;
        /// <summary>A receipt the sender's trace does not show leaving (an injected or very old segment).</summary>
        public bool Unmatched;
        public LadderArrow? Drawn;
    }

    private static LadderDiagram Build(List<ParsedTraceLine> a, string nameA, List<ParsedTraceLine> b, string nameB, bool twoSides, LadderOptions o)
    {
        string endpointA = LocalEndpoint(a) ?? RemoteEndpoint(b) ?? "";
        string endpointB = LocalEndpoint(b) ?? RemoteEndpoint(a) ?? "";
        var evA = Events(a, LadderSide.Left, o);
        var evB = Events(b, LadderSide.Right, o);

        if (twoSides)
        {
            Match(evA, evB);
            Match(evB, evA);
        }
        else
        {
            // One side: what it received came from the other side; what it sent is not known lost.
            foreach (var e in evA.Where(e => e.Kind == EvKind.Receive)) e.Arrow!.ReceivedMs = e.Time;
        }
        foreach (var e in evA.Concat(evB).Where(e => e.Kind == EvKind.Send))
            e.Arrow!.Lost = twoSides && e.Arrow.ReceivedMs == null;

        // Merge the two timelines: by time, but never draw a receipt's consequences before the send.
        var order = new List<Ev>();
        int i = 0, j = 0;
        bool Blocked(Ev e) => e.Kind == EvKind.Receive && e.Arrow!.Matched && !(e.Arrow.Original ?? e.Arrow).Emitted;
        while (i < evA.Count || j < evB.Count)
        {
            Ev? x = i < evA.Count ? evA[i] : null, y = j < evB.Count ? evB[j] : null;
            bool takeA;
            if (x == null) takeA = false;
            else if (y == null) takeA = true;
            else if (Blocked(x) && !Blocked(y)) takeA = false;
            else if (Blocked(y) && !Blocked(x)) takeA = true;
            else takeA = x.Time <= y.Time;
            var e = takeA ? x! : y!;
            if (takeA) i++; else j++;
            if (e.Kind == EvKind.Send || (e.Kind == EvKind.Receive && !e.Arrow!.Emitted)) e.Arrow!.Emitted = true;
            order.Add(e);
        }

        // Relative numbers: each side's ISN is the sequence number of its latest SYN (a new SYN
        // with another number starts a new incarnation of the connection), else its first segment's.
        uint? IsnOf(LadderSide side) =>
            order.FirstOrDefault(e => e.Arrow?.From == side && (e.Arrow.Seg.Flags & 0x02) != 0)?.Arrow!.Seg.Seq
            ?? order.FirstOrDefault(e => e.Arrow?.From == side)?.Arrow!.Seg.Seq;
        uint? firstIsnL = IsnOf(LadderSide.Left), firstIsnR = IsnOf(LadderSide.Right);
        uint? isnL = firstIsnL, isnR = firstIsnR;
        var incarnation = new Dictionary<LadderArrow, (uint? Own, uint? Peer)>();

        var items = new List<LadderItem>();
        LadderArrow Draw(Pending p)
        {
            if (p.Drawn != null) return p.Drawn;
            if ((p.Seg.Flags & 0x02) != 0)
            {
                if (p.From == LadderSide.Left) isnL = p.Seg.Seq; else isnR = p.Seg.Seq;
            }
            uint own = (p.From == LadderSide.Left ? isnL : isnR) ?? p.Seg.Seq;
            uint? peer = p.From == LadderSide.Left ? isnR : isnL;
            var arrow = new LadderArrow(p.SentMs, p.From)
            {
                ReceivedMs = p.ReceivedMs,
                Lost = p.Lost,
                Duplicate = p.Original != null,
                Unsent = p.Unmatched,
                Flags = p.Seg.Flags,
                Seq = p.Seg.Seq,
                Ack = p.Seg.Ack,
                RelativeSeq = unchecked(p.Seg.Seq - own),
                RelativeAck = p.Seg.Ack is uint ack ? unchecked(ack - (peer ?? ack)) : null,
                Window = p.Seg.Window,
                Length = p.Seg.Length,
                Mss = p.Seg.Mss,
            };
            incarnation[arrow] = (own, peer);
            p.Drawn = arrow;
            items.Add(arrow);
            return arrow;
        }

        var timers = new TimerBars();
        var receivedAt = new Dictionary<LadderArrow, int>(ReferenceEqualityComparer.Instance);
        LadderArrival? lastArrival(LadderSide side) => items.OfType<LadderArrival>().LastOrDefault(r => r.Side == side);
        for (int k = 0; k < order.Count; k++)
        {
            var e = order[k];
            if (e.Kind == EvKind.Send)
            {
                var arrow = Draw(e.Arrow!);
                foreach (var copy in e.Arrow!.Copies ?? new List<Pending>()) Draw(copy);
                timers.Sent(arrow);
                continue;
            }
            if (e.Kind == EvKind.Receive)
            {
                var p = e.Arrow!;
                var arrow = Draw(p); // a receipt whose send the other trace does not show is drawn here
                if (p.ReceivedMs != null && receivedAt.TryAdd(arrow, k))
                    items.Add(new LadderArrival(e.Time, LadderDiagram.Other(p.From), arrow));
                timers.Received(arrow, LadderDiagram.Other(p.From), e.Time);
                continue;
            }
            if (e.Item is LadderNote { Drop: true } drop)
            {
                // Say what was dropped and why: the segment that just arrived on this side, and what it was answered with.
                var arrival = lastArrival(drop.Side);
                if (arrival != null && arrival.TimeMs == drop.TimeMs && receivedAt.TryGetValue(arrival.Arrow, out int ri))
                {
                    // The answer leaves in the same millisecond, before or after the drop line (the stack
                    // answers at its next Poll), and before this side takes in another segment.
                    var reply = order.Skip(ri + 1)
                        .TakeWhile(x => x.Time == drop.TimeMs && !(x.Kind == EvKind.Receive && x.Arrow!.From != drop.Side))
                        .FirstOrDefault(x => x.Kind == EvKind.Send && x.Arrow!.From == drop.Side)?.Arrow!.Seg;
                    var sender = arrival.Arrow.Side;
                    bool oldIncarnation = incarnation.TryGetValue(arrival.Arrow, out var inc)
                        && inc.Own != (sender == LadderSide.Left ? isnL : isnR);
                    bool duplicate = items.OfType<LadderArrival>().Any(r => !ReferenceEquals(r, arrival) && r.Side == drop.Side
                        && r.Arrow.Seq == arrival.Arrow.Seq && r.Arrow.Flags == arrival.Arrow.Flags && r.Arrow.Length == arrival.Arrow.Length);
                    string handling = Handling(drop.Text["dropped: ".Length..], arrival.Arrow, reply, duplicate, oldIncarnation);
                    arrival.Arrow.Handling = handling;
                    items.Add(drop with { Text = handling, About = arrival.Arrow });
                    continue;
                }
                items.Add(drop);
                continue;
            }
            if (e.Item is LadderNote { Timer: not null } note)
            {
                timers.Note(note);
                items.Add(note);
                continue;
            }
            if (e.Item is LadderStateChange sc) timers.State(sc);
            if (e.Item != null) items.Add(e.Item);
        }

        var left = new LadderParty(nameA, endpointA) { Isn = firstIsnL, InitialState = items.OfType<LadderStateChange>().FirstOrDefault(s => s.Side == LadderSide.Left)?.From };
        var right = new LadderParty(nameB, endpointB) { Isn = firstIsnR, InitialState = items.OfType<LadderStateChange>().FirstOrDefault(s => s.Side == LadderSide.Right)?.From };
        string title = o.Title ?? (left.Endpoint.Length > 0 || right.Endpoint.Length > 0
            ? $"TCP connection between {left.Header} and {right.Header}"
            : "TCP connection (no segments found)");
        return new LadderDiagram(title, left, right, items, timers.Finish(items));
    }

    /// <summary>What the receiver did with a segment it dropped, in a teacher's words.</summary>
    private static string Handling(string reason, LadderArrow a, TraceSegment? reply, bool duplicate, bool oldIncarnation)
    {
        string what = a.FlagNames;
        bool answeredRst = reply != null && (reply.Flags & 0x04) != 0;
        bool answeredAck = reply != null && !answeredRst && (reply.Flags & 0x10) != 0;
        string subject = oldIncarnation ? $"{what} of the old connection" : duplicate ? $"duplicate {what}" : what;
        return reason switch
        {
            "tcp port-closed" => answeredRst ? $"{what} for no connection: answered with RST" : $"{what} for no connection: ignored",
            "tcp not-acceptable" => oldIncarnation
                ? $"{subject}: below the window, {(answeredAck ? "ACKed and " : "")}discarded"
                : answeredAck ? $"{subject}: ACKed again, discarded" : $"{subject}: outside the window, discarded",
            "tcp challenge-ack" => $"{subject}: challenge ACK (RFC 5961), discarded",
            "tcp rst-ignored" => $"{subject}: ignored",
            "tcp bad-ack" => answeredRst ? $"{subject} acknowledges nothing sent: answered with RST" : $"{subject}: unacceptable ACK, discarded",
            "tcp ooo-dropped" => $"{subject}: out of order past the kept range, discarded",
            "tcp backlog-full" or "tcp table-full" => $"{subject}: no room ({reason[4..]}), dropped",
            _ => $"{subject}: dropped ({reason})",
        };
    }

    private static List<Ev> Events(List<ParsedTraceLine> lines, LadderSide side, LadderOptions o)
    {
        var evs = new List<Ev>();
        var other = LadderDiagram.Other(side);
        foreach (var l in lines)
        {
            switch (l.Kind)
            {
                case TraceLineKind.TcpSegment:
                    bool sent = l.Direction == TraceDirection.Out;
                    var p = new Pending { From = sent ? side : other, Seg = l.Segment!, SentMs = l.TimeMs };
                    evs.Add(new Ev { Kind = sent ? EvKind.Send : EvKind.Receive, Time = l.TimeMs, Line = l, Arrow = p });
                    break;
                case TraceLineKind.TcpState:
                    evs.Add(new Ev { Kind = EvKind.State, Time = l.TimeMs, Line = l, Item = new LadderStateChange(l.TimeMs, side, l.FromState!, l.ToState!) });
                    break;
                case TraceLineKind.TcpTimer:
                    string? text = TimerText(l.TimerName!, l.TimerValue, o);
                    if (text != null) evs.Add(new Ev { Kind = EvKind.Note, Time = l.TimeMs, Line = l, Item = new LadderNote(l.TimeMs, side, text) { Timer = l.TimerName, TimerValue = l.TimerValue } });
                    break;
                case TraceLineKind.Drop when o.IncludeDrops:
                    evs.Add(new Ev { Kind = EvKind.Note, Time = l.TimeMs, Line = l, Item = new LadderNote(l.TimeMs, side, "dropped: " + l.DropReason) { Drop = true } });
                    break;
            }
        }
        return evs;
    }

    /// <summary>Pairs each receipt on <paramref name="receiver"/> with the send on <paramref name="sender"/> it came from.</summary>
    private static void Match(List<Ev> sender, List<Ev> receiver)
    {
        var sends = sender.Where(e => e.Kind == EvKind.Send).ToList();
        var used = new HashSet<Ev>();
        bool Same(TraceSegment t, TraceSegment s) => t.Flags == s.Flags && t.Seq == s.Seq && t.Ack == s.Ack && t.Length == s.Length
            && t.Window == s.Window && t.Source == s.Source && t.Destination == s.Destination;
        foreach (var r in receiver.Where(e => e.Kind == EvKind.Receive))
        {
            var s = r.Arrow!.Seg;
            // The latest matching send not after the receipt: an earlier identical copy was lost.
            Ev? best = null, copyOf = null;
            foreach (var x in sends)
            {
                if (x.Time > r.Time) break;
                if (!Same(x.Arrow!.Seg, s)) continue;
                // Among copies sent in the same millisecond, the first sent arrives first.
                if (!used.Contains(x)) { if (best == null || x.Time > best.Time) best = x; }
                else copyOf = x;
            }
            if (best == null && copyOf != null)
            {
                // Sent once, arrived twice: the network duplicated it; the copy leaves with the original.
                var copy = new Pending { From = copyOf.Arrow!.From, Seg = copyOf.Arrow.Seg, SentMs = copyOf.Arrow.SentMs, ReceivedMs = r.Time, Matched = true, Original = copyOf.Arrow };
                (copyOf.Arrow.Copies ??= new List<Pending>()).Add(copy);
                r.Arrow = copy;
                continue;
            }
            if (best == null)
            {
                r.Arrow.ReceivedMs = r.Time; // the sender's trace does not show it: drawn at its receipt
                r.Arrow.Unmatched = true;
                continue;
            }
            used.Add(best);
            best.Arrow!.ReceivedMs = r.Time;
            best.Arrow.Matched = true;
            r.Arrow = best.Arrow;
        }
    }

    private static string? LocalEndpoint(List<ParsedTraceLine> lines)
    {
        var s = lines.FirstOrDefault(l => l.Segment != null)?.Segment;
        return s == null ? null : s.Direction == TraceDirection.Out ? s.Source : s.Destination;
    }

    private static string? RemoteEndpoint(List<ParsedTraceLine> lines)
    {
        var s = lines.FirstOrDefault(l => l.Segment != null)?.Segment;
        return s == null ? null : s.Direction == TraceDirection.Out ? s.Destination : s.Source;
    }

    /// <summary>Teacher's wording of a timer line; null for those not drawn.</summary>
    public static string? TimerText(string name, long value, LadderOptions? o = null) => name switch
    {
        "2msl-start" => $"2MSL timer {Seconds(value)}",
        "2msl-restart" => $"2MSL timer restarted {Seconds(value)}",
        "2msl-expired" => "2MSL expired",
        "retransmit" => $"RTO expired: retransmit (next RTO {value} ms)",
        "persist" => $"zero window: persist probe (next in {value} ms)",
        "delayed-ack" => $"delayed ACK after {value} ms",
        "keepalive" => $"keepalive probe #{value}",
        "fast-retransmit" => "3 duplicate ACKs: fast retransmit",
        "give-up" => $"gave up after {value} attempts",
        "fin-wait-2-timeout" => $"FIN-WAIT-2 timeout {Seconds(value)}",
        "rtt-sample" => o?.IncludeRttSamples == true ? $"RTT sample {value} ms" : null,
        _ => $"timer {name} {value}",
    };

    private static string Seconds(long ms) => ms % 1000 == 0 ? $"{ms / 1000} s" : $"{ms} ms";

    /// <summary>Turns timer lines into bars along the lifelines: RTO, persist, delayed ACK, TIME-WAIT's 2MSL.</summary>
    private sealed class TimerBars
    {
        private readonly List<LadderTimer> _bars = new();
        private readonly Dictionary<LadderSide, List<LadderArrow>> _sent = new() { [LadderSide.Left] = new(), [LadderSide.Right] = new() };
        private readonly Dictionary<LadderSide, LadderNote?> _retransmit = new() { [LadderSide.Left] = null, [LadderSide.Right] = null };
        private readonly Dictionary<LadderSide, long?> _persistFrom = new() { [LadderSide.Left] = null, [LadderSide.Right] = null };
        private readonly Dictionary<LadderSide, (long Start, long Value, bool Restarted)?> _timeWait = new() { [LadderSide.Left] = null, [LadderSide.Right] = null };

        public void Sent(LadderArrow a)
        {
            if (_retransmit[a.Side] is LadderNote n)
            {
                // The segment the expired RTO resends: its timer ran from its last send before the expiry.
                var previous = _sent[a.Side].LastOrDefault(x => x.TimeMs < n.TimeMs && x.Seq == a.Seq && x.Length == a.Length && (x.Flags & 0x07) == (a.Flags & 0x07));
                long start = previous?.TimeMs ?? n.TimeMs - n.TimerValue / 2;
                _bars.Add(new LadderTimer(start, a.Side, n.TimeMs, "retransmit", $"RTO {Duration(n.TimeMs - start)}") { Fired = true });
                _retransmit[a.Side] = null;
            }
            _sent[a.Side].Add(a);
        }

        public void Received(LadderArrow a, LadderSide receiver, long time)
        {
            if (a.Window == 0 && !a.Has(0x04)) _persistFrom[receiver] ??= time;
            else if (a.Window > 0) _persistFrom[receiver] = null;
        }

        public void Note(LadderNote n)
        {
            switch (n.Timer)
            {
                case "retransmit":
                    _retransmit[n.Side] = n;
                    break;
                case "persist":
                {
                    long start = _persistFrom[n.Side] ?? n.TimeMs;
                    _bars.Add(new LadderTimer(start, n.Side, n.TimeMs, "persist", $"persist {Duration(n.TimeMs - start)}") { Fired = true });
                    _persistFrom[n.Side] = n.TimeMs;
                    break;
                }
                case "delayed-ack":
                    _bars.Add(new LadderTimer(n.TimeMs - n.TimerValue, n.Side, n.TimeMs, "delayed-ack", $"delayed ACK {n.TimerValue} ms") { Fired = true });
                    break;
                case "2msl-start":
                    EndTimeWait(n.Side, n.TimeMs);
                    _timeWait[n.Side] = (n.TimeMs, n.TimerValue, false);
                    break;
                case "2msl-restart":
                    EndTimeWait(n.Side, n.TimeMs);
                    _timeWait[n.Side] = (n.TimeMs, n.TimerValue, true);
                    break;
                case "2msl-expired":
                    EndTimeWait(n.Side, n.TimeMs);
                    break;
            }
        }

        public void State(LadderStateChange s)
        {
            if (s.From == "TIME-WAIT") EndTimeWait(s.Side, s.TimeMs);
        }

        private void EndTimeWait(LadderSide side, long at, bool open = false)
        {
            if (_timeWait[side] is not { } tw) return;
            string text = (tw.Restarted ? "2MSL restarted: " : "TIME-WAIT 2MSL = ") + Duration(tw.Value);
            _bars.Add(new LadderTimer(tw.Start, side, at, "2msl", text) { Fired = !open && at - tw.Start >= tw.Value, Open = open });
            _timeWait[side] = null;
        }

        public List<LadderTimer> Finish(List<LadderItem> items)
        {
            foreach (var side in new[] { LadderSide.Left, LadderSide.Right })
                if (_timeWait[side] is { } tw) EndTimeWait(side, tw.Start + tw.Value, open: true);
            return _bars.OrderBy(b => b.TimeMs).ToList();
        }

        private static string Duration(long ms) => ms % 1000 == 0 && ms > 0 ? $"{ms / 1000} s" : $"{ms} ms";
    }

    private static LadderDiagram Mirror(LadderDiagram d, string? title)
    {
        LadderSide F(LadderSide s) => LadderDiagram.Other(s);
        var arrows = new Dictionary<LadderArrow, LadderArrow>(ReferenceEqualityComparer.Instance);
        LadderArrow A(LadderArrow x) => arrows.TryGetValue(x, out var m) ? m : arrows[x] = x with { Side = F(x.Side) };
        var items = d.Items.Select(it => it switch
        {
            LadderArrow x => A(x),
            LadderArrival x => x with { Side = F(x.Side), Arrow = A(x.Arrow) },
            LadderStateChange x => x with { Side = F(x.Side) },
            LadderNote x => x with { Side = F(x.Side), About = x.About == null ? null : A(x.About) },
            _ => it,
        }).ToList();
        var timers = d.Timers.Select(t => t with { Side = F(t.Side) }).ToList();
        string t = title ?? $"TCP connection between {d.Right.Header} and {d.Left.Header}";
        return new LadderDiagram(t, d.Right, d.Left, items, timers);
    }
}
