using System.Text;

namespace NanoTcp.Sim.Ladder;

/// <summary>
/// Draws a ladder diagram for a terminal: fixed width, time column on the left, the two
/// lifelines, arrows ──▶ / ◀── with centred labels, states at the outer edges, timer notes
/// beside their lifeline, lost segments as a dashed arrow ending in ✗ half way.
/// <c>ascii</c> uses only ASCII (|, -, &gt;, &lt;, X) for consoles without box drawing.
/// </summary>
public static class LadderTerminalRenderer
{
    private sealed record Glyphs(char Life, char Line, char Right, char Left, char Lost, char TeeRight, char TeeLeft);

    private static readonly Glyphs Unicode = new('│', '─', '▶', '◀', '✗', '├', '┤');
    private static readonly Glyphs Ascii = new('|', '-', '>', '<', 'X', '|', '|');

    /// <summary>"... 60 s later ..." for a quiet stretch of the diagram.</summary>
    public static string Gap(long ms) =>
        "... " + (ms % 1000 == 0 || ms >= 10_000 ? $"{(ms + 500) / 1000} s" : (ms / 1000.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s") + " later ...";

    public static string Render(LadderDiagram d, bool ascii = false, int width = 100)
    {
        width = Math.Max(60, width);
        var g = ascii ? Ascii : Unicode;
        const int timeWidth = 9;
        int edge = 15;                     // state labels beside each lifeline
        int lx = timeWidth + edge + 1;     // left lifeline column
        int rx = width - edge - 2;         // right lifeline column
        int inner = rx - lx - 1;           // columns between the lifelines
        var sb = new StringBuilder();

        char[] Row()
        {
            var r = new string(' ', width).ToCharArray();
            r[lx] = g.Life;
            r[rx] = g.Life;
            return r;
        }
        void Put(char[] r, int col, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                int c = col + i;
                if (c >= 0 && c < r.Length) r[c] = text[i];
            }
        }
        void Centre(char[] r, int from, int to, string text)
        {
            int span = to - from + 1;
            if (text.Length > span) text = text[..Math.Max(0, span - 1)] + (ascii ? "~" : "…");
            Put(r, from + (span - text.Length) / 2, text);
        }
        void Emit(char[] r) => sb.AppendLine(new string(r).TrimEnd());
        string Time(long t) => t.ToString().PadLeft(timeWidth - 2) + " ";
        string Clean(string s) => ascii ? s.Replace('…', '~') : s;

        // Title and headers.
        var title = Row();
        Array.Fill(title, ' ');
        Centre(title, 0, width - 1, Clean(d.Title));
        Emit(title);
        sb.AppendLine();
        foreach (var pick in new Func<LadderParty, string>[] { p => p.Name, p => p.Endpoint })
        {
            var h = Row();
            Array.Fill(h, ' ');
            string a = pick(d.Left), b = pick(d.Right);
            Put(h, Math.Max(0, lx - a.Length / 2), a);
            Put(h, Math.Min(width - b.Length, rx - b.Length / 2), b);
            Emit(h);
        }
        var top = Row();
        Put(top, 0, "time ms");
        if (d.Left.InitialState != null) Put(top, lx - 1 - d.Left.InitialState.Length, d.Left.InitialState);
        if (d.Right.InitialState != null) Put(top, rx + 2, d.Right.InitialState);
        Emit(top);

        // Segments that cross another one, or arrive long after they left (a copy), are drawn in two halves.
        var split = new HashSet<LadderArrow>(d.Crossings().SelectMany(c => new[] { c.A, c.B }), ReferenceEqualityComparer.Instance);
        foreach (var a in d.Arrows.Where(a => a.Duplicate || a.Unsent)) split.Add(a);
        long? previous = null;
        foreach (var item in d.Items)
        {
            if (previous is long before && item.TimeMs - before >= LadderSvgRenderer.GapMs)
            {
                var r = Row();
                r[lx] = r[rx] = ascii ? '~' : '┆';
                Centre(r, lx + 2, rx - 2, Gap(item.TimeMs - before));
                Emit(r);
            }
            previous = item.TimeMs;
            switch (item)
            {
                case LadderArrow a when split.Contains(a):
                {
                    // In flight while something else happens: half an arrow now, the other half where it arrives.
                    var label = Row();
                    Centre(label, lx + 2, rx - 2, a.Label + (a.Duplicate ? " (copy)" : "") + " ...");
                    Emit(label);
                    var r = Row();
                    Put(r, 0, Time(a.TimeMs));
                    bool toRight = a.Side == LadderSide.Left;
                    int half = inner / 2;
                    for (int i = 0; i < half; i++) r[toRight ? lx + 1 + i : rx - 1 - i] = i < half - 6 ? g.Line : (i % 2 == 0 ? g.Line : ' ');
                    if (toRight) r[lx] = g.TeeRight; else r[rx] = g.TeeLeft;
                    Emit(r);
                    break;
                }
                case LadderArrival arrival when split.Contains(arrival.Arrow):
                {
                    var a = arrival.Arrow;
                    var r = Row();
                    Put(r, 0, Time(arrival.TimeMs));
                    bool toRight = a.Side == LadderSide.Left;
                    int half = inner / 2;
                    for (int i = 0; i < inner - half; i++) r[toRight ? rx - 1 - i : lx + 1 + i] = i < inner - half - 6 ? g.Line : (i % 2 == 0 ? g.Line : ' ');
                    if (toRight) r[rx - 1] = g.Right; else r[lx + 1] = g.Left;
                    string what = "... " + a.FlagNames + " arrives";
                    Put(r, toRight ? lx + 2 : rx - 2 - what.Length, what);
                    Emit(r);
                    break;
                }
                case LadderArrow a:
                {
                    var label = Row();
                    Centre(label, lx + 2, rx - 2, a.Label + (a.Lost ? " (lost)" : ""));
                    Emit(label);
                    var r = Row();
                    Put(r, 0, Time(a.TimeMs));
                    bool toRight = a.Side == LadderSide.Left;
                    if (a.Lost)
                    {
                        int half = inner / 2;
                        for (int i = 0; i < half; i++)
                        {
                            int c = toRight ? lx + 1 + i : rx - 1 - i;
                            r[c] = i % 2 == 0 ? g.Line : ' ';
                        }
                        r[toRight ? lx + 1 + half : rx - 1 - half] = g.Lost;
                    }
                    else
                    {
                        for (int c = lx + 1; c < rx; c++) r[c] = g.Line;
                        if (toRight) { r[lx] = g.TeeRight; r[rx - 1] = g.Right; }
                        else { r[rx] = g.TeeLeft; r[lx + 1] = g.Left; }
                    }
                    Emit(r);
                    if (a.Detail.Length > 0)
                    {
                        var det = Row();
                        Centre(det, lx + 2, rx - 2, "(" + a.Detail + ")");
                        Emit(det);
                    }
                    break;
                }
                case LadderStateChange s:
                {
                    var r = Row();
                    Put(r, 0, Time(s.TimeMs));
                    string text = s.To;
                    if (text.Length > edge - 1) text = text[..(edge - 1)];
                    if (s.Side == LadderSide.Left) Put(r, lx - 1 - text.Length, text);
                    else Put(r, rx + 2, text);
                    Emit(r);
                    break;
                }
                case LadderNote n:
                {
                    // Long notes (what a receiver did with a segment) wrap rather than lose their end.
                    var lines = LadderSvgRenderer.Wrap("(" + n.Text + ")", inner - 3);
                    for (int i = 0; i < lines.Count; i++)
                    {
                        var r = Row();
                        if (i == 0) Put(r, 0, Time(n.TimeMs));
                        string text = lines[i].Length > inner - 2 ? lines[i][..(inner - 2)] : lines[i];
                        if (n.Side == LadderSide.Left) Put(r, lx + 2, text);
                        else Put(r, rx - 1 - text.Length, text);
                        Emit(r);
                    }
                    break;
                }
            }
        }
        var end = Row();
        Emit(end);
        sb.AppendLine("seq/ack relative to each side's ISN; states at the edges; (notes) are timers and drops"
            + (d.Arrows.Any(x => x.Lost) ? $"; {g.Lost} = lost" : ""));
        return sb.ToString();
    }
}
