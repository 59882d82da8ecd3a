using System.Globalization;
using System.Security;
using System.Text;

namespace NanoTcp.Sim.Ladder;

/// <summary>
/// Draws a ladder diagram as a standalone SVG (no external fonts or CSS) for slides and
/// handouts: two lifelines with headers, arrows slanted downward for the transit time,
/// labels along the arrows, state boxes beside the lifelines, timer notes, lost segments
/// dashed with a red ✗, a title and a legend.
/// </summary>
public static class LadderSvgRenderer
{
    private const int Width = 1000;
    /// <summary>Quiet stretches at least this long are drawn as a break.</summary>
    public const long GapMs = 5000;
    private const int LeftX = 290;
    private const int RightX = 770;
    private const string Sans = "font-family=\"sans-serif\"";
    private const string Mono = "font-family=\"monospace\"";

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Colour of an arrow by what it does: handshake, data, close, reset, pure ACK.</summary>
    public static string Colour(LadderArrow a) =>
        a.Has(0x04) ? "#c62828" : a.Has(0x02) ? "#2e7d32" : a.Has(0x01) ? "#6a1b9a" : a.Length > 0 ? "#1565c0" : "#455a64";

    /// <summary>The SVG document; its height follows the number of items.</summary>
    public static string Render(LadderDiagram d)
    {
        var body = new StringBuilder();
        int y = 150;
        // Lifeline headers.
        void Header(LadderParty p, int x)
        {
            body.Append($"<rect x=\"{x - 120}\" y=\"62\" width=\"240\" height=\"56\" rx=\"8\" fill=\"#e3f2fd\" stroke=\"#1565c0\" stroke-width=\"1.5\"/>\n");
            body.Append($"<text x=\"{x}\" y=\"85\" text-anchor=\"middle\" {Sans} font-size=\"18\" font-weight=\"bold\" fill=\"#0d47a1\">{Esc(p.Name)}</text>\n");
            body.Append($"<text x=\"{x}\" y=\"106\" text-anchor=\"middle\" {Mono} font-size=\"14\" fill=\"#263238\">{Esc(p.Endpoint)}</text>\n");
        }
        Header(d.Left, LeftX);
        Header(d.Right, RightX);
        body.Append($"<text x=\"70\" y=\"{y - 12}\" text-anchor=\"end\" {Sans} font-size=\"12\" fill=\"#78909c\">time (ms)</text>\n");

        void StateBox(LadderSide side, string state, int top, bool initial = false)
        {
            int w = Math.Max(96, state.Length * 9 + 20);
            int x = side == LadderSide.Left ? LeftX - 14 - w : RightX + 14;
            string fill = initial ? "#eceff1" : state == "ESTABLISHED" ? "#e8f5e9" : state == "TIME-WAIT" ? "#fff3e0" : "#fffde7";
            string stroke = initial ? "#90a4ae" : state == "ESTABLISHED" ? "#43a047" : state == "TIME-WAIT" ? "#ef6c00" : "#c9a227";
            body.Append($"<rect x=\"{x}\" y=\"{top}\" width=\"{w}\" height=\"24\" rx=\"12\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\n");
            body.Append($"<text x=\"{x + w / 2}\" y=\"{top + 16.5}\" text-anchor=\"middle\" {Sans} font-size=\"13\" font-weight=\"bold\" fill=\"#37474f\">{Esc(state)}</text>\n");
        }
        void Time(long t, double at) =>
            body.Append($"<text x=\"70\" y=\"{F(at + 4)}\" text-anchor=\"end\" {Mono} font-size=\"12\" fill=\"#546e7a\">{t}</text>\n");

        if (d.Left.InitialState != null) StateBox(LadderSide.Left, d.Left.InitialState, y - 2, initial: true);
        if (d.Right.InitialState != null) StateBox(LadderSide.Right, d.Right.InitialState, y - 2, initial: true);
        if (d.Left.InitialState != null || d.Right.InitialState != null) y += 34;

        // A state or note beside one lifeline may share its row with one beside the other.
        int shareY = -1;
        LadderSide? shareSide = null;
        long shareTime = -1;
        long? previous = null;
        foreach (var item in d.Items)
        {
            if (previous is long before && item.TimeMs - before >= GapMs)
            {
                // A long quiet stretch (TIME-WAIT's 2MSL): a break in the lifelines, not 60 s of paper.
                body.Append($"<rect x=\"{LeftX - 60}\" y=\"{y + 4}\" width=\"{RightX - LeftX + 120}\" height=\"22\" fill=\"white\"/>\n");
                body.Append($"<path d=\"M{LeftX - 12},{y + 10} l24,-6 M{LeftX - 12},{y + 24} l24,-6 M{RightX - 12},{y + 10} l24,-6 M{RightX - 12},{y + 24} l24,-6\" stroke=\"#90a4ae\" stroke-width=\"2\"/>\n");
                body.Append($"<text x=\"{(LeftX + RightX) / 2}\" y=\"{y + 20}\" text-anchor=\"middle\" {Sans} font-size=\"13\" font-style=\"italic\" fill=\"#546e7a\">{Esc(LadderTerminalRenderer.Gap(item.TimeMs - before))}</text>\n");
                y += 32;
                shareSide = null;
            }
            previous = item.TimeMs;
            if (item is LadderArrow a)
            {
                shareSide = null;
                long transit = a.ReceivedMs is long r ? Math.Max(0, r - a.TimeMs) : 1;
                double slant = Math.Min(48, 26 + 6 * transit);
                double y0 = y + 26, y1 = y0 + slant;
                double x0 = a.Side == LadderSide.Left ? LeftX : RightX;
                double x1 = a.Side == LadderSide.Left ? RightX : LeftX;
                string colour = a.Lost ? "#c62828" : Colour(a);
                Time(a.TimeMs, y0);
                double angle = Math.Atan2(y1 - y0, x1 - x0) * 180 / Math.PI;
                double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
                if (angle > 90 || angle < -90) angle += 180; // keep text upright
                if (a.Lost)
                {
                    double xe = x0 + (x1 - x0) * 0.6, ye = y0 + (y1 - y0) * 0.6;
                    body.Append($"<line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(xe)}\" y2=\"{F(ye)}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"8 6\"/>\n");
                    body.Append($"<path d=\"M{F(xe - 7)},{F(ye - 7)} L{F(xe + 7)},{F(ye + 7)} M{F(xe - 7)},{F(ye + 7)} L{F(xe + 7)},{F(ye - 7)}\" stroke=\"#c62828\" stroke-width=\"3.5\" stroke-linecap=\"round\"/>\n");
                }
                else
                {
                    string marker = Marker(colour);
                    body.Append($"<line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(x1)}\" y2=\"{F(y1)}\" stroke=\"{colour}\" stroke-width=\"2\" marker-end=\"url(#{marker})\"/>\n");
                }
                string rot = $"transform=\"rotate({F(angle)} {F(mx)} {F(my)})\"";
                var label = new StringBuilder();
                label.Append($"<tspan font-weight=\"bold\" {Sans}>{Esc(a.FlagNames)}</tspan> {Esc(a.Numbers)}");
                if (a.Length > 0) label.Append($" <tspan font-weight=\"bold\">[{a.Length} bytes]</tspan>");
                if (a.Lost) label.Append(" <tspan font-weight=\"bold\" fill=\"#c62828\">lost</tspan>");
                body.Append($"<text x=\"{F(mx)}\" y=\"{F(my - (a.Lost ? 14 : 8))}\" text-anchor=\"middle\" {Mono} font-size=\"14\" fill=\"{colour}\" {rot}>{label}</text>\n");
                if (a.Detail.Length > 0)
                    body.Append($"<text x=\"{F(mx)}\" y=\"{F(my + (a.Lost ? 23 : 17))}\" text-anchor=\"middle\" {Mono} font-size=\"12\" fill=\"#78909c\" {rot}>{Esc(a.Detail)}</text>\n");
                y = (int)(y1 + (a.Detail.Length > 0 ? 26 : 12));
                continue;
            }

            var side = item.Side;
            int top;
            if (shareSide != null && shareSide != side && shareTime == item.TimeMs)
            {
                top = shareY;
                shareSide = null;
            }
            else
            {
                top = y;
                y += 34;
                shareY = top;
                shareSide = side;
                shareTime = item.TimeMs;
                Time(item.TimeMs, top + 12);
            }
            switch (item)
            {
                case LadderStateChange s:
                    StateBox(side, s.To, top);
                    break;
                case LadderNote n:
                {
                    int w = n.Text.Length * 7 + 22;
                    int x = side == LadderSide.Left ? LeftX + 10 : RightX - 10 - w;
                    bool drop = n.Text.StartsWith("dropped", StringComparison.Ordinal);
                    body.Append($"<rect x=\"{x}\" y=\"{top}\" width=\"{w}\" height=\"24\" rx=\"3\" fill=\"{(drop ? "#ffebee" : "#f3e5f5")}\" stroke=\"{(drop ? "#c62828" : "#8e24aa")}\" stroke-dasharray=\"4 3\"/>\n");
                    body.Append($"<text x=\"{x + w / 2}\" y=\"{top + 16.5}\" text-anchor=\"middle\" {Sans} font-size=\"12.5\" font-style=\"italic\" fill=\"#4a148c\">{Esc(n.Text)}</text>\n");
                    break;
                }
            }
        }
        y += 16;
        int lifeEnd = y;
        y += 20;

        // Legend.
        var legend = new StringBuilder();
        int ly = y;
        legend.Append($"<rect x=\"40\" y=\"{ly}\" width=\"{Width - 80}\" height=\"104\" rx=\"6\" fill=\"#fafafa\" stroke=\"#cfd8dc\"/>\n");
        legend.Append($"<text x=\"56\" y=\"{ly + 22}\" {Sans} font-size=\"14\" font-weight=\"bold\" fill=\"#37474f\">Legend</text>\n");
        (string colour, string text)[] kinds =
        {
            ("#2e7d32", "SYN (handshake)"), ("#1565c0", "data"), ("#455a64", "ACK"), ("#6a1b9a", "FIN (close)"), ("#c62828", "RST"),
        };
        int lx = 56;
        foreach (var (colour, text) in kinds)
        {
            legend.Append($"<line x1=\"{lx}\" y1=\"{ly + 44}\" x2=\"{lx + 40}\" y2=\"{ly + 44}\" stroke=\"{colour}\" stroke-width=\"2\" marker-end=\"url(#{Marker(colour)})\"/>\n");
            legend.Append($"<text x=\"{lx + 50}\" y=\"{ly + 48}\" {Sans} font-size=\"13\" fill=\"#37474f\">{text}</text>\n");
            lx += 60 + text.Length * 7 + 20;
        }
        legend.Append($"<line x1=\"56\" y1=\"{ly + 74}\" x2=\"90\" y2=\"{ly + 74}\" stroke=\"#c62828\" stroke-width=\"2\" stroke-dasharray=\"8 6\"/>\n");
        legend.Append($"<path d=\"M92,{ly + 68} L104,{ly + 80} M92,{ly + 80} L104,{ly + 68}\" stroke=\"#c62828\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n");
        legend.Append($"<text x=\"114\" y=\"{ly + 78}\" {Sans} font-size=\"13\" fill=\"#37474f\">lost segment</text>\n");
        legend.Append($"<rect x=\"220\" y=\"{ly + 64}\" width=\"64\" height=\"20\" rx=\"10\" fill=\"#fffde7\" stroke=\"#c9a227\" stroke-width=\"1.5\"/>\n");
        legend.Append($"<text x=\"292\" y=\"{ly + 78}\" {Sans} font-size=\"13\" fill=\"#37474f\">new state</text>\n");
        legend.Append($"<rect x=\"380\" y=\"{ly + 64}\" width=\"64\" height=\"20\" rx=\"3\" fill=\"#f3e5f5\" stroke=\"#8e24aa\" stroke-dasharray=\"4 3\"/>\n");
        legend.Append($"<text x=\"452\" y=\"{ly + 78}\" {Sans} font-size=\"13\" fill=\"#37474f\">timer</text>\n");
        legend.Append($"<text x=\"520\" y=\"{ly + 78}\" {Sans} font-size=\"12.5\" fill=\"#546e7a\">seq/ack relative to each side's ISN (as Wireshark);</text>\n");
        legend.Append($"<text x=\"520\" y=\"{ly + 95}\" {Sans} font-size=\"12.5\" fill=\"#546e7a\">slant = time in transit; time = sender's clock</text>\n");
        int height = ly + 124;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">\n");
        svg.Append($"<title>{Esc(d.Title)}</title>\n<defs>\n");
        foreach (string c in new[] { "#2e7d32", "#1565c0", "#455a64", "#6a1b9a", "#c62828" })
            svg.Append($"<marker id=\"{Marker(c)}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{c}\"/></marker>\n");
        svg.Append("</defs>\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Width / 2}\" y=\"36\" text-anchor=\"middle\" {Sans} font-size=\"20\" font-weight=\"bold\" fill=\"#263238\">{Esc(d.Title)}</text>\n");
        svg.Append($"<line x1=\"{LeftX}\" y1=\"118\" x2=\"{LeftX}\" y2=\"{lifeEnd}\" stroke=\"#90a4ae\" stroke-width=\"3\"/>\n");
        svg.Append($"<line x1=\"{RightX}\" y1=\"118\" x2=\"{RightX}\" y2=\"{lifeEnd}\" stroke=\"#90a4ae\" stroke-width=\"3\"/>\n");
        svg.Append(body);
        svg.Append(legend);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Marker(string colour) => "arrow-" + colour.TrimStart('#');
}
