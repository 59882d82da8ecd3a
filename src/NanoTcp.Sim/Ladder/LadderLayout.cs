namespace NanoTcp.Sim.Ladder;

/// <summary>One horizontal row of a laid-out diagram: what happens at one instant on either lifeline.</summary>
public sealed class LadderRow
{
    public long TimeMs;
    public double Y;
    /// <summary>Extra lines below the row's own (stacked state boxes, notes).</summary>
    public int Extra;
    public readonly List<LadderItem> Items = new();
    /// <summary>A break in the lifelines just above this row (a long quiet stretch), and how long it was.</summary>
    public long BreakBeforeMs;

    public bool HasSend(LadderSide side) => Items.Any(i => i is LadderArrow a && a.Side == side);
    public bool HasArrival(LadderSide side) => Items.Any(i => i is LadderArrival r && r.Side == side);
}

/// <summary>
/// Where every item of a diagram goes vertically. Each send, arrival, state change and note
/// gets a row (a reply leaves from the row where the request arrived; segments sent while
/// another is in flight towards their sender arrive in later rows, so their arrows cross).
/// On an events axis rows are evenly spaced; on a time axis the distance between rows is
/// proportional to the time between them (one scale for the whole diagram), except that rows
/// closer than a line of text are pushed apart and quiet stretches of
/// <see cref="TimeBreakMs"/> or more are drawn as a break.
/// </summary>
public sealed class LadderLayout
{
    /// <summary>Quiet stretches at least this long are a break on an events axis.</summary>
    public const long EventBreakMs = 5000;
    /// <summary>... and on a time axis (a TIME-WAIT of 60 s would flatten everything else).</summary>
    public const long TimeBreakMs = 10_000;

    public readonly List<LadderRow> Rows = new();
    public readonly Dictionary<LadderItem, LadderRow> RowOf = new(ReferenceEqualityComparer.Instance);
    public double Top;
    public double Bottom;
    /// <summary>Pixels per millisecond on a time axis (0 on an events axis).</summary>
    public double Scale;
    public double BreakHeight;

    public static LadderLayout Create(LadderDiagram d, bool timeAxis, double top, double available, double rowHeight, double minGap, double breakHeight)
    {
        var l = new LadderLayout { Top = top, BreakHeight = breakHeight };
        l.Group(d);
        long breakMs = timeAxis ? TimeBreakMs : EventBreakMs;
        for (int i = 1; i < l.Rows.Count; i++)
        {
            long dt = l.Rows[i].TimeMs - l.Rows[i - 1].TimeMs;
            if (dt >= breakMs) l.Rows[i].BreakBeforeMs = dt;
        }
        if (!timeAxis)
        {
            double step = rowHeight;
            double need = l.Height(0, step, minGap, extraLine: minGap);
            // Closer rows when the exchange is long; a little more air (up to half a row) when it is short.
            step = need > available ? Math.Max(minGap * 1.15, step * available / need) : Math.Min(step * 1.5, step * available / need);
            l.Place(0, step, minGap);
        }
        else
        {
            long span = 0;
            for (int i = 1; i < l.Rows.Count; i++)
                if (l.Rows[i].BreakBeforeMs == 0) span += l.Rows[i].TimeMs - l.Rows[i - 1].TimeMs;
            double s = span > 0 ? available / span : 0;
            while (s > 1e-6 && l.Height(s, minGap, minGap, extraLine: minGap) > available) s *= 0.93;
            l.Scale = s;
            l.Place(s, minGap, minGap);
        }
        return l;
    }

    private double Height(double scale, double step, double minGap, double extraLine)
    {
        double y = 0;
        for (int i = 0; i < Rows.Count; i++)
        {
            if (i > 0) y += Advance(i, scale, step, minGap);
            y += Rows[i].Extra * extraLine;
        }
        return y + step;
    }

