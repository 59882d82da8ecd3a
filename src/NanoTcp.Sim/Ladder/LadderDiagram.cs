namespace NanoTcp.Sim.Ladder;

/// <summary>Which lifeline an item belongs to (or starts from).</summary>
public enum LadderSide
{
    Left,
    Right,
}

/// <summary>One lifeline: a name ("PC") and its endpoint ("192.168.7.10:50000").</summary>
public sealed record LadderParty(string Name, string Endpoint)
{
    /// <summary>The first sequence number this party used (its SYN's), when seen.</summary>
    public uint? Isn { get; init; }
    /// <summary>The state before the first transition traced, when known ("CLOSED", "LISTEN").</summary>
    public string? InitialState { get; init; }
    public string Header => Endpoint.Length == 0 ? Name : $"{Name} {Endpoint}";
}

/// <summary>An item of the diagram, in drawing order (top to bottom).</summary>
public abstract record LadderItem(long TimeMs, LadderSide Side);

/// <summary>
/// A segment: an arrow from <see cref="LadderItem.Side"/> to the other side, placed where it was
/// sent (its <see cref="LadderArrival"/> item is where it arrived). Sequence and acknowledgment
/// numbers are also given relative to each side's ISN of the same incarnation, like Wireshark.
/// </summary>
public sealed record LadderArrow(long TimeMs, LadderSide Side) : LadderItem(TimeMs, Side)
{
    /// <summary>When it arrived; null when lost (or when only the sender's trace was read and it is unknown).</summary>
    public long? ReceivedMs { get; init; }
    public bool Lost { get; init; }
    /// <summary>A second copy of a segment sent once (the network duplicated it).</summary>
    public bool Duplicate { get; init; }
    /// <summary>The receiver's trace shows it arriving but the sender's does not show it leaving (an injected or very old segment).</summary>
    public bool Unsent { get; init; }
    public int Flags { get; init; }
    public uint Seq { get; init; }
    public uint? Ack { get; init; }
    public uint RelativeSeq { get; init; }
    public uint? RelativeAck { get; init; }
    public int Window { get; init; }
    public int Length { get; init; }
    public int Mss { get; init; }
    /// <summary>What the receiver did with it when it did not take it: "duplicate: ACKed again, discarded".</summary>
    public string? Handling { get; set; }

    public bool Has(int flag) => (Flags & flag) != 0;

    /// <summary>"SYN", "SYN, ACK", "FIN, ACK", "PSH, ACK", "RST", "ACK" (Wireshark's order).</summary>
    public string FlagNames
    {
        get
        {
            var names = new List<string>();
            if (Has(0x01)) names.Add("FIN");
            if (Has(0x02)) names.Add("SYN");
            if (Has(0x04)) names.Add("RST");
            if (Has(0x08)) names.Add("PSH");
            if (Has(0x10)) names.Add("ACK");
            if (Has(0x20)) names.Add("URG");
            if (Has(0x40)) names.Add("ECE");
            if (Has(0x80)) names.Add("CWR");
            return names.Count == 0 ? "(no flags)" : string.Join(", ", names);
        }
    }

    /// <summary>"seq=0 ack=1 win=2048" (relative numbers).</summary>
    public string Numbers => $"seq={RelativeSeq}" + (RelativeAck is uint a ? $" ack={a}" : "") + $" win={Window}";

    /// <summary>"seq=0 ack=1" (no window).</summary>
    public string NumbersWithoutWindow => $"seq={RelativeSeq}" + (RelativeAck is uint a ? $" ack={a}" : "");

    /// <summary>"SYN, ACK seq=0 ack=1 win=2048 [14 bytes]".</summary>
    public string Label => $"{FlagNames} {Numbers}" + (Length > 0 ? $" [{Length} {(Length == 1 ? "byte" : "bytes")}]" : "");

    /// <summary>Extra detail for the SYN: "ISN=1570462042 mss=1460"; empty otherwise.</summary>
    public string Detail => Has(0x02) ? $"ISN={Seq}" + (Mss > 0 ? $" mss={Mss}" : "") : (Mss > 0 ? $"mss={Mss}" : "");
}

/// <summary>Where an arrow arrives: on the receiver's lifeline (<see cref="LadderItem.Side"/>), after what happened there before it.</summary>
public sealed record LadderArrival(long TimeMs, LadderSide Side, LadderArrow Arrow) : LadderItem(TimeMs, Side);

/// <summary>A state change of one side: "SYN-SENT -> ESTABLISHED".</summary>
public sealed record LadderStateChange(long TimeMs, LadderSide Side, string From, string To) : LadderItem(TimeMs, Side);

