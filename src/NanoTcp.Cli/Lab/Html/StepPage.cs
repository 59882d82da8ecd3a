#nullable enable

using System.Net;
using System.Text;
using System.Text.Json;
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;

namespace NanoTcp.Cli.Lab.Html;

/// <summary>One step of the page: what happened, both sides' states after it, what to light.</summary>
public sealed record PageStep(int Index, long TimeMs, string Side, string Title, string Explanation, string PcState, string BoardState,
    string? PcEdge, string? BoardEdge, int[] Items, string? Detail);

/// <summary>
/// `--html FILE`: one self-contained page per scenario (no network access needed): the ladder
/// with the exchange lit up to the current step, forward and back one segment or event at a
/// time (buttons, arrow keys, #step=N in the address), both sides' current states lit on RFC
/// 9293's state diagram, the selected segment's fields as Wireshark's detail pane shows them,
/// and the explanation of the step.
/// </summary>
public static class StepPage
{
    public static IReadOnlyList<PageStep> Steps(LabRun run, LadderDiagram d)
    {
        var steps = new List<PageStep>();
        string pc = d.Left.InitialState ?? "CLOSED", board = d.Right.InitialState ?? "CLOSED";
        string? pcEdge = null, boardEdge = null;
        var index = Ids(d);
        string Name(LadderSide s) => d.Party(s).Name;
        foreach (var item in d.Items)
        {
            string side = Name(item.Side);
            switch (item)
            {
                case LadderStateChange s:
                {
                    if (s.Side == LadderSide.Left) { pc = s.To; pcEdge = $"{s.From}>{s.To}"; }
                    else { board = s.To; boardEdge = $"{s.From}>{s.To}"; }
                    string text = $"{side} enters {s.To}: {StateMeaning(s.To)}.";
                    var last = steps.Count > 0 ? steps[^1] : null;
                    // A change caused by what just happened on the same side joins that step.
                    if (last != null && last.Side == side && last.TimeMs == s.TimeMs)
                    {
                        steps[^1] = last with
                        {
                            Explanation = last.Explanation + " " + text,
                            Title = last.Title + $" · {side} {s.To}",
                            PcState = pc, BoardState = board, PcEdge = pcEdge, BoardEdge = boardEdge,
                            Items = last.Items.Append(index[s]).ToArray(),
                        };
                        continue;
                    }
                    steps.Add(new PageStep(steps.Count, s.TimeMs, side, $"{side}: {s.From} → {s.To}", text, pc, board, pcEdge, boardEdge, new[] { index[s] }, null));
                    break;
                }
                case LadderArrow a:
                {
                    string to = Name(LadderDiagram.Other(a.Side));
                    string title = $"{side} sends {a.FlagNames}" + (a.Length > 0 ? $" [{a.Length} {(a.Length == 1 ? "byte" : "bytes")}]" : "");
                    if (a.Unsent) title = $"an old {a.FlagNames} from the {side} arrives";
                    steps.Add(new PageStep(steps.Count, a.TimeMs, side, title, Sent(a, side, to, d), pc, board, pcEdge, boardEdge,
                        new[] { index[a] }, Detail(run, a, d)));
                    break;
                }
                case LadderArrival r:
                {
                    var a = r.Arrow;
                    if (a.Unsent) continue; // its arrival is the step of its appearance
                    long transit = r.TimeMs - a.TimeMs;
                    string text = $"The {a.FlagNames} from the {Name(a.Side)} arrives at the {side}" + (transit > 0 ? $", {transit} ms after it left." : ".");
                    if (a.Duplicate) text += " It is the network's late copy of a segment that already arrived.";
                    if (a.Handling != null) text += $" The {side} does not take it: {a.Handling}.";
                    steps.Add(new PageStep(steps.Count, r.TimeMs, side, $"{a.FlagNames} arrives at the {side}", text, pc, board, pcEdge, boardEdge,
                        new[] { index[a] }, Detail(run, a, d)));
                    break;
                }
                case LadderNote n when n.Drop:
                    // Told with the arrival it belongs to, and lit with it.
                    if (steps.Count > 0) steps[^1] = steps[^1] with { Items = steps[^1].Items.Append(index[n]).ToArray() };
                    continue;
                case LadderNote n:
                {
                    // A timer drawn as a bar has no item of its own: the bar appears with the step's time.
                    var lit = n.Timer != null && LadderSvgRenderer.BarTimers.Contains(n.Timer) ? Array.Empty<int>() : new[] { index[n] };
                    steps.Add(new PageStep(steps.Count, n.TimeMs, side, $"{side}: {n.Text}", TimerMeaning(n, side), pc, board, pcEdge, boardEdge, lit, null));
                    break;
                }
            }
        }
        return steps;
    }

