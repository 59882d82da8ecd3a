namespace NanoTcp.Sim.Ladder;

/// <summary>Parts and views of a diagram: the lesson's part of the exchange, without what the lesson does not need.</summary>
public static class LadderView
{
    /// <summary>
    /// The exchange from the first segment with one of <paramref name="flags"/> (0x100: the first
    /// with data) on, with each side's state at that point as its initial state.
    /// </summary>
    public static LadderDiagram From(LadderDiagram d, int flags)
    {
        int first = -1;
        for (int i = 0; i < d.Items.Count; i++)
        {
            if (d.Items[i] is LadderArrow a && ((a.Flags & flags) != 0 || (flags & 0x100) != 0 && a.Length > 0))
            {
                first = i;
                break;
            }
        }
        if (first <= 0) return d;
        // The sender's state change that made it send (ESTABLISHED -> FIN-WAIT-1) belongs to the lesson too.
        var sender = d.Items[first].Side;
        int cause = -1;
        for (int i = first - 1; i >= 0; i--)
        {
            var it = d.Items[i];
            if (it.Side == sender && (it is LadderArrow || it is LadderArrival)) break;
            if (it is LadderStateChange sc && sc.Side == sender)
            {
                cause = i;
                break;
            }
        }
        var before = d.Items.Take(first).Where((_, i) => i != cause).ToList();
        string? StateAt(LadderSide side) =>
            before.OfType<LadderStateChange>().LastOrDefault(s => s.Side == side)?.To ?? d.Party(side).InitialState;
        // Arrivals of arrows sent before the cut stay out with their arrows.
        var kept = new HashSet<LadderArrow>(d.Items.Skip(first).OfType<LadderArrow>(), ReferenceEqualityComparer.Instance);
        var items = (cause >= 0 ? new[] { d.Items[cause] } : Array.Empty<LadderItem>())
            .Concat(d.Items.Skip(first).Where(i => i is not LadderArrival r || kept.Contains(r.Arrow))).ToList();
        long start = items[0].TimeMs;
        var timers = d.Timers.Where(t => t.EndMs >= start).Select(t => t.TimeMs < start ? t with { TimeMs = start } : t).ToList();
        var left = d.Left with { InitialState = StateAt(LadderSide.Left) };
        var right = d.Right with { InitialState = StateAt(LadderSide.Right) };
        return new LadderDiagram(d.Title, left, right, items, timers);
    }

    /// <summary>Without the drop notes of one side (a textbook shows the board's handling, not the PC's bookkeeping).</summary>
    public static LadderDiagram WithoutDrops(LadderDiagram d, LadderSide side) =>
        d.With(d.Items.Where(i => i is not LadderNote { Drop: true } n || n.Side != side).ToList(), d.Timers);
}