/// <summary>A note beside one lifeline: a timer ("2MSL timer 60 s"), a drop.</summary>
public sealed record LadderNote(long TimeMs, LadderSide Side, string Text) : LadderItem(TimeMs, Side)
{
    /// <summary>The timer it reports ("retransmit", "2msl-start"...), null for other notes.</summary>
    public string? Timer { get; init; }
    /// <summary>The timer line's value (ms, or a count).</summary>
    public long TimerValue { get; init; }
    /// <summary>A packet the side dropped; <see cref="About"/> is the arrow it belonged to, when known.</summary>
    public bool Drop { get; init; }
    public LadderArrow? About { get; init; }
}

/// <summary>
/// A timer drawn as a bar along one lifeline, from when it started to when it fired or ended:
/// a retransmission timeout, a persist interval, a delayed ACK, TIME-WAIT's 2MSL.
/// </summary>
public sealed record LadderTimer(long TimeMs, LadderSide Side, long EndMs, string Kind, string Text)
{
    /// <summary>True when the bar ends because the timer fired (a retransmission, a probe, an ACK).</summary>
    public bool Fired { get; init; }
    /// <summary>True when the timer was still running at the end of the trace.</summary>
    public bool Open { get; init; }
}

/// <summary>A ladder (sequence) diagram of one TCP connection between two parties.</summary>
public sealed class LadderDiagram
{
    public LadderDiagram(string title, LadderParty left, LadderParty right, IReadOnlyList<LadderItem> items, IReadOnlyList<LadderTimer>? timers = null)
    {
        Title = title;
        Left = left;
        Right = right;
        Items = items;
        Timers = timers ?? Array.Empty<LadderTimer>();
    }

    public string Title { get; }
    public LadderParty Left { get; }
    public LadderParty Right { get; }
    public IReadOnlyList<LadderItem> Items { get; }
    public IReadOnlyList<LadderTimer> Timers { get; }

    public IEnumerable<LadderArrow> Arrows => Items.OfType<LadderArrow>();

    public LadderParty Party(LadderSide side) => side == LadderSide.Left ? Left : Right;

    /// <summary>The last state of a side (its initial state when it never changed), or null.</summary>
    public string? LastState(LadderSide side) =>
        Items.OfType<LadderStateChange>().LastOrDefault(s => s.Side == side)?.To ?? Party(side).InitialState;

    /// <summary>One line per arrow: "PC -> board SYN seq=0 win=2048" ("(lost)" appended), for tests and logs.</summary>
    public IEnumerable<string> ArrowSummary() =>
        Arrows.Select(a => $"{Party(a.Side).Name} -> {Party(Other(a.Side)).Name} {a.Label}" + (a.Lost ? " (lost)" : "") + (a.Duplicate ? " (copy)" : ""));

    /// <summary>
    /// Pairs of arrows that cross: each left its sender while the other was in flight towards it
    /// (simultaneous open and close). Drawn to any scale, the two lines intersect.
    /// </summary>
    public IEnumerable<(LadderArrow A, LadderArrow B)> Crossings()
    {
        // Positions by reference: two identical segments (a retransmission in the same millisecond) are still two.
        var pos = new Dictionary<LadderItem, int>(ReferenceEqualityComparer.Instance);
        var arrival = new Dictionary<LadderArrow, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Items.Count; i++)
        {
            pos[Items[i]] = i;
            if (Items[i] is LadderArrival r) arrival[r.Arrow] = i;
        }
        var arrows = Arrows.Where(a => !a.Lost).ToList();
        int Pos(LadderItem i) => pos[i];
        int ArrivalPos(LadderArrow a) => arrival.TryGetValue(a, out int i) ? i : -1;
        for (int i = 0; i < arrows.Count; i++)
            for (int j = i + 1; j < arrows.Count; j++)
            {
                var a = arrows[i];
                var b = arrows[j];
                if (a.Side == b.Side) continue;
                int sa = Pos(a), ra = ArrivalPos(a), sb = Pos(b), rb = ArrivalPos(b);
                if (ra < 0 || rb < 0) continue;
                // Opposite directions cross when each was sent before the other arrived.
                if (sa < rb && sb < ra) yield return (a, b);
            }
    }

    public static LadderSide Other(LadderSide s) => s == LadderSide.Left ? LadderSide.Right : LadderSide.Left;

    /// <summary>A copy with other items and timers (a part of the exchange, a filtered view).</summary>
    public LadderDiagram With(IReadOnlyList<LadderItem> items, IReadOnlyList<LadderTimer> timers, string? title = null) =>
        new(title ?? Title, Left, Right, items, timers);
}
