#nullable enable

using System.Net;
using System.Text;
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;

namespace NanoTcp.Cli.Lab.Exercise;

/// <summary>What a blank asks for, which decides how an answer is compared.</summary>
public enum BlankKind
{
    Number,
    State,
    Side,
    Choice,
}

/// <summary>One blank of a worksheet: its number, what it asks and the right answer.</summary>
public sealed record Blank(int Number, BlankKind Kind, string Answer, string Where);

/// <summary>One row of the exchange table: a segment, with some fields left blank.</summary>
public sealed record SheetRow(int Index, string Time, string From, string To, string Flags, string Seq, string Ack, int Length,
    string SenderState, string ReceiverState);

/// <summary>
/// `--exercise`: a worksheet of the exchange with chosen fields blank (the states after each
/// arrow, sequence and acknowledgment numbers, which side retransmits and when) and the
/// scenario's questions, in Markdown and HTML, and its answer key. Everything follows from the
/// scenario and the seed: each student's seed gives other numbers and other blanks, and the
/// key of a seed is always the same (<see cref="WorksheetGrader"/> rebuilds it to grade).
/// </summary>
public sealed class Worksheet
{
    public const string Header = "nanotcp lab worksheet";

    private Worksheet(LabRun run)
    {
        Run = run;
    }

    public LabRun Run { get; }
    public List<SheetRow> Rows { get; } = new();
    public List<Blank> Blanks { get; } = new();
    /// <summary>The questions, their options in this seed's order, and the blank of each.</summary>
    public List<(string Question, string[] Options, int Blank)> Questions { get; } = new();

    /// <summary>The scenario as `lab check` finds it again: a built-in name, or the file it was read from.</summary>
    public string ScenarioReference => LabScenarios.Find(Run.Script.Name) is { } b && ReferenceEquals(b, Run.Script) ? Run.Script.Name : Run.Script.Source;

    public static Worksheet Create(LabRun run, LadderDiagram d)
    {
        var w = new Worksheet(run);
        var rand = new Rand(run.Seed * 2654435761u ^ Hash(run.Script.Name) ^ 0x5eed);
        string Name(LadderSide s) => d.Party(s).Name;
        var isnShown = new HashSet<LadderSide>();
        var arrows = d.Arrows.ToList();
        var order = d.Items.ToList();
        var position = new Dictionary<LadderItem, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) position[order[i]] = i;
        var arrivals = new Dictionary<LadderItem, int>(ReferenceEqualityComparer.Instance);
        foreach (LadderArrival r in order.OfType<LadderArrival>()) arrivals[r.Arrow] = position[r];

        // A side's state at an item: its last change up to it; after an arrival, with the changes it caused.
        string StateAt(LadderSide side, int at, bool consequences)
        {
            int end = at;
            while (consequences && end + 1 < order.Count && order[end + 1] is LadderStateChange s && order[end + 1].TimeMs == order[at].TimeMs) end++;
            return order.Take(end + 1).OfType<LadderStateChange>().LastOrDefault(s => s.Side == side)?.To ?? d.Party(side).InitialState ?? "CLOSED";
        }

        string Fill(BlankKind kind, string answer, string where, bool blank)
        {
            if (!blank) return answer;
            int n = w.Blanks.Count + 1;
            w.Blanks.Add(new Blank(n, kind, answer, where));
            return $"[{n}: ________]";
        }

        for (int i = 0; i < arrows.Count; i++)
        {
            var a = arrows[i];
            int row = i + 1;
            var sender = a.Side;
            var receiver = LadderDiagram.Other(sender);
            bool retransmission = arrows.Take(i).Any(x => x.Side == a.Side && x.Seq == a.Seq && x.Flags == a.Flags && x.Length == a.Length && !x.Duplicate)
                && !a.Duplicate && (a.Length > 0 || (a.Flags & 0x03) != 0);
            // The first SYN of each side gives its ISN: without it no other number could be worked out.
            bool givesIsn = a.Has(0x02) && isnShown.Add(sender);
            bool Pick(int perMille) => rand.ChancePerMille(perMille);
            string time = Fill(BlankKind.Number, a.TimeMs.ToString(), $"row {row}: when it is sent (ms)", retransmission);
            string from = Fill(BlankKind.Side, Name(sender), $"row {row}: who sends it", retransmission);
            string seq = Fill(BlankKind.Number, a.Seq.ToString(), $"row {row}: seq", !givesIsn && !a.Unsent && Pick(450));
            string ack = a.Ack is uint ackNumber ? Fill(BlankKind.Number, ackNumber.ToString(), $"row {row}: ack", !a.Has(0x04) && Pick(450)) : "";
            string senderState = Fill(BlankKind.State, StateAt(sender, position[a], consequences: false), $"row {row}: {Name(sender)}'s state when it leaves", Pick(300));
            string receiverState = a.Lost || !arrivals.TryGetValue(a, out int arrival)
                ? "(lost)"
                : Fill(BlankKind.State, StateAt(receiver, arrival, consequences: true), $"row {row}: {Name(receiver)}'s state after it arrives", Pick(550));
            if (a.Handling != null && receiverState != "(lost)") receiverState += " (discards it)";
            w.Rows.Add(new SheetRow(row, time, from, Name(receiver), a.FlagNames, seq, ack, a.Length, senderState, receiverState));
        }
        // At least one state and one number to work out, whatever the seed drew.
        if (!w.Blanks.Any(b => b.Kind == BlankKind.State) && w.Rows.Count > 1) ForceBlank(w, w.Rows.Count - 1, state: true);
        if (!w.Blanks.Any(b => b.Kind == BlankKind.Number) && w.Rows.Count > 1) ForceBlank(w, w.Rows.Count - 1, state: false);

