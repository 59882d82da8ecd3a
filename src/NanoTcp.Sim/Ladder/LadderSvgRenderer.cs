using System.Globalization;
using System.Security;
using System.Text;

namespace NanoTcp.Sim.Ladder;

/// <summary>How a ladder is drawn as SVG.</summary>
public sealed record LadderSvgOptions
{
    /// <summary>Vertical axis proportional to time (transit time sets the slant) instead of one row per event.</summary>
    public bool TimeAxis { get; init; }
    /// <summary>Only what a textbook figure shows: no ISN/MSS detail line, no window (unless <see cref="ShowWindow"/>), no RTT samples.</summary>
    public bool Textbook { get; init; }
    /// <summary>Keep win= in the labels (always in the full view; a zero window is always shown).</summary>
    public bool ShowWindow { get; init; } = true;
    /// <summary>A small line under the title (the scenario's name).</summary>
    public string? Subtitle { get; init; }
    /// <summary>When set, each drawn item is wrapped in &lt;g id="item-N"&gt; (N from this map) and each timer bar carries
    /// data-t (its start, ms), so a page can light them one step at a time.</summary>
    public IReadOnlyDictionary<LadderItem, int>? ItemIds { get; init; }
}

/// <summary>
/// Draws a ladder diagram as a standalone SVG slide, 16:9 at 1920x1080 (no external fonts or
/// CSS): two lifelines with headers, arrows from the row where a segment left to the row where
/// it arrived (so segments in flight at the same time cross), labels along the arrows, state
/// boxes beside the lifelines, timers as bars along the lifelines (RTO, persist, delayed ACK,
/// TIME-WAIT), lost segments dashed with a red cross, what a receiver discarded and why, a title
/// and a legend. A long exchange is compressed to fit; only when even that fails does the
/// slide grow taller.
/// </summary>
public static class LadderSvgRenderer
{
    public const int SlideWidth = 1920;
    public const int SlideHeight = 1080;
    /// <summary>Quiet stretches at least this long are drawn as a break (events axis).</summary>
    public const long GapMs = LadderLayout.EventBreakMs;

    private const string Sans = "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\"";
    private const string Mono = "font-family=\"DejaVu Sans Mono, Consolas, monospace\"";

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Colour of an arrow by what it does: handshake, data, close, reset, pure ACK.</summary>
    public static string Colour(LadderArrow a) =>
        a.Has(0x04) ? "#c62828" : a.Has(0x02) ? "#2e7d32" : a.Has(0x01) ? "#6a1b9a" : a.Length > 0 ? "#1565c0" : "#455a64";

    private static readonly string[] ArrowColours = { "#2e7d32", "#1565c0", "#455a64", "#6a1b9a", "#c62828", "#8d6e63" };

    /// <summary>The diagram as one slide (events axis, full view).</summary>
    public static string Render(LadderDiagram d) => Render(d, new LadderSvgOptions());

    /// <summary>The diagram as one slide.</summary>
    public static string Render(LadderDiagram d, LadderSvgOptions o)
    {
        var body = new StringBuilder();
        double bottom = Panel(body, d, o, 0, SlideWidth, 1.0, SlideHeight, showTitle: true);
        return Document(body, d.Title, Math.Max(SlideHeight, (int)Math.Ceiling(bottom)));
    }

    /// <summary>Two diagrams side by side on one slide (a normal close beside a lost final ACK...).</summary>
    public static string RenderPair(LadderDiagram left, LadderDiagram right, LadderSvgOptions leftOptions, LadderSvgOptions rightOptions)
    {
        var body = new StringBuilder();
        int half = SlideWidth / 2;
        double b1 = Panel(body, left, leftOptions, 0, half, 0.62, SlideHeight, showTitle: true);
        double b2 = Panel(body, right, rightOptions, half, half, 0.62, SlideHeight, showTitle: true);
        int height = Math.Max(SlideHeight, (int)Math.Ceiling(Math.Max(b1, b2)));
        body.Append($"<line x1=\"{half}\" y1=\"24\" x2=\"{half}\" y2=\"{height - 24}\" stroke=\"#cfd8dc\" stroke-width=\"2\"/>\n");
        return Document(body, $"{left.Title} | {right.Title}", height);
    }

