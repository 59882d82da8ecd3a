#nullable enable

using System.Globalization;
using System.Text;

namespace NanoTcp.Cli.Lab.Html;

/// <summary>
/// RFC 9293's connection state diagram (its figure 5, with the transitions NanoTcp traces) as
/// inline SVG for the step-through page: each state a &lt;g class="node" data-state="..."&gt;,
/// each transition a &lt;g class="edge" data-edge="FROM&gt;TO"&gt;, lit by the page's script.
/// </summary>
public static class StateDiagram
{
    private static readonly Dictionary<string, (double X, double Y)> Nodes = new()
    {
        ["CLOSED"] = (280, 30),
        ["LISTEN"] = (280, 108),
        ["SYN-RECEIVED"] = (95, 192),
        ["SYN-SENT"] = (465, 192),
        ["ESTABLISHED"] = (280, 280),
        ["FIN-WAIT-1"] = (95, 372),
        ["CLOSE-WAIT"] = (465, 372),
        ["CLOSING"] = (280, 430),
        ["FIN-WAIT-2"] = (95, 490),
        ["LAST-ACK"] = (465, 490),
        ["TIME-WAIT"] = (280, 580),
    };

    /// <summary>(from, to, label, waypoints): the label says what is received / sent, as in the RFC.</summary>
    private static readonly (string From, string To, string Label, (double X, double Y)[] Via)[] Edges =
    {
        ("CLOSED", "LISTEN", "passive open", Array.Empty<(double, double)>()),
        ("CLOSED", "SYN-SENT", "active open / SYN", new[] { (465.0, 30.0) }),
        ("LISTEN", "SYN-RECEIVED", "SYN / SYN,ACK", Array.Empty<(double, double)>()),
        ("LISTEN", "SYN-SENT", "send / SYN", Array.Empty<(double, double)>()),
        ("SYN-SENT", "SYN-RECEIVED", "SYN / SYN,ACK", Array.Empty<(double, double)>()),
        ("SYN-RECEIVED", "ESTABLISHED", "ACK", Array.Empty<(double, double)>()),
        ("SYN-SENT", "ESTABLISHED", "SYN,ACK / ACK", Array.Empty<(double, double)>()),
        ("SYN-RECEIVED", "LISTEN", "RST", new[] { (150.0, 140.0) }),
        ("SYN-RECEIVED", "CLOSED", "RST", new[] { (40.0, 150.0), (40.0, 30.0) }),
        ("SYN-SENT", "CLOSED", "close or RST", new[] { (540.0, 150.0), (540.0, 30.0) }),
        ("SYN-RECEIVED", "FIN-WAIT-1", "close / FIN", Array.Empty<(double, double)>()),
        ("ESTABLISHED", "FIN-WAIT-1", "close / FIN", Array.Empty<(double, double)>()),
        ("ESTABLISHED", "CLOSE-WAIT", "FIN / ACK", Array.Empty<(double, double)>()),
        ("ESTABLISHED", "CLOSED", "RST", new[] { (205.0, 150.0), (215.0, 40.0) }),
        ("FIN-WAIT-1", "FIN-WAIT-2", "ACK", Array.Empty<(double, double)>()),
        ("FIN-WAIT-1", "CLOSING", "FIN / ACK", Array.Empty<(double, double)>()),
        ("FIN-WAIT-1", "TIME-WAIT", "FIN,ACK / ACK", new[] { (190.0, 520.0) }),
        ("FIN-WAIT-2", "TIME-WAIT", "FIN / ACK", Array.Empty<(double, double)>()),
        ("CLOSING", "TIME-WAIT", "ACK", Array.Empty<(double, double)>()),
        ("CLOSE-WAIT", "LAST-ACK", "close / FIN", Array.Empty<(double, double)>()),
        ("LAST-ACK", "CLOSED", "ACK", new[] { (552.0, 490.0), (552.0, 18.0) }),
        ("TIME-WAIT", "CLOSED", "2MSL timeout", new[] { (18.0, 580.0), (18.0, 18.0) }),
    };