        foreach (var quiz in run.Script.Quizzes)
        {
            var options = quiz.Options.ToArray();
            // Shuffle (Fisher-Yates) with the seed: the right answer is not always a).
            for (int i = options.Length - 1; i > 0; i--)
            {
                int j = rand.Next(i + 1);
                (options[i], options[j]) = (options[j], options[i]);
            }
            char letter = (char)('a' + Array.IndexOf(options, quiz.Options[0]));
            int n = w.Blanks.Count + 1;
            w.Blanks.Add(new Blank(n, BlankKind.Choice, letter.ToString(), $"question: {quiz.Question}"));
            w.Questions.Add((quiz.Question, options, n));
        }
        return w;
    }

    /// <summary>Makes one field of a row a blank after the fact (the seed drew none of that kind).</summary>
    private static void ForceBlank(Worksheet w, int rowIndex, bool state)
    {
        var r = w.Rows[rowIndex];
        int n = w.Blanks.Count + 1;
        string blank = $"[{n}: ________]";
        if (state && !r.SenderState.StartsWith('['))
        {
            w.Blanks.Add(new Blank(n, BlankKind.State, r.SenderState, $"row {r.Index}: {r.From}'s state when it leaves"));
            w.Rows[rowIndex] = r with { SenderState = blank };
        }
        else if (!state && r.Ack.Length > 0 && !r.Ack.StartsWith('['))
        {
            w.Blanks.Add(new Blank(n, BlankKind.Number, r.Ack, $"row {r.Index}: ack"));
            w.Rows[rowIndex] = r with { Ack = blank };
        }
    }

    private static uint Hash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }

    private string Command => $"nanotcp lab {(ScenarioReference == Run.Script.Name ? ScenarioReference : "run " + ScenarioReference)} --seed {Run.Seed}";

    /// <summary>The lines `lab check` reads back: which scenario and seed the worksheet is for.</summary>
    private string Identity => $"scenario: {ScenarioReference}\nseed: {Run.Seed}\n";

    public string Markdown() => Markdown(key: false);

    public string KeyMarkdown() => Markdown(key: true);

    private string Markdown(bool key)
    {
        var m = new StringBuilder();
        m.Append($"# {(key ? "Answer key" : "Worksheet")}: {Run.Script.Title}\n\n");
        m.Append($"<!-- {Header} -->\n");
        m.Append("```\n").Append(Identity).Append("```\n\n");
        if (!key)
        {
            m.Append($"Run `{Command}` (or open its step-through page: add `--html page.html`) and fill in each blank: ");
            m.Append("replace the underscores of `[N: ________]` with your answer and keep the brackets. States are RFC 9293's ");
            m.Append("names (SYN-SENT, ESTABLISHED, TIME-WAIT...), sequence and acknowledgment numbers the absolute ones of the ");
            m.Append("trace, sides `PC` or `board`, answers to questions a letter. Grade it with `nanotcp lab check FILE`.\n\n");
        }
        if (Run.Script.LookFor.Length > 0 && !key) m.Append("> ").Append(Run.Script.LookFor.Replace("\n", "\n> ")).Append("\n\n");
        m.Append("## The exchange\n\n");
        m.Append("Each row is one segment, in the order they were sent. seq and ack are absolute; len counts payload bytes.\n\n");
        m.Append("| # | time (ms) | from | to | flags | seq | ack | len | sender's state when it leaves | receiver's state after it arrives |\n");
        m.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in Rows)
        {
            m.Append($"| {r.Index} | {K(r.Time, key)} | {K(r.From, key)} | {r.To} | {r.Flags} | {K(r.Seq, key)} | {K(r.Ack, key)} | {r.Length} | {K(r.SenderState, key)} | {K(r.ReceiverState, key)} |\n");
        }
        if (Questions.Count > 0)
        {
            m.Append("\n## Questions\n\n");
            int q = 1;
            foreach (var (question, options, blank) in Questions)
            {
                m.Append($"{q++}. {question}\n\n");
                for (int i = 0; i < options.Length; i++) m.Append($"   {(char)('a' + i)}) {options[i]}\n");
                m.Append($"\n   answer: {K($"[{blank}: ________]", key)}\n\n");
            }
        }
        if (key)
        {
            m.Append("\n## Answers\n\n");
            foreach (var b in Blanks) m.Append($"- [{b.Number}: {b.Answer}]  {b.Where}\n");
        }
        return m.ToString();
    }

    /// <summary>In the key, a blank shows its answer.</summary>
    private string K(string cell, bool key)
    {
        if (!key || !cell.StartsWith('[')) return cell;
        int colon = cell.IndexOf(':');
        int n = int.Parse(cell[1..colon]);
        return $"[{n}: {Blanks[n - 1].Answer}]";
    }

    public string Html()
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        string Cell(string cell)
        {
            if (!cell.StartsWith('[')) return E(cell);
            int n = int.Parse(cell[1..cell.IndexOf(':')]);
            var b = Blanks[n - 1];
            string width = b.Kind == BlankKind.Number ? "11ch" : b.Kind == BlankKind.State ? "13ch" : "6ch";
            return $"<label class=\"blank\"><span>{n}</span><input name=\"b{n}\" data-blank=\"{n}\" style=\"width:{width}\" autocomplete=\"off\"></label>";
        }
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append($"<title>Worksheet: {E(Run.Script.Title)}</title>\n<style>\n");
        h.Append("body{font-family:\"DejaVu Sans\",Verdana,Arial,sans-serif;margin:24px;color:#263238;max-width:1500px}");
        h.Append("table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #cfd8dc;padding:4px 8px;text-align:left}th{background:#eceff1}");
        h.Append("td.num{font-family:\"DejaVu Sans Mono\",monospace}.blank span{font-size:11px;color:#78909c;margin-right:3px}");
        h.Append("input{font-family:\"DejaVu Sans Mono\",monospace;font-size:13px}pre{background:#f5f5f5;padding:8px}");
        h.Append("blockquote{color:#455a64;border-left:3px solid #90a4ae;margin:8px 0;padding-left:10px}button{font-size:15px;padding:6px 14px}");
        h.Append("</style>\n</head>\n<body>\n");
        h.Append($"<h1>Worksheet: {E(Run.Script.Title)}</h1>\n");
        h.Append($"<pre id=\"identity\">{E(Identity)}</pre>\n");
        h.Append($"<p>Run <code>{E(Command)}</code> (or open its step-through page) and fill in each box. States are RFC 9293's names, ");
        h.Append("seq and ack the absolute numbers of the trace, sides PC or board, answers to questions a letter. ");
        h.Append("<b>Save answers</b> writes a file for <code>nanotcp lab check FILE</code>.</p>\n");
        if (Run.Script.LookFor.Length > 0) h.Append($"<blockquote>{E(Run.Script.LookFor)}</blockquote>\n");
        h.Append("<h2>The exchange</h2>\n<table>\n<tr><th>#</th><th>time (ms)</th><th>from</th><th>to</th><th>flags</th><th>seq</th><th>ack</th><th>len</th><th>sender's state when it leaves</th><th>receiver's state after it arrives</th></tr>\n");
        foreach (var r in Rows)
            h.Append($"<tr><td>{r.Index}</td><td class=\"num\">{Cell(r.Time)}</td><td>{Cell(r.From)}</td><td>{E(r.To)}</td><td>{E(r.Flags)}</td><td class=\"num\">{Cell(r.Seq)}</td><td class=\"num\">{Cell(r.Ack)}</td><td class=\"num\">{r.Length}</td><td>{Cell(r.SenderState)}</td><td>{Cell(r.ReceiverState)}</td></tr>\n");
        h.Append("</table>\n");
        if (Questions.Count > 0)
        {
            h.Append("<h2>Questions</h2>\n<ol>\n");
            foreach (var (question, options, blank) in Questions)
            {
                h.Append($"<li><p>{E(question)}</p><ol type=\"a\">");
                foreach (var o in options) h.Append($"<li>{E(o)}</li>");
                h.Append($"</ol><p>answer: {Cell($"[{blank}: ________]")}</p></li>\n");
            }
            h.Append("</ol>\n");
        }
        h.Append("<p><button id=\"save\">Save answers</button></p>\n<pre id=\"answers\" hidden></pre>\n");
        h.Append("<script>\ndocument.getElementById('save').addEventListener('click',function(){\n");
        h.Append("var text='<!-- " + Header + " -->\\n'+document.getElementById('identity').textContent;\n");
        h.Append("document.querySelectorAll('input[data-blank]').forEach(function(i){text+='['+i.getAttribute('data-blank')+': '+i.value.trim()+']\\n';});\n");
        h.Append("var out=document.getElementById('answers');out.textContent=text;out.hidden=false;\n");
        h.Append("var a=document.createElement('a');a.href=URL.createObjectURL(new Blob([text],{type:'text/plain'}));a.download='answers.md';document.body.appendChild(a);a.click();a.remove();\n");
        h.Append("});\n</script>\n</body>\n</html>\n");
        return h.ToString();
    }
}