    private static string Document(StringBuilder body, string title, int height)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SlideWidth}\" height=\"{height}\" viewBox=\"0 0 {SlideWidth} {height}\">\n");
        svg.Append($"<title>{Esc(title)}</title>\n<defs>\n");
        foreach (string c in ArrowColours)
            svg.Append($"<marker id=\"{Marker(c)}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{c}\"/></marker>\n");
        svg.Append("</defs>\n");
        svg.Append($"<rect width=\"{SlideWidth}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(body);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Timer lines drawn as bars along the lifelines instead of notes.</summary>
    public static readonly IReadOnlySet<string> BarTimers = new HashSet<string> { "retransmit", "persist", "delayed-ack", "2msl-start", "2msl-restart", "2msl-expired" };

    /// <summary>Items drawn as rows: timer lines that become bars are left out (the bars show them).</summary>
    private static LadderDiagram Drawable(LadderDiagram d, LadderSvgOptions o)
    {
        var items = d.Items.Where(i => i is not LadderNote n || n.Timer == null || !BarTimers.Contains(n.Timer))
            .Where(i => !(o.Textbook && i is LadderNote { Timer: "rtt-sample" }))
            .ToList();
        return d.With(items, d.Timers);
    }

    /// <summary>Draws one diagram in a panel [x0, x0 + width); returns the panel's bottom.</summary>
    private static double Panel(StringBuilder body, LadderDiagram full, LadderSvgOptions o, double x0, double width, double k, double height, bool showTitle)
    {
        var d = Drawable(full, o);
        // A long exchange first gets closer rows, then smaller type (down to 72 %), before the slide grows.
        double k0 = k;
        while (k > k0 * 0.75)
        {
            double t = (108 + 74 + 56) * k, avail = height - t - 86 * k - 40 * k;
            var trial = LadderLayout.Create(d, o.TimeAxis, t, avail, 58 * k, 30 * k, 40 * k);
            if (trial.Bottom <= t + avail + 1 && (!o.TimeAxis || trial.Scale > 0 || trial.Rows.Count < 2)) break;
            k *= 0.92;
        }
        double fTitle = 40 * k, fHeader = 28 * k, fLabel = 22 * k, fState = 19 * k, fNote = 18 * k, fTime = 17 * k, fSmall = 16 * k;
        double leftX = x0 + width * 0.22, rightX = x0 + width * 0.78;
        double timeX = x0 + width * 0.055;
        double y = 56 * k;
        if (showTitle)
        {
            body.Append($"<text x=\"{F(x0 + width / 2)}\" y=\"{F(y)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fTitle)}\" font-weight=\"bold\" fill=\"#263238\">{Esc(d.Title)}</text>\n");
            if (!string.IsNullOrEmpty(o.Subtitle))
                body.Append($"<text x=\"{F(x0 + width / 2)}\" y=\"{F(y + 34 * k)}\" text-anchor=\"middle\" {Mono} font-size=\"{F(fSmall)}\" fill=\"#78909c\">nanotcp lab {Esc(o.Subtitle)}{(o.TimeAxis ? " · time to scale" : "")}{(o.Textbook ? " · textbook view" : "")}</text>\n");
        }
        // Lifeline headers.
        double headTop = 108 * k, headH = 74 * k, headW = Math.Min(380 * k, width * 0.3);
        foreach (var (p, x) in new[] { (d.Left, leftX), (d.Right, rightX) })
        {
            body.Append($"<rect x=\"{F(x - headW / 2)}\" y=\"{F(headTop)}\" width=\"{F(headW)}\" height=\"{F(headH)}\" rx=\"{F(10 * k)}\" fill=\"#e3f2fd\" stroke=\"#1565c0\" stroke-width=\"2\"/>\n");
            body.Append($"<text x=\"{F(x)}\" y=\"{F(headTop + 32 * k)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fHeader)}\" font-weight=\"bold\" fill=\"#0d47a1\">{Esc(p.Name)}</text>\n");
            body.Append($"<text x=\"{F(x)}\" y=\"{F(headTop + 60 * k)}\" text-anchor=\"middle\" {Mono} font-size=\"{F(fSmall)}\" fill=\"#263238\">{Esc(p.Endpoint)}</text>\n");
        }
        double legendH = 86 * k;
        double top = headTop + headH + 56 * k;
        double available = height - top - legendH - 40 * k;
        var layout = LadderLayout.Create(d, o.TimeAxis, top, available, rowHeight: 58 * k, minGap: 30 * k, breakHeight: 40 * k);
        body.Append($"<text x=\"{F(timeX)}\" y=\"{F(top - 30 * k)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fTime)}\" fill=\"#78909c\">ms</text>\n");

        // Everything placed so far that a label must not cover.
        var placed = new List<(double X0, double Y0, double X1, double Y1)>();
        double Covered(double x0_, double y0_, double x1_, double y1_) =>
            placed.Sum(b => Math.Max(0, Math.Min(x1_, b.X1) - Math.Max(x0_, b.X0)) * Math.Max(0, Math.Min(y1_, b.Y1) - Math.Max(y0_, b.Y0)));

        // A state box beside a lifeline; <paramref name="offset"/> is how far out the previous box of the same row reaches.
        double StateBox(LadderSide side, string state, double cy, double offset = 0, bool initial = false)
        {
            double w = Math.Max(118 * k, state.Length * fState * 0.66 + 26 * k), h = 30 * k;
            double gap = 16 * k + offset;
            double bx = side == LadderSide.Left ? leftX - gap - w : rightX + gap;
            placed.Add((bx, cy - h / 2, bx + w, cy + h / 2));
            string fill = initial ? "#eceff1" : state == "ESTABLISHED" ? "#e8f5e9" : state == "TIME-WAIT" ? "#fff3e0" : state == "CLOSED" ? "#f5f5f5" : "#fffde7";
            string stroke = initial ? "#90a4ae" : state == "ESTABLISHED" ? "#43a047" : state == "TIME-WAIT" ? "#ef6c00" : state == "CLOSED" ? "#9e9e9e" : "#c9a227";
            body.Append($"<rect x=\"{F(bx)}\" y=\"{F(cy - h / 2)}\" width=\"{F(w)}\" height=\"{F(h)}\" rx=\"{F(h / 2)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>\n");
            body.Append($"<text x=\"{F(bx + w / 2)}\" y=\"{F(cy + fState * 0.36)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fState)}\" font-weight=\"bold\" fill=\"#37474f\">{Esc(state)}</text>\n");
            return offset + w + 8 * k;
        }
        if (d.Left.InitialState != null) StateBox(LadderSide.Left, d.Left.InitialState, top - 30 * k, initial: true);
        if (d.Right.InitialState != null) StateBox(LadderSide.Right, d.Right.InitialState, top - 30 * k, initial: true);

        double lifeTop = headTop + headH, lifeEnd = layout.Bottom + 10 * k;
        foreach (double x in new[] { leftX, rightX })
            body.Append($"<line x1=\"{F(x)}\" y1=\"{F(lifeTop)}\" x2=\"{F(x)}\" y2=\"{F(lifeEnd)}\" stroke=\"#90a4ae\" stroke-width=\"3\"/>\n");

        // Breaks: a white strip across the lifelines with the time skipped.
        foreach (var row in layout.Rows.Where(r => r.BreakBeforeMs > 0))
        {
            double by = row.Y - 30 * k - layout.BreakHeight / 2;
            body.Append($"<rect x=\"{F(leftX - 40 * k)}\" y=\"{F(by - 12 * k)}\" width=\"{F(rightX - leftX + 80 * k)}\" height=\"{F(24 * k)}\" fill=\"white\"/>\n");
            foreach (double x in new[] { leftX, rightX })
                body.Append($"<path d=\"M{F(x - 14 * k)},{F(by - 4 * k)} l{F(28 * k)},{F(-8 * k)} M{F(x - 14 * k)},{F(by + 10 * k)} l{F(28 * k)},{F(-8 * k)}\" stroke=\"#90a4ae\" stroke-width=\"2.5\"/>\n");
            body.Append($"<text x=\"{F((leftX + rightX) / 2)}\" y=\"{F(by + fNote * 0.35)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fNote)}\" font-style=\"italic\" fill=\"#546e7a\">{Esc(LadderTerminalRenderer.Gap(row.BreakBeforeMs))}</text>\n");
        }

        // Timer bars, just inside each lifeline.
        foreach (var t in d.Timers)
        {
            double y0 = layout.YAt(t.TimeMs), y1 = t.Open ? lifeEnd : layout.YAt(t.EndMs);
            if (y1 - y0 < 6 * k) y1 = y0 + 6 * k;
            double bw = 10 * k;
            double bx = t.Side == LadderSide.Left ? leftX + 4 * k : rightX - 4 * k - bw;
            string c = t.Kind switch { "2msl" => "#ef6c00", "retransmit" => "#d84315", "persist" => "#00838f", _ => "#78909c" };
            if (o.ItemIds != null) body.Append($"<g class=\"bar\" data-t=\"{t.TimeMs}\">\n");
            body.Append($"<rect x=\"{F(bx)}\" y=\"{F(y0)}\" width=\"{F(bw)}\" height=\"{F(y1 - y0)}\" fill=\"{c}\" fill-opacity=\"{(t.Open ? "0.25" : "0.45")}\" stroke=\"{c}\" stroke-width=\"1.5\"/>\n");
            double ty = (y0 + y1) / 2 + fNote * 0.35;
            if (y1 - y0 < 2 * fNote) ty = y0 + fNote * 1.1;
            double tx = t.Side == LadderSide.Left ? bx + bw + 6 * k : bx - 6 * k;
            string anchor = t.Side == LadderSide.Left ? "start" : "end";
            body.Append($"<text x=\"{F(tx)}\" y=\"{F(ty)}\" text-anchor=\"{anchor}\" {Sans} font-size=\"{F(fNote)}\" font-style=\"italic\" fill=\"{c}\">{Esc(t.Text)}</text>\n");
            if (o.ItemIds != null) body.Append("</g>\n");
        }

        // Time column and rows.
        var crossing = new HashSet<LadderArrow>(d.Crossings().SelectMany(p => new[] { p.A, p.B }), ReferenceEqualityComparer.Instance);
        var arrivalRow = new Dictionary<LadderArrow, LadderRow>(ReferenceEqualityComparer.Instance);
        foreach (var r in d.Items.OfType<LadderArrival>()) arrivalRow[r.Arrow] = layout.RowOf[r];
        double typicalDrop = layout.Rows.Count > 1 ? Math.Max(30 * k, layout.Scale * 20) : 30 * k;
        var transits = d.Arrows.Where(a => a.ReceivedMs is long).Select(a => a.ReceivedMs!.Value - a.TimeMs).OrderBy(x => x).ToList();
        long medianTransit = transits.Count > 0 ? transits[transits.Count / 2] : 1;
        long? lastTime = null;
        foreach (var row in layout.Rows)
        {
            if (row.TimeMs != lastTime)
                body.Append($"<text x=\"{F(timeX)}\" y=\"{F(row.Y + fTime * 0.35)}\" text-anchor=\"middle\" {Mono} font-size=\"{F(fTime)}\" fill=\"#546e7a\">{row.TimeMs}</text>\n");
            lastTime = row.TimeMs;
            var stacks = new Dictionary<LadderSide, double> { [LadderSide.Left] = 0, [LadderSide.Right] = 0 };
            int noteLine = 0;
            foreach (var item in row.Items)
            {
                bool tagged = o.ItemIds != null && o.ItemIds.TryGetValue(item, out int id) && item is not LadderArrival;
                if (tagged) body.Append($"<g class=\"item\" id=\"item-{o.ItemIds![item]}\">\n");
                switch (item)
                {
                    case LadderStateChange s:
                        // A second change at the same instant goes below the first (read top-down, like time).
                        StateBox(s.Side, s.To, row.Y + stacks[s.Side] * 30 * k);
                        stacks[s.Side]++;
                        break;
                    case LadderNote { Drop: true } n:
                    {
                        // What the receiver did with a segment it did not take: in the margin beside its lifeline.
                        var lines = Wrap(n.Text, (int)((leftX - timeX - 60 * k) / (fNote * 0.56)));
                        double w = lines.Max(l => l.Length) * fNote * 0.56 + 20 * k, h = lines.Count * fNote * 1.25 + 10 * k;
                        double nx = n.Side == LadderSide.Left ? leftX - 14 * k - w : rightX + 14 * k;
                        double ny = row.Y - 14 * k + noteLine * 30 * k;
                        noteLine += lines.Count;
                        placed.Add((nx, ny, nx + w, ny + h));
                        body.Append($"<rect x=\"{F(nx)}\" y=\"{F(ny)}\" width=\"{F(w)}\" height=\"{F(h)}\" rx=\"{F(4 * k)}\" fill=\"#ffebee\" stroke=\"#c62828\" stroke-dasharray=\"5 3\"/>\n");
                        for (int li = 0; li < lines.Count; li++)
                            body.Append($"<text x=\"{F(nx + 10 * k)}\" y=\"{F(ny + 5 * k + (li + 0.85) * fNote * 1.25)}\" {Sans} font-size=\"{F(fNote)}\" font-style=\"italic\" fill=\"#b71c1c\">{Esc(lines[li])}</text>\n");
                        break;
                    }
                    case LadderNote n:
                    {
                        double ny = row.Y + noteLine++ * 30 * k;
                        string text = n.Text;
                        double w = text.Length * fNote * 0.56 + 24 * k;
                        double nx = n.Side == LadderSide.Left ? leftX + 22 * k : rightX - 22 * k - w;
                        placed.Add((nx, ny - 15 * k, nx + w, ny + 13 * k));
                        string stroke = n.Drop ? "#c62828" : "#8e24aa", fill = n.Drop ? "#ffebee" : "#f3e5f5";
                        body.Append($"<rect x=\"{F(nx)}\" y=\"{F(ny - 15 * k)}\" width=\"{F(w)}\" height=\"{F(28 * k)}\" rx=\"{F(4 * k)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-dasharray=\"5 3\"/>\n");
                        body.Append($"<text x=\"{F(nx + w / 2)}\" y=\"{F(ny + fNote * 0.35)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fNote)}\" font-style=\"italic\" fill=\"{(n.Drop ? "#b71c1c" : "#4a148c")}\">{Esc(text)}</text>\n");
                        break;
                    }
                    case LadderArrow a:
                        Arrow(a, row);
                        break;
                }
                if (tagged) body.Append("</g>\n");
            }
        }

        void Arrow(LadderArrow a, LadderRow from)
        {
            double xa = a.Side == LadderSide.Left ? leftX : rightX;
            double xb = a.Side == LadderSide.Left ? rightX : leftX;
            double ya = from.Y;
            double yb;
            if (arrivalRow.TryGetValue(a, out var to)) yb = to.Y;
            else yb = ya + (layout.Scale > 0 ? Math.Max(30 * k, layout.Scale * medianTransit) : typicalDrop);
            if (a.Unsent) ya = yb - 30 * k; // an old segment: its sending is off the diagram
            string colour = a.Lost ? "#c62828" : a.Duplicate ? "#8d6e63" : Colour(a);
            double xe = xb, ye = yb;
            if (a.Lost)
            {
                xe = xa + (xb - xa) * 0.55;
                ye = ya + (yb - ya) * 0.55;
                body.Append($"<line x1=\"{F(xa)}\" y1=\"{F(ya)}\" x2=\"{F(xe)}\" y2=\"{F(ye)}\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"10 7\"/>\n");
                body.Append($"<path d=\"M{F(xe - 10 * k)},{F(ye - 10 * k)} L{F(xe + 10 * k)},{F(ye + 10 * k)} M{F(xe - 10 * k)},{F(ye + 10 * k)} L{F(xe + 10 * k)},{F(ye - 10 * k)}\" stroke=\"#c62828\" stroke-width=\"4\" stroke-linecap=\"round\"/>\n");
            }
            else
            {
                string dash = a.Duplicate || a.Unsent ? " stroke-dasharray=\"3 5\"" : "";
                body.Append($"<line x1=\"{F(xa)}\" y1=\"{F(ya)}\" x2=\"{F(xb)}\" y2=\"{F(yb)}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash} marker-end=\"url(#{Marker(colour)})\"/>\n");
            }
            bool window = o.ShowWindow || !o.Textbook || a.Window == 0;
            string numbers = window ? a.Numbers : a.NumbersWithoutWindow;
            int chars = a.FlagNames.Length + 1 + numbers.Length + (a.Length > 0 ? $" [{a.Length} bytes]".Length - (a.Length == 1 ? 1 : 0) : 0)
                + (a.Lost ? 5 : 0) + (a.Duplicate ? 7 : 0) + (a.Unsent ? 16 : 0);
            // The label along the arrow: in the middle, or near the sender when another arrow crosses
            // this one; moved along the arrow when it would cover another label or a box.
            double[] candidates = a.Lost ? new[] { 0.28, 0.2, 0.36, 0.14, 0.42 }
                : crossing.Contains(a) ? new[] { 0.3, 0.22, 0.38, 0.16 }
                : new[] { 0.5, 0.36, 0.64, 0.26, 0.74, 0.18, 0.82 };
            double angle = Math.Atan2(yb - ya, xb - xa) * 180 / Math.PI;
            if (angle > 90 || angle < -90) angle += 180; // keep text upright
            double rad = Math.Abs(Math.Atan2(yb - ya, xb - xa));
            if (rad > Math.PI / 2) rad = Math.PI - rad;
            double tw = chars * fLabel * 0.6, th = fLabel * 1.15;
            double bw2 = (tw * Math.Cos(rad) + th * Math.Sin(rad)) / 2, bh = tw * Math.Sin(rad) + th * Math.Cos(rad);
            // First free place above the arrow, then below it; else the one that covers least.
            double at = candidates[0], shift = 0, best = double.MaxValue;
            foreach (double offset in new[] { 0.0, th * 1.45, -th * 1.1 })
            {
                foreach (double c in candidates)
                {
                    double cx_ = xa + (xb - xa) * c, cy_ = ya + (yb - ya) * c + offset;
                    double cover = Covered(cx_ - bw2, cy_ - bh / 2 - th * 0.6, cx_ + bw2, cy_ + bh / 2 - th * 0.4);
                    if (cover < best)
                    {
                        best = cover;
                        at = c;
                        shift = offset;
                    }
                    if (cover == 0) break;
                }
                if (best == 0) break;
            }
            double mx = xa + (xb - xa) * at, my = ya + (yb - ya) * at + shift;
            placed.Add((mx - bw2, my - bh / 2 - th * 0.6, mx + bw2, my + bh / 2 - th * 0.4));
            // Later labels keep off this arrow's line too (short boxes along it).
            for (double f = 0.04; f < (a.Lost ? 0.55 : 0.97); f += 0.03)
            {
                double px = xa + (xb - xa) * f, py = ya + (yb - ya) * f;
                placed.Add((px - 14 * k, py - 2 * k, px + 14 * k, py + 2 * k));
            }
            string rot = $"transform=\"rotate({F(angle)} {F(mx)} {F(my)})\"";
            var label = new StringBuilder();
            label.Append($"<tspan font-weight=\"bold\">{Esc(a.FlagNames)}</tspan><tspan font-weight=\"normal\" {Mono}> {Esc(numbers)}</tspan>");
            if (a.Length > 0) label.Append($"<tspan font-weight=\"bold\"> [{a.Length} {(a.Length == 1 ? "byte" : "bytes")}]</tspan>");
            if (a.Lost) label.Append("<tspan font-weight=\"bold\" fill=\"#c62828\"> lost</tspan>");
            if (a.Duplicate) label.Append($"<tspan font-style=\"italic\"> (copy)</tspan>");
            if (a.Unsent) label.Append($"<tspan font-style=\"italic\"> (sent long ago)</tspan>");
            body.Append($"<text x=\"{F(mx)}\" y=\"{F(my - 9 * k)}\" text-anchor=\"middle\" {Sans} font-size=\"{F(fLabel)}\" fill=\"{colour}\" {rot}>{label}</text>\n");
            if (!o.Textbook && a.Detail.Length > 0)
                body.Append($"<text x=\"{F(mx)}\" y=\"{F(my + fSmall + 4 * k)}\" text-anchor=\"middle\" {Mono} font-size=\"{F(fSmall * 0.9)}\" fill=\"#78909c\" {rot}>{Esc(a.Detail)}</text>\n");
        }

        // Legend.
        double ly = Math.Max(layout.Bottom + 26 * k, height - legendH - 18 * k);
        double lx = x0 + 36 * k;
        body.Append($"<rect x=\"{F(lx - 16 * k)}\" y=\"{F(ly)}\" width=\"{F(width - 40 * k)}\" height=\"{F(legendH)}\" rx=\"{F(8 * k)}\" fill=\"#fafafa\" stroke=\"#cfd8dc\"/>\n");
        double row1 = ly + 32 * k, row2 = ly + 66 * k;
        double cx = lx;
        foreach (var (colour, text) in new[] { ("#2e7d32", "SYN"), ("#1565c0", "data"), ("#455a64", "ACK"), ("#6a1b9a", "FIN"), ("#c62828", "RST") })
        {
            body.Append($"<line x1=\"{F(cx)}\" y1=\"{F(row1 - 6 * k)}\" x2=\"{F(cx + 44 * k)}\" y2=\"{F(row1 - 6 * k)}\" stroke=\"{colour}\" stroke-width=\"2.5\" marker-end=\"url(#{Marker(colour)})\"/>\n");
            body.Append($"<text x=\"{F(cx + 52 * k)}\" y=\"{F(row1)}\" {Sans} font-size=\"{F(fSmall)}\" fill=\"#37474f\">{text}</text>\n");
            cx += 58 * k + text.Length * fSmall * 0.62 + 22 * k;
        }
        body.Append($"<line x1=\"{F(cx)}\" y1=\"{F(row1 - 6 * k)}\" x2=\"{F(cx + 36 * k)}\" y2=\"{F(row1 - 6 * k)}\" stroke=\"#c62828\" stroke-width=\"2.5\" stroke-dasharray=\"10 7\"/>\n");
        body.Append($"<path d=\"M{F(cx + 38 * k)},{F(row1 - 13 * k)} L{F(cx + 52 * k)},{F(row1 + 1 * k)} M{F(cx + 38 * k)},{F(row1 + 1 * k)} L{F(cx + 52 * k)},{F(row1 - 13 * k)}\" stroke=\"#c62828\" stroke-width=\"3.5\" stroke-linecap=\"round\"/>\n");
        body.Append($"<text x=\"{F(cx + 62 * k)}\" y=\"{F(row1)}\" {Sans} font-size=\"{F(fSmall)}\" fill=\"#37474f\">lost</text>\n");
        cx += 120 * k;
        body.Append($"<rect x=\"{F(cx)}\" y=\"{F(row1 - 20 * k)}\" width=\"{F(10 * k)}\" height=\"{F(24 * k)}\" fill=\"#ef6c00\" fill-opacity=\"0.45\" stroke=\"#ef6c00\"/>\n");
        body.Append($"<text x=\"{F(cx + 18 * k)}\" y=\"{F(row1)}\" {Sans} font-size=\"{F(fSmall)}\" fill=\"#37474f\">timer running</text>\n");
        string axis = o.TimeAxis && layout.Scale > 0
            ? "time to scale (bar at the right; events closer than a line of text are spread out); "
            : "one row per event; ";
        if (o.TimeAxis && layout.Scale > 0)
        {
            // A ruler: the longest of 10 ms, 100 ms, 1 s, 10 s that fits in a fifth of the diagram.
            long unit = new long[] { 10_000, 1000, 100, 10 }.FirstOrDefault(u => u * layout.Scale <= (layout.Bottom - top) / 5, 10);
            double len = unit * layout.Scale, rx = x0 + width - 40 * k, ry1 = layout.Bottom - 10 * k, ry0 = ry1 - len;
            body.Append($"<path d=\"M{F(rx - 8 * k)},{F(ry0)} h{F(16 * k)} M{F(rx)},{F(ry0)} V{F(ry1)} M{F(rx - 8 * k)},{F(ry1)} h{F(16 * k)}\" stroke=\"#546e7a\" stroke-width=\"2\" fill=\"none\"/>\n");
            body.Append($"<text x=\"{F(rx - 12 * k)}\" y=\"{F((ry0 + ry1) / 2 + fTime * 0.35)}\" text-anchor=\"end\" {Sans} font-size=\"{F(fTime)}\" fill=\"#546e7a\">{(unit >= 1000 ? $"{unit / 1000} s" : $"{unit} ms")}</text>\n");
        }
        body.Append($"<text x=\"{F(lx)}\" y=\"{F(row2)}\" {Sans} font-size=\"{F(fSmall)}\" fill=\"#546e7a\">{Esc(axis)}seq/ack relative to each side's ISN (as Wireshark); times at the left in ms, each side's own clock</text>\n");
        return ly + legendH + 10 * k;
    }

    private static string Marker(string colour) => "arrow-" + colour.TrimStart('#');

    /// <summary>Splits text into lines of at most <paramref name="width"/> characters, at spaces.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > Math.Max(8, width))
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }
}