    /// <summary>Item numbers for the SVG's ids, by reference (two identical segments are two items).</summary>
    private static Dictionary<LadderItem, int> Ids(LadderDiagram d)
    {
        var ids = new Dictionary<LadderItem, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < d.Items.Count; i++) ids[d.Items[i]] = i;
        return ids;
    }

    public static string Render(LabRun run, LadderDiagram d, LabView view)
    {
        var steps = Steps(run, d);
        string svg = LadderSvgRenderer.Render(d, view.Svg() with { ItemIds = Ids(d) });
        svg = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
        var s = run.Script;
        var json = JsonSerializer.Serialize(steps.Select(x => new
        {
            t = x.TimeMs, side = x.Side, title = x.Title, text = x.Explanation, pc = x.PcState, board = x.BoardState,
            pcEdge = x.PcEdge, boardEdge = x.BoardEdge, items = x.Items, detail = x.Detail,
        })).Replace("</", "<\\/");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append($"<title>{E(s.Title)} — nanotcp lab {E(s.Name)}</title>\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append($"<header><h1>{E(s.Title)}</h1><div class=\"sub\">nanotcp lab {E(s.Name)}{(run.Seed != 0 ? $" --seed {run.Seed}" : "")} · outcome: {E(run.Outcome)}</div>");
        if (s.LookFor.Length > 0) html.Append($"<p class=\"look\">{E(s.LookFor).Replace("\n", " ")}</p>");
        html.Append("</header>\n<main>\n<section class=\"ladder\" id=\"ladder\">\n").Append(svg).Append("</section>\n");
        html.Append("<section class=\"side\">\n");
        html.Append("<nav><button id=\"first\" title=\"first step (Home)\">« First</button><button id=\"back\" title=\"back (←)\">◀ Back</button>");
        html.Append("<span id=\"counter\">0 / 0</span><button id=\"next\" title=\"next (→)\">Next ▶</button><button id=\"last\" title=\"last step (End)\">Last »</button></nav>\n");
        html.Append("<div class=\"step\"><div id=\"time\"></div><h2 id=\"title\"></h2><p id=\"text\"></p></div>\n");
        html.Append("<div class=\"detail\"><h3>Segment</h3><div id=\"detail\"><p class=\"none\">Select a segment: step to it.</p></div></div>\n");
        html.Append("<div class=\"states\"><h3>States (RFC 9293) <span class=\"key pc\">PC</span> <span class=\"key board\">board</span></h3>\n");
        html.Append(StateDiagram.Svg()).Append("</div>\n");
        html.Append("</section>\n</main>\n");
        html.Append($"<script type=\"application/json\" id=\"steps\">{json}</script>\n");
        html.Append("<script>\n").Append(Js).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>What a segment leaving says, in a teacher's words.</summary>
    private static string Sent(LadderArrow a, string side, string to, LadderDiagram d)
    {
        var t = new StringBuilder();
        if (a.Unsent)
            t.Append($"A {a.FlagNames} the {side} sent long ago (seq {a.Seq}) reaches the {to} now; the {side}'s trace never shows it leaving. ");
        if (a.Has(0x04)) t.Append($"The {side} resets the connection (RST, seq {a.RelativeSeq}): no handshake, no TIME-WAIT; the other side drops its state at once. ");
        else if (a.Has(0x02) && !a.Has(0x10)) t.Append($"The {side} asks to open a connection: SYN with its initial sequence number (ISN) {a.Seq}, relative 0" + (a.Mss > 0 ? $", announcing MSS {a.Mss}" : "") + ". ");
        else if (a.Has(0x02)) t.Append($"The {side} answers the SYN: its own SYN (ISN {a.Seq}, relative 0) and ACK {a.RelativeAck}: the {to}'s ISN + 1, because a SYN takes one sequence number. ");
        else if (a.Has(0x01)) t.Append($"The {side} has nothing more to send: FIN at relative seq {a.RelativeSeq} (a FIN takes one sequence number)" + (a.Length > 0 ? $", after {a.Length} bytes of data" : "") + $"; it also acknowledges up to {a.RelativeAck}. ");
        else if (a.Length > 0) t.Append($"The {side} sends {a.Length} {(a.Length == 1 ? "byte" : "bytes")}: relative sequence numbers {a.RelativeSeq} to {a.RelativeSeq + (uint)a.Length - 1}; it acknowledges up to {a.RelativeAck}. ");
        else t.Append($"The {side} acknowledges everything up to relative {a.RelativeAck} (the next byte it expects from the {to}). ");
        if (a.Window == 0 && !a.Has(0x04)) t.Append($"Window 0: its receive buffer is full, the {to} must stop sending and probe. ");
        else if (!a.Has(0x04)) t.Append($"Window {a.Window}: how many more bytes it can take. ");
        if (a.Length == 1 && d.Arrows.Any(x => x.Side != a.Side && x.Window == 0 && x.TimeMs < a.TimeMs)) t.Append("A one-byte probe: is the window still zero? ");
        var earlier = d.Arrows.TakeWhile(x => !ReferenceEquals(x, a)).Where(x => x.Side == a.Side && x.Seq == a.Seq && x.Flags == a.Flags && x.Length == a.Length && !x.Duplicate).ToList();
        if (earlier.Count > 0 && !a.Duplicate && (a.Length > 0 || (a.Flags & 0x03) != 0)) t.Append("It is a retransmission: the same segment left before without being acknowledged. ");
        if (a.Lost) t.Append("This segment is lost on the wire: it never arrives, and only a timer can repair that. ");
        if (a.Duplicate) t.Append("The network delivers a second copy of it, late. ");
        return t.ToString().TrimEnd();
    }

    public static string StateMeaning(string state) => state switch
    {
        "CLOSED" => "no connection any more",
        "LISTEN" => "it waits for a SYN",
        "SYN-SENT" => "it has sent a SYN and waits for the SYN-ACK",
        "SYN-RECEIVED" => "it has answered a SYN and waits for the ACK of its own SYN",
        "ESTABLISHED" => "the connection is open, data can flow both ways",
        "FIN-WAIT-1" => "it has sent its FIN and waits for its ACK",
        "FIN-WAIT-2" => "its FIN is acknowledged; it waits for the other side's FIN (it can still receive data)",
        "CLOSE-WAIT" => "the other side has closed its direction; it waits for its own application to close (it can still send)",
        "CLOSING" => "both FINs crossed: it waits for the ACK of its own FIN",
        "LAST-ACK" => "it has sent its FIN after the other's and waits for the last ACK",
        "TIME-WAIT" => "it sent the last ACK and waits 2 x MSL, to answer a retransmitted FIN again and let old segments die out",
        _ => "",
    };

    private static string TimerMeaning(LadderNote n, string side) => n.Timer switch
    {
        "retransmit" => $"The {side}'s retransmission timer (RTO) expired without an acknowledgment: it sends the oldest unacknowledged segment again, and doubles its RTO (next: {n.TimerValue} ms, RFC 6298).",
        "persist" => $"The {side}'s persist timer fired while the other side's window is zero: it sends a one-byte probe; the interval doubles (next: {n.TimerValue} ms).",
        "delayed-ack" => $"The {side} held its ACK for {n.TimerValue} ms, in case data would leave with it; now it goes alone.",
        "2msl-start" => $"TIME-WAIT begins on the {side}: 2 x MSL = {n.TimerValue / 1000.0:0.###} s before the connection's numbers may be used again.",
        "2msl-restart" => $"A FIN arrived again in TIME-WAIT: the {side} ACKs it again and restarts 2MSL ({n.TimerValue / 1000.0:0.###} s).",
        "2msl-expired" => $"2MSL is over: the {side} forgets the connection.",
        "rtt-sample" => $"The {side} measured a round trip of {n.TimerValue} ms (RFC 6298 smooths it into its RTO).",
        _ => $"{side}: {n.Text}.",
    };

    /// <summary>The segment's fields, as Wireshark's detail pane lists them.</summary>
    private static string? Detail(LabRun run, LadderArrow a, LadderDiagram d)
    {
        var sender = a.Side == LadderSide.Left ? LabSide.Pc : LabSide.Board;
        WireSegment? seg = null;
        foreach (var f in run.Frames)
        {
            bool mine = (f.Side == sender && f.Sent) || (a.Unsent && f.Side != sender && !f.Sent);
            if (!mine || f.TimeMs != (a.Unsent ? a.ReceivedMs : a.TimeMs)) continue;
            var s = WireSegment.Decode(f.Bytes, 0, f.Bytes.Length);
            if (s != null && s.Seq == a.Seq && s.Flags == a.Flags && s.Payload.Length == a.Length) { seg = s; break; }
        }
        if (seg == null) return null;
        var h = new StringBuilder();
        string src = $"{NanoTcp.Wire.Ipv4Address.Format(seg.SrcIp)}", dst = $"{NanoTcp.Wire.Ipv4Address.Format(seg.DstIp)}";
        h.Append($"<div class=\"tree\"><div class=\"head\">Internet Protocol Version 4, Src: {src}, Dst: {dst}</div>");
        h.Append($"<div class=\"head\">Transmission Control Protocol, Src Port: {seg.SrcPort}, Dst Port: {seg.DstPort}, Seq: {a.RelativeSeq}" + (a.RelativeAck is uint ra ? $", Ack: {ra}" : "") + $", Len: {a.Length}</div><ul>");
        void Li(string text) => h.Append($"<li>{E(text)}</li>");
        Li($"Source Port: {seg.SrcPort}");
        Li($"Destination Port: {seg.DstPort}");
        Li($"Sequence Number: {a.RelativeSeq}    (relative sequence number)");
        Li($"Sequence Number (raw): {seg.Seq}");
        if (a.Length > 0 || a.Has(0x03)) Li($"[Next Sequence Number: {a.RelativeSeq + (uint)a.Length + (a.Has(0x02) ? 1u : 0u) + (a.Has(0x01) ? 1u : 0u)}    (relative sequence number)]");
        if (a.Has(0x10))
        {
            Li($"Acknowledgment Number: {a.RelativeAck}    (relative ack number)");
            Li($"Acknowledgment number (raw): {seg.Ack}");
        }
        Li($"Header Length: {20 + seg.Options.Length} bytes");
        h.Append($"<li>Flags: 0x{seg.Flags:x3} ({E(a.FlagNames)})<ul>");
        foreach (var (bit, name) in new[] { (0x20, "Urgent"), (0x10, "Acknowledgment"), (0x08, "Push"), (0x04, "Reset"), (0x02, "Syn"), (0x01, "Fin") })
        {
            bool set = (seg.Flags & bit) != 0;
            h.Append($"<li class=\"{(set ? "set" : "unset")}\">{Bits(seg.Flags, bit)} = {name}: {(set ? "Set" : "Not set")}</li>");
        }
        h.Append("</ul></li>");
        Li($"Window: {seg.Window}");
        if (seg.Options.Length > 0)
        {
            h.Append($"<li>Options: ({seg.Options.Length} bytes)<ul>");
            if (seg.Mss > 0) Li($"Maximum segment size: {seg.Mss} bytes");
            Li("raw: " + Convert.ToHexString(seg.Options).ToLowerInvariant());
            h.Append("</ul></li>");
        }
        if (seg.Payload.Length > 0)
        {
            string ascii = new string(seg.Payload.Take(64).Select(b => b >= 32 && b < 127 ? (char)b : '.').ToArray());
            Li($"TCP payload ({seg.Payload.Length} {(seg.Payload.Length == 1 ? "byte" : "bytes")}): \"{ascii}\"" + (seg.Payload.Length > 64 ? " ..." : ""));
            Li("hex: " + Convert.ToHexString(seg.Payload.Take(32).ToArray()).ToLowerInvariant() + (seg.Payload.Length > 32 ? " ..." : ""));
        }
        h.Append("</ul></div>");
        var notes = new List<string>();
        if (a.Lost) notes.Add("lost on the wire: it never reached the other side");
        if (a.ReceivedMs is long r && !a.Lost) notes.Add($"sent at {a.TimeMs} ms, arrived at {r} ms");
        if (a.Handling != null) notes.Add("the receiver: " + a.Handling);
        if (notes.Count > 0) h.Append($"<p class=\"fate\">{E(string.Join("; ", notes))}</p>");
        return h.ToString();
    }

    private static string Bits(int flags, int bit)
    {
        var b = new StringBuilder();
        for (int i = 11; i >= 0; i--)
        {
            b.Append((1 << i) == bit ? ((flags & bit) != 0 ? '1' : '0') : '.');
            if (i % 4 == 0 && i > 0) b.Append(' ');
        }
        return b.ToString();
    }

    private const string Css = """
        body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; color: #263238; background: #fafafa; }
        header { padding: 10px 20px 4px; background: white; border-bottom: 1px solid #cfd8dc; }
        h1 { font-size: 22px; margin: 4px 0; }
        .sub { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; color: #607d8b; }
        .look { font-size: 14px; color: #455a64; margin: 6px 0; max-width: 1400px; }
        main { display: flex; gap: 14px; padding: 12px; align-items: flex-start; }
        .ladder { flex: 1 1 58%; background: white; border: 1px solid #cfd8dc; border-radius: 6px; }
        .ladder svg { width: 100%; height: auto; display: block; }
        .side { flex: 1 1 42%; display: flex; flex-direction: column; gap: 10px; min-width: 420px; }
        nav { display: flex; gap: 8px; align-items: center; }
        nav button { font-size: 16px; padding: 6px 14px; border-radius: 6px; border: 1px solid #90a4ae; background: white; cursor: pointer; }
        nav button:disabled { opacity: 0.4; cursor: default; }
        #counter { font-family: "DejaVu Sans Mono", monospace; min-width: 80px; text-align: center; }
        .step, .states, .detail { background: white; border: 1px solid #cfd8dc; border-radius: 6px; padding: 8px 14px; }
        .step h2 { font-size: 18px; margin: 4px 0; }
        #time { font-family: "DejaVu Sans Mono", monospace; color: #78909c; font-size: 13px; }
        #text { font-size: 15px; line-height: 1.4; margin: 4px 0; }
        h3 { font-size: 15px; margin: 2px 0 6px; }
        .key { font-size: 12px; padding: 1px 6px; border-radius: 8px; color: white; }
        .key.pc, .badge.pc { background: #1e88e5; }
        .key.board, .badge.board { background: #fb8c00; }
        .states svg { width: 100%; max-width: 470px; max-height: 380px; height: auto; display: block; margin: auto; }
        .node rect { fill: #f5f5f5; stroke: #b0bec5; stroke-width: 1.5; }
        .node text { font-size: 12px; fill: #455a64; }
        .node.pc rect { fill: #e3f2fd; stroke: #1e88e5; stroke-width: 3; }
        .node.board rect { fill: #fff3e0; stroke: #fb8c00; stroke-width: 3; }
        .node.pc.board rect { fill: url(#both); stroke: #6d4c41; }
        .node .badge { display: none; }
        .node.pc .badge.pc, .node.board .badge.board { display: inline; }
        .edge path { stroke: #cfd8dc; stroke-width: 1.3; fill: none; marker-end: url(#sd-arrow); }
        .edge text { font-size: 9.5px; fill: #90a4ae; }
        .edge.pc path { stroke: #1e88e5; stroke-width: 3; }
        .edge.board path { stroke: #fb8c00; stroke-width: 3; }
        .edge.pc text, .edge.board text { fill: #37474f; font-weight: bold; }
        .tree { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
        .tree .head { font-weight: bold; margin: 2px 0; }
        .tree ul { list-style: none; padding-left: 16px; margin: 2px 0; }
        .tree li.unset { color: #90a4ae; }
        .fate { font-size: 13px; color: #b71c1c; margin: 6px 0 2px; }
        .none { color: #90a4ae; font-size: 14px; }
        g.item, g.bar { transition: opacity 0.15s; }
        g.item.future, g.bar.future { opacity: 0.12; }
        g.item.now line, g.item.now path { stroke-width: 5; }
        g.item.now text { font-weight: bold; }
        g.item.now rect { stroke-width: 4; }
        """;

    private const string Js = """
        (function () {
          'use strict';
          var steps = JSON.parse(document.getElementById('steps').textContent);
          var items = Array.prototype.slice.call(document.querySelectorAll('#ladder g.item'));
          var bars = Array.prototype.slice.call(document.querySelectorAll('#ladder g.bar'));
          var current = 0;
          function el(id) { return document.getElementById(id); }
          function show(i) {
            if (steps.length === 0) return;
            current = Math.max(0, Math.min(steps.length - 1, i));
            var s = steps[current];
            var lit = {};
            var last = 0;
            for (var k = 0; k <= current; k++) steps[k].items.forEach(function (n) { lit[n] = true; last = Math.max(last, n); });
            items.forEach(function (g) {
              var n = parseInt(g.id.substring(5), 10);
              g.classList.toggle('future', !lit[n]);
              g.classList.toggle('now', s.items.indexOf(n) >= 0);
            });
            bars.forEach(function (g) { g.classList.toggle('future', parseInt(g.getAttribute('data-t'), 10) > s.t); });
            el('counter').textContent = (current + 1) + ' / ' + steps.length;
            el('time').textContent = s.t + ' ms · ' + s.side;
            el('title').textContent = s.title;
            el('text').textContent = s.text;
            el('detail').innerHTML = s.detail || '<p class="none">No segment in this step: the last one selected stays in the diagram.</p>';
            Array.prototype.forEach.call(document.querySelectorAll('.node'), function (n) {
              var st = n.getAttribute('data-state');
              n.classList.toggle('pc', st === s.pc);
              n.classList.toggle('board', st === s.board);
            });
            Array.prototype.forEach.call(document.querySelectorAll('.edge'), function (e) {
              var id = e.getAttribute('data-edge');
              e.classList.toggle('pc', id === s.pcEdge);
              e.classList.toggle('board', id === s.boardEdge);
            });
            el('back').disabled = el('first').disabled = current === 0;
            el('next').disabled = el('last').disabled = current === steps.length - 1;
            var now = items.filter(function (g) { return g.classList.contains('now'); })[0];
            if (now && now.scrollIntoView && window.innerHeight < document.body.scrollHeight) now.scrollIntoView({ block: 'nearest' });
            if (history.replaceState) history.replaceState(null, '', '#step=' + (current + 1));
          }
          el('next').addEventListener('click', function () { show(current + 1); });
          el('back').addEventListener('click', function () { show(current - 1); });
          el('first').addEventListener('click', function () { show(0); });
          el('last').addEventListener('click', function () { show(steps.length - 1); });
          document.addEventListener('keydown', function (e) {
            if (e.key === 'ArrowRight' || e.key === ' ') { show(current + 1); e.preventDefault(); }
            else if (e.key === 'ArrowLeft') { show(current - 1); e.preventDefault(); }
            else if (e.key === 'Home') show(0);
            else if (e.key === 'End') show(steps.length - 1);
          });
          var m = /step=(\d+)/.exec(location.hash);
          show(m ? parseInt(m[1], 10) - 1 : 0);
          window.labStep = { show: show, current: function () { return current; }, count: steps.length };
        })();
        """;
}
