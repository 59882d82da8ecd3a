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
/// A segment: an arrow from <see cref="LadderItem.Side"/> to the other side. Sequence and
/// acknowledgment numbers are also given relative to each side's ISN, like Wireshark.
/// </summary>
public sealed record LadderArrow(long TimeMs, LadderSide Side) : LadderItem(TimeMs, Side)
{
    /// <summary>When it arrived; null when lost (or when only the sender's trace was read and it is unknown).</summary>
    public long? ReceivedMs { get; init; }
    public bool Lost { get; init; }
    public int Flags { get; init; }
    public uint Seq { get; init; }
    public uint? Ack { get; init; }
    public uint RelativeSeq { get; init; }
    public uint? RelativeAck { get; init; }
    public int Window { get; init; }
    public int Length { get; init; }
    public int Mss { get; init; }

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

    /// <summary>"SYN, ACK seq=0 ack=1 win=2048 [14 bytes]".</summary>
    public string Label => $"{FlagNames} {Numbers}" + (Length > 0 ? $" [{Length} bytes]" : "");

    /// <summary>Extra detail for the SYN: "ISN=1570462042 mss=1460"; empty otherwise.</summary>
    public string Detail => Has(0x02) ? $"ISN={Seq}" + (Mss > 0 ? $" mss={Mss}" : "") : (Mss > 0 ? $"mss={Mss}" : "");
}

/// <summary>A state change of one side: "SYN-SENT -> ESTABLISHED".</summary>
public sealed record LadderStateChange(long TimeMs, LadderSide Side, string From, string To) : LadderItem(TimeMs, Side);

/// <summary>A note beside one lifeline: a timer ("2MSL timer 60 s"), a drop.</summary>
public sealed record LadderNote(long TimeMs, LadderSide Side, string Text) : LadderItem(TimeMs, Side);

/// <summary>A ladder (sequence) diagram of one TCP connection between two parties.</summary>
public sealed class LadderDiagram
{
    public LadderDiagram(string title, LadderParty left, LadderParty right, IReadOnlyList<LadderItem> items)
    {
        Title = title;
        Left = left;
        Right = right;
        Items = items;
    }

    public string Title { get; }
    public LadderParty Left { get; }
    public LadderParty Right { get; }
    public IReadOnlyList<LadderItem> Items { get; }

    public IEnumerable<LadderArrow> Arrows => Items.OfType<LadderArrow>();

    public LadderParty Party(LadderSide side) => side == LadderSide.Left ? Left : Right;

    /// <summary>The last state of a side (its initial state when it never changed), or null.</summary>
    public string? LastState(LadderSide side) =>
        Items.OfType<LadderStateChange>().LastOrDefault(s => s.Side == side)?.To ?? Party(side).InitialState;

    /// <summary>One line per arrow: "PC -> board SYN seq=0 win=2048" ("(lost)" appended), for tests and logs.</summary>
    public IEnumerable<string> ArrowSummary() =>
        Arrows.Select(a => $"{Party(a.Side).Name} -> {Party(Other(a.Side)).Name} {a.Label}" + (a.Lost ? " (lost)" : ""));

    public static LadderSide Other(LadderSide s) => s == LadderSide.Left ? LadderSide.Right : LadderSide.Left;
}