    private double Advance(int i, double scale, double step, double minGap)
    {
        var row = Rows[i];
        if (row.BreakBeforeMs > 0) return BreakHeight + minGap;
        if (scale <= 0) return step;
        return Math.Max(minGap, scale * (row.TimeMs - Rows[i - 1].TimeMs));
    }

    private void Place(double scale, double step, double minGap)
    {
        double y = Top;
        for (int i = 0; i < Rows.Count; i++)
        {
            if (i > 0) y += Advance(i, scale, step, minGap) + Rows[i - 1].Extra * minGap;
            Rows[i].Y = y;
        }
        Bottom = (Rows.Count > 0 ? Rows[^1].Y + Rows[^1].Extra * minGap : Top) + step;
    }

    /// <summary>Rows: a send may leave from the row where something just happened on its side at the same instant.</summary>
    private void Group(LadderDiagram d)
    {
        LadderRow? current = null;
        var sentIn = new Dictionary<LadderArrow, LadderRow>(ReferenceEqualityComparer.Instance);
        LadderRow NewRow(long t)
        {
            current = new LadderRow { TimeMs = t };
            Rows.Add(current);
            return current;
        }
        foreach (var item in d.Items)
        {
            var row = current;
            bool sameTime = row != null && row.TimeMs == item.TimeMs;
            switch (item)
            {
                case LadderArrow a:
                    // Leaves with what just happened on its side (the reply where the request arrived),
                    // or beside a send of the other side at the same instant (the two leave together).
                    // A copy the network made leaves with its original.
                    if (!(a.Duplicate && sameTime) && (!sameTime || row!.HasSend(a.Side) || row.Items.Any(i => i is LadderArrival r && r.Side != a.Side)
                        || a.Unsent))
                        row = NewRow(item.TimeMs);
                    sentIn[a] = row!;
                    break;
                case LadderArrival r:
                    // Below its send; beside another arrival on the other side (two crossing segments).
                    if (!sameTime || (sentIn.TryGetValue(r.Arrow, out var from) && from == row) || row!.HasArrival(r.Side) || row.HasSend(r.Side))
                        row = NewRow(item.TimeMs);
                    break;
                case LadderStateChange s:
                    if (!sameTime || row!.Items.Any(i => i is LadderNote)) row = NewRow(item.TimeMs);
                    else if (row.Items.Any(i => i is LadderStateChange x && x.Side == s.Side)) row.Extra++;
                    break;
                case LadderNote n:
                    row = NewRow(item.TimeMs);
                    if (n.Drop) row.Extra++; // two lines in the margin
                    break;
            }
            row!.Items.Add(item);
            RowOf[item] = row;
        }
    }

    /// <summary>The y of a moment: a row's own y when one is at that time, else between the rows around it.</summary>
    public double YAt(long t, bool last = false)
    {
        if (Rows.Count == 0) return Top;
        if (t <= Rows[0].TimeMs) return Rows[0].Y;
        for (int i = 0; i < Rows.Count; i++)
        {
            if (Rows[i].TimeMs == t)
            {
                if (!last) return Rows[i].Y;
                int j = i;
                while (j + 1 < Rows.Count && Rows[j + 1].TimeMs == t) j++;
                return Rows[j].Y;
            }
            if (Rows[i].TimeMs > t)
            {
                var a = Rows[i - 1];
                var b = Rows[i];
                if (b.BreakBeforeMs > 0)
                {
                    // Inside a break: the break's own strip stands for it.
                    double breakTop = b.Y - BreakHeight - (b.Y - a.Y - BreakHeight) / 2;
                    return t - a.TimeMs < b.TimeMs - t ? a.Y + (breakTop - a.Y) * 0.5 : b.Y - (b.Y - breakTop) * 0.5;
                }
                return a.Y + (b.Y - a.Y) * (t - a.TimeMs) / (double)(b.TimeMs - a.TimeMs);
            }
        }
        return Rows[^1].Y + (Scale > 0 ? Math.Min(Scale * (t - Rows[^1].TimeMs), 40) : 0);
    }
}