    public const double NodeWidth = 132, NodeHeight = 30;

    public static IEnumerable<string> States => Nodes.Keys;
    public static IEnumerable<string> Transitions => Edges.Select(e => $"{e.From}>{e.To}");

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Svg()
    {
        var s = new StringBuilder();
        s.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 610 610\" role=\"img\" aria-label=\"TCP state diagram\">\n<defs>");
        s.Append("<marker id=\"sd-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#78909c\"/></marker>");
        s.Append("<linearGradient id=\"both\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\"><stop offset=\"50%\" stop-color=\"#bbdefb\"/><stop offset=\"50%\" stop-color=\"#ffe0b2\"/></linearGradient></defs>\n");
        foreach (var (from, to, label, via) in Edges)
        {
            var a = Nodes[from];
            var b = Nodes[to];
            var points = new List<(double X, double Y)> { a };
            points.AddRange(via);
            points.Add(b);
            // Leave and enter at the boxes' borders.
            points[0] = Border(a, points[1]);
            points[^1] = Border(b, points[^2]);
            var d = new StringBuilder($"M{F(points[0].X)},{F(points[0].Y)}");
            foreach (var p in points.Skip(1)) d.Append($" L{F(p.X)},{F(p.Y)}");
            // The label at the middle of the longest leg.
            int leg = Enumerable.Range(0, points.Count - 1).OrderByDescending(i => Math.Abs(points[i + 1].X - points[i].X) + Math.Abs(points[i + 1].Y - points[i].Y)).First();
            double lx = (points[leg].X + points[leg + 1].X) / 2, ly = (points[leg].Y + points[leg + 1].Y) / 2;
            // Labels of legs near the right edge go to the leg's left.
            string anchor = lx > 500 ? " text-anchor=\"end\"" : "";
            s.Append($"<g class=\"edge\" data-edge=\"{from}&gt;{to}\"><path d=\"{d}\"/><text x=\"{F(lx > 500 ? lx - 4 : lx + 4)}\" y=\"{F(ly - 3)}\"{anchor}>{label}</text></g>\n");
        }
        foreach (var (state, (x, y)) in Nodes)
        {
            s.Append($"<g class=\"node\" data-state=\"{state}\" id=\"state-{state}\"><rect x=\"{F(x - NodeWidth / 2)}\" y=\"{F(y - NodeHeight / 2)}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"15\"/>");
            s.Append($"<text x=\"{F(x)}\" y=\"{F(y + 4)}\" text-anchor=\"middle\" font-weight=\"bold\">{state}</text>");
            s.Append($"<text class=\"badge pc\" x=\"{F(x - NodeWidth / 2 - 4)}\" y=\"{F(y - 11)}\" text-anchor=\"end\" fill=\"#1e88e5\" font-weight=\"bold\">PC</text>");
            s.Append($"<text class=\"badge board\" x=\"{F(x + NodeWidth / 2 + 4)}\" y=\"{F(y - 11)}\" fill=\"#fb8c00\" font-weight=\"bold\">board</text></g>\n");
        }
        s.Append("</svg>\n");
        return s.ToString();
    }

    /// <summary>Where the line from a box's centre towards <paramref name="to"/> leaves the box.</summary>
    private static (double X, double Y) Border((double X, double Y) c, (double X, double Y) to)
    {
        double dx = to.X - c.X, dy = to.Y - c.Y;
        if (dx == 0 && dy == 0) return c;
        double tx = dx == 0 ? double.MaxValue : (NodeWidth / 2) / Math.Abs(dx);
        double ty = dy == 0 ? double.MaxValue : (NodeHeight / 2) / Math.Abs(dy);
        double t = Math.Min(tx, ty);
        return (c.X + dx * t, c.Y + dy * t);
    }
}
