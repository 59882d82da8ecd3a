#nullable enable

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NanoTcp.Tcp;

namespace NanoTcp.Cli.Lab.Script;

/// <summary>
/// Reads the lab's scenario format: one statement per line, '#' starts a comment, keywords in
/// any case. Settings describe the run, steps are executed in order at the current virtual time
/// (only `wait` lets time pass). Every error names the line. The README lists the statements;
/// in short:
/// <code>
/// lab time-wait                           the name (default: the file's name)
/// title Why TIME-WAIT lasts 2MSL          the question
/// > text                                  what to look for (repeatable)
/// axis time | events                      time-proportional diagram or one row per event
/// compare normal-close                    the scenario drawn beside it in compare mode
/// draw from FIN                           the diagram starts at the first FIN (SYN, data, RST)
/// show window                             keep win= in the textbook view
/// transit 20 ms                           one-way time on the wire
/// [pc|board] msl 2000 ms | window 1024 bytes | delayed-ack 200 ms | rto 1000 ms
/// outcome the PC left TIME-WAIT at {pc CLOSED} ms
/// quiz What does TIME-WAIT protect against?   followed by "- option" lines, the right one first
///
/// board echoes on 7 | board listens on 7
/// pc connects to 7 from 40000
/// pc sends "hello" | pc sends 4000 bytes
/// pc closes | pc aborts | board stops reading | board reads again
/// wait 300 ms | wait until pc is TIME-WAIT | wait until both are ESTABLISHED | wait until board has received 4000 bytes
/// on board CLOSE-WAIT: board closes
/// drop the board's first SYN-ACK | delay the pc's 2nd data segment by 300 ms
/// duplicate the pc's first data segment, the copy 400 ms late
/// inject old SYN from pc 40000 to 7 seq 1000
/// </code>
/// </summary>
public static class LabScriptParser
{
    /// <summary>Placeholders an outcome line may use: {pc STATE} (ms when last entered), {pc state}, {pc reason}, {pc received}, {pc text}.</summary>
    public static readonly Regex Placeholder = new(@"\{(pc|board) ([A-Za-z0-9-]+)\}", RegexOptions.CultureInvariant);

    private const long DefaultWaitLimitMs = 200_000;

    public static LabScript ParseFile(string path)
    {
        if (!File.Exists(path)) throw new LabScriptException(path, 0, "no such file");
        string name = Path.GetFileNameWithoutExtension(path);
        return Parse(File.ReadAllText(path), path, name);
    }

    public static LabScript Parse(string text, string source, string defaultName)
    {
        var s = new LabScript { Name = defaultName, Source = source };
        var lookFor = new StringBuilder();
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        List<string>? quizOptions = null;
        string? quizQuestion = null;
        int quizLine = 0;

        void EndQuiz(int line)
        {
            if (quizQuestion == null) return;
            if (quizOptions!.Count < 2)
                throw new LabScriptException(source, quizLine, "a quiz needs at least two '- option' lines after it (the right answer first)");
            s.Quizzes.Add(new LabQuiz(quizLine, quizQuestion, quizOptions.ToArray()));
            quizQuestion = null;
            quizOptions = null;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            int n = i + 1;
            string raw = lines[i].TrimEnd();
            string t = raw.TrimStart();
            if (t.StartsWith('>'))
            {
                lookFor.Append(t.Length > 1 && t[1] == ' ' ? t[2..] : t[1..]).Append('\n');
                continue;
            }
            int hash = IndexOfComment(t);
            if (hash >= 0) t = t[..hash].TrimEnd();
            if (t.Length == 0) continue;
            if (t.StartsWith("- ", StringComparison.Ordinal) || t == "-")
            {
                if (quizOptions == null) throw new LabScriptException(source, n, "an option line ('- ...') belongs after a 'quiz' line");
                string option = t.Length > 2 ? t[2..].Trim() : "";
                if (option.Length == 0) throw new LabScriptException(source, n, "empty quiz option");
                quizOptions.Add(option);
                continue;
            }
            EndQuiz(n);
            string[] w = Words(t, source, n);
            string k = w[0].ToLowerInvariant();
            switch (k)
            {
                case "lab":
                    Expect(w.Length == 2 && Regex.IsMatch(w[1], "^[a-z0-9][a-z0-9-]*$"), source, n, "lab takes one name of lower-case letters, digits and dashes (lab time-wait)");
                    s.Name = w[1];
                    continue;
                case "title":
                    Expect(w.Length > 1, source, n, "title needs the question (title Why three handshakes and not two)");
                    s.Title = Rest(t, 1);
                    continue;
                case "axis":
                    Expect(w.Length == 2 && (w[1] == "time" || w[1] == "events"), source, n, "axis is 'time' (proportional to time) or 'events' (one row per event)");
                    s.TimeAxis = w[1] == "time";
                    continue;
                case "compare":
                    Expect(w.Length == 2, source, n, "compare takes the name of one scenario (compare normal-close)");
                    s.CompareWith = w[1];
                    continue;
                case "draw":
                    Expect(w.Length == 3 && w[1].ToLowerInvariant() == "from", source, n, "draw from SYN, FIN, RST or data");
                    s.DrawFromFlags = w[2].ToUpperInvariant() switch
                    {
                        "SYN" => 0x02,
                        "FIN" => 0x01,
                        "RST" => 0x04,
                        "DATA" => 0x100,
                        _ => throw new LabScriptException(source, n, "draw from SYN, FIN, RST or data"),
                    };
                    continue;
                case "show":
                    Expect(w.Length == 2 && w[1].ToLowerInvariant() == "window", source, n, "show window (keeps win= in the textbook view)");
                    s.ShowWindow = true;
                    continue;
                case "transit":
                    s.TransitMs = (int)Duration(w, 1, source, n, "transit 20 ms (one-way time on the wire)", max: 10_000);
                    Expect(w.Length == 3 || w.Length == 2, source, n, "transit 20 ms (one-way time on the wire)");
                    continue;
                case "msl":
                case "window":
                case "delayed-ack":
                case "rto":
                    Setting(s.Pc, w, 0, source, n);
                    Setting(s.Board, w, 0, source, n);
                    continue;
                case "outcome":
                    Expect(w.Length > 1, source, n, "outcome needs a line of text");
                    s.Outcome = Rest(t, 1);
                    foreach (Match m in Placeholder.Matches(s.Outcome))
                        Expect(IsPlaceholderValue(m.Groups[2].Value), source, n, $"unknown placeholder {m.Value}: use a state ({{pc TIME-WAIT}}: when it was last entered), state, reason, received or text");
                    Expect(!Regex.IsMatch(Placeholder.Replace(s.Outcome, ""), @"[{}]"), source, n, "placeholders are {pc ...} or {board ...}");
                    continue;
                case "quiz":
                    Expect(w.Length > 1, source, n, "quiz needs the question");
                    quizQuestion = Rest(t, 1);
                    quizOptions = new List<string>();
                    quizLine = n;
                    continue;
                case "wait":
                    s.Steps.Add(Wait(w, source, n));
                    continue;
                case "on":
                {
                    int colon = t.IndexOf(':');
                    Expect(colon > 0 && w.Length >= 4, source, n, "on SIDE STATE: ACTION (on board CLOSE-WAIT: board closes)");
                    string[] head = Words(t[..colon], source, n);
                    Expect(head.Length == 3, source, n, "on SIDE STATE: ACTION (on board CLOSE-WAIT: board closes)");
                    var side = Side(head[1], source, n);
                    string state = State(head[2], source, n);
                    string action = t[(colon + 1)..].Trim();
                    var step = SideStep(Words(action, source, n), action, source, n);
                    Expect(step is CloseStep or SendStep, source, n, "the action of 'on' is a close, an abort or a send");
                    s.Steps.Add(new OnStateStep(n, side, state, step));
                    continue;
                }
                case "drop":
                case "delay":
                case "duplicate":
                    s.Steps.Add(Fault(w, t, source, n));
                    continue;
                case "inject":
                    s.Steps.Add(Inject(w, source, n));
                    continue;
                case "pc":
                case "board":
                    if (w.Length >= 3 && w[1].ToLowerInvariant() is "msl" or "window" or "delayed-ack" or "rto")
                    {
                        Setting(s.Settings(Side(w[0], source, n)), w, 1, source, n);
                        continue;
                    }
                    s.Steps.Add(SideStep(w, t, source, n));
                    continue;
                default:
                    throw new LabScriptException(source, n, $"unknown statement '{w[0]}' (a step starts with pc, board, wait, on, drop, delay, duplicate or inject; a setting with lab, title, >, axis, compare, draw, show, transit, msl, window, delayed-ack, rto, outcome or quiz)");
            }
        }
        EndQuiz(lines.Length);
        s.LookFor = lookFor.ToString().TrimEnd('\n');
        if (s.Title.Length == 0) s.Title = s.Name;
        if (!s.Steps.Any(x => x is ConnectStep))
            throw new LabScriptException(source, 0, "nothing happens: a scenario needs at least one 'connects to' step (pc connects to 7 from 40000)");
        return s;
    }

    private static bool IsPlaceholderValue(string v) =>
        v is "state" or "reason" or "received" or "text" || TcpStates.Parse(v.ToUpperInvariant()) >= 0;

    private static int IndexOfComment(string t)
    {
        bool quoted = false;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == '"') quoted = !quoted;
            else if (t[i] == '#' && !quoted) return i;
        }
        return -1;
    }

    /// <summary>Splits on blanks, keeping "quoted text" as one word (with its quotes).</summary>
    private static string[] Words(string t, string source, int n)
    {
        var words = new List<string>();
        int i = 0;
        while (i < t.Length)
        {
            if (char.IsWhiteSpace(t[i])) { i++; continue; }
            int start = i;
            if (t[i] == '"')
            {
                int end = t.IndexOf('"', i + 1);
                if (end < 0) throw new LabScriptException(source, n, "a quoted text is not closed (missing \")");
                i = end + 1;
            }
            else
            {
                while (i < t.Length && !char.IsWhiteSpace(t[i])) i++;
            }
            words.Add(t[start..i].TrimEnd(','));
        }
        return words.Where(x => x.Length > 0).ToArray();
    }

    private static string Rest(string t, int words)
    {
        string r = t;
        for (int i = 0; i < words; i++)
        {
            r = r.TrimStart();
            int sp = r.IndexOfAny(new[] { ' ', '\t' });
            r = sp < 0 ? "" : r[sp..];
        }
        return r.Trim();
    }

    private static void Expect(bool ok, string source, int n, string message)
    {
        if (!ok) throw new LabScriptException(source, n, message);
    }

    private static LabSide Side(string w, string source, int n) => w.ToLowerInvariant() switch
    {
        "pc" or "pc's" or "pc’s" => LabSide.Pc,
        "board" or "board's" or "board’s" => LabSide.Board,
        _ => throw new LabScriptException(source, n, $"'{w}' is not a side: pc or board"),
    };

    /// <summary>An RFC state name in any case, with '-' or '_' ("time-wait", "TIME_WAIT").</summary>
    private static string State(string w, string source, int n)
    {
        string s = w.ToUpperInvariant().Replace('_', '-');
        if (TcpStates.Parse(s) < 0)
            throw new LabScriptException(source, n, $"'{w}' is not a TCP state (CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT)");
        return s;
    }

    /// <summary>"300 ms", "300ms", "2 s", "2s" starting at word <paramref name="at"/>.</summary>
    private static long Duration(string[] w, int at, string source, int n, string usage, long max = 3_600_000)
    {
        if (at >= w.Length) throw new LabScriptException(source, n, usage);
        string v = w[at].ToLowerInvariant();
        string unit = at + 1 < w.Length ? w[at + 1].ToLowerInvariant() : "";
        long factor;
        if (v.EndsWith("ms")) { factor = 1; v = v[..^2]; }
        else if (v.EndsWith('s') && v.Length > 1 && char.IsDigit(v[^2])) { factor = 1000; v = v[..^1]; }
        else if (unit == "ms") factor = 1;
        else if (unit is "s" or "seconds" or "second") factor = 1000;
        else throw new LabScriptException(source, n, $"'{w[at]}' needs a unit, ms or s: {usage}");
        if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value * factor > max)
            throw new LabScriptException(source, n, $"'{w[at]}' is not a duration up to {max} ms: {usage}");
        return value * factor;
    }

    private static int Number(string w, string source, int n, string what, int min, int max)
    {
        if (!int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new LabScriptException(source, n, $"{what}: '{w}' is not a whole number from {min} to {max}");
        return v;
    }

    private static void Setting(LabSideSettings s, string[] w, int at, string source, int n)
    {
        string key = w[at].ToLowerInvariant();
        switch (key)
        {
            case "msl":
                s.MslMs = (int)Duration(w, at + 1, source, n, "msl 2000 ms (TIME-WAIT lasts twice that)", 600_000);
                break;
            case "delayed-ack":
                s.DelayedAckMs = (int)Duration(w, at + 1, source, n, "delayed-ack 200 ms (0 = ACK at once)", 500);
                break;
            case "rto":
                s.RtoInitialMs = (int)Duration(w, at + 1, source, n, "rto 1000 ms (the initial retransmission timeout)", 60_000);
                Expect(s.RtoInitialMs >= 1, source, n, "rto must be at least 1 ms");
                break;
            case "window":
                Expect(at + 1 < w.Length, source, n, "window 2048 bytes (the receive buffer)");
                s.WindowBytes = Number(w[at + 1], source, n, "window (bytes of receive buffer)", 64, 65535);
                Expect(at + 2 >= w.Length || w[at + 2].ToLowerInvariant() is "bytes" or "b", source, n, "window 2048 bytes (the receive buffer)");
                break;
        }
    }

    private static LabStep Wait(string[] w, string source, int n)
    {
        const string usage = "wait 300 ms, wait until pc is TIME-WAIT, wait until both are ESTABLISHED, wait until board has received 4000 bytes";
        if (w.Length >= 2 && w[1].ToLowerInvariant() != "until")
        {
            Expect(w.Length <= 3, source, n, usage);
            return new WaitStep(n, Duration(w, 1, source, n, usage));
        }
        Expect(w.Length >= 5, source, n, usage);
        long limit = DefaultWaitLimitMs;
        int within = Array.FindIndex(w, x => x.ToLowerInvariant() == "within");
        string[] cond = w;
        if (within > 0)
        {
            limit = Duration(w, within + 1, source, n, "within 5000 ms");
            cond = w[..within];
        }
        string who = cond[2].ToLowerInvariant();
        string verb = cond[3].ToLowerInvariant();
        if (who == "both")
        {
            Expect(verb == "are" && cond.Length == 5, source, n, usage);
            return new WaitUntilStep(n, null, State(cond[4], source, n), null, limit);
        }
        var side = Side(who, source, n);
        if (verb == "is")
        {
            Expect(cond.Length == 5, source, n, usage);
            return new WaitUntilStep(n, side, State(cond[4], source, n), null, limit);
        }
        Expect(verb == "has" && cond.Length == 7 && cond[4].ToLowerInvariant() == "received" && cond[6].ToLowerInvariant() is "bytes" or "byte", source, n, usage);
        return new WaitUntilStep(n, side, null, Number(cond[5], source, n, "bytes", 1, 100_000_000), limit);
    }

    private static LabStep SideStep(string[] w, string t, string source, int n)
    {
        var side = Side(w[0], source, n);
        string verb = w.Length > 1 ? w[1].ToLowerInvariant() : "";
        switch (verb)
        {
            case "listens":
            case "echoes":
                Expect(w.Length == 4 && w[2].ToLowerInvariant() == "on", source, n, $"{w[0]} {verb} on PORT");
                return new ListenStep(n, side, Number(w[3], source, n, "port", 1, 65535), verb == "echoes");
            case "connects":
                Expect(w.Length == 6 && w[2].ToLowerInvariant() == "to" && w[4].ToLowerInvariant() == "from", source, n,
                    $"{w[0]} connects to PORT from PORT (the other side's port, then its own)");
                return new ConnectStep(n, side, Number(w[3], source, n, "port", 1, 65535), Number(w[5], source, n, "port", 1, 65535));
            case "sends":
                Expect(w.Length >= 3, source, n, $"{w[0]} sends \"text\" or {w[0]} sends 4000 bytes");
                if (w[2].StartsWith('"'))
                {
                    Expect(w.Length == 3 && w[2].Length >= 3, source, n, $"{w[0]} sends \"text\" (one quoted text, not empty)");
                    string text = w[2][1..^1].Replace("\\n", "\n");
                    return new SendStep(n, side, Encoding.ASCII.GetBytes(text), "\"" + w[2][1..^1] + "\"");
                }
                Expect(w.Length == 4 && w[3].ToLowerInvariant() is "bytes" or "byte", source, n, $"{w[0]} sends \"text\" or {w[0]} sends 4000 bytes");
                int count = Number(w[2], source, n, "bytes", 1, 10_000_000);
                var data = new byte[count];
                for (int i = 0; i < count; i++) data[i] = (byte)('a' + i / 1460 % 26); // one letter per full segment
                return new SendStep(n, side, data, $"{count} bytes");
            case "closes":
                Expect(w.Length == 2, source, n, $"{w[0]} closes");
                return new CloseStep(n, side, false);
            case "aborts":
                Expect(w.Length == 2, source, n, $"{w[0]} aborts");
                return new CloseStep(n, side, true);
            case "stops":
                Expect(w.Length == 3 && w[2].ToLowerInvariant() == "reading", source, n, $"{w[0]} stops reading");
                return new ReadingStep(n, side, false);
            case "reads":
                Expect(w.Length == 3 && w[2].ToLowerInvariant() == "again", source, n, $"{w[0]} reads again");
                return new ReadingStep(n, side, true);
            default:
                throw new LabScriptException(source, n, $"unknown step '{t}' ({w[0]} listens on, echoes on, connects to, sends, closes, aborts, stops reading, reads again)");
        }
    }

    private static readonly string[] Ordinals = { "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth" };

    private static int Ordinal(string w, string source, int n)
    {
        string o = w.ToLowerInvariant();
        if (o == "next") return 1;
        int i = Array.IndexOf(Ordinals, o);
        if (i >= 0) return i + 1;
        var m = Regex.Match(o, "^([0-9]{1,4})(st|nd|rd|th)$");
        if (m.Success && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 1) return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        throw new LabScriptException(source, n, $"'{w}' is not an ordinal: first, next, second, 3rd, ...");
    }

    private static LabStep Fault(string[] w, string t, string source, int n)
    {
        string usage = w[0].ToLowerInvariant() switch
        {
            "drop" => "drop the board's first SYN-ACK",
            "delay" => "delay the pc's first data segment by 300 ms",
            _ => "duplicate the pc's first data segment, the copy 400 ms late",
        };
        var action = w[0].ToLowerInvariant() switch { "drop" => LabFaultAction.Drop, "delay" => LabFaultAction.Delay, _ => LabFaultAction.Duplicate };
        Expect(w.Length >= 4 && w[1].ToLowerInvariant() == "the", source, n, usage);
        var side = Side(w[2], source, n);
        Expect(w[2].ToLowerInvariant().EndsWith("s"), source, n, usage);
        // "the pc's final ACK" is its first; otherwise an ordinal comes first ("the board's 2nd SYN-ACK").
        int kindAt = 4;
        int ordinal;
        if (w[3].ToLowerInvariant() is "final" or "last")
        {
            ordinal = 1;
            kindAt = 3;
        }
        else
        {
            ordinal = Ordinal(w[3], source, n);
        }
        // The kind: the words up to "by" / "the copy" (or the end).
        int end = w.Length;
        int by = Array.FindIndex(w, kindAt, x => x.ToLowerInvariant() is "by" or "the");
        if (by > 0) end = by;
        Expect(end > kindAt, source, n, usage);
        string kindText = string.Join(' ', w[kindAt..end]).ToLowerInvariant();
        var kind = kindText switch
        {
            "syn" => LabSegmentKind.Syn,
            "syn-ack" or "syn, ack" or "synack" => LabSegmentKind.SynAck,
            "ack" => LabSegmentKind.Ack,
            "final ack" or "last ack" => LabSegmentKind.FinalAck,
            "data segment" or "data" => LabSegmentKind.Data,
            "fin" => LabSegmentKind.Fin,
            "rst" => LabSegmentKind.Rst,
            "segment" => LabSegmentKind.Any,
            _ => throw new LabScriptException(source, n, $"'{string.Join(' ', w[kindAt..end])}' is not a kind of segment: SYN, SYN-ACK, ACK, final ACK, data segment, FIN, RST or segment"),
        };
        int extra = 0;
        if (action == LabFaultAction.Drop)
        {
            Expect(end == w.Length, source, n, usage);
        }
        else if (action == LabFaultAction.Delay)
        {
            Expect(end + 2 <= w.Length && w[end].ToLowerInvariant() == "by", source, n, usage);
            extra = (int)Duration(w, end + 1, source, n, usage, 600_000);
        }
        else
        {
            Expect(end + 4 <= w.Length && w[end].ToLowerInvariant() == "the" && w[end + 1].ToLowerInvariant() == "copy" && w[^1].ToLowerInvariant() == "late", source, n, usage);
            extra = (int)Duration(w, end + 2, source, n, usage, 600_000);
        }
        string description = t.Trim();
        return new FaultStep(n, action, side, ordinal, kind, extra, description);
    }

    private static LabStep Inject(string[] w, string source, int n)
    {
        const string usage = "inject old SYN from pc 40000 to 7 seq 1000 (a SYN the pc sent long ago, from its port 40000 to the board's port 7)";
        Expect(w.Length == 10 && w[1].ToLowerInvariant() == "old" && w[2].ToUpperInvariant() == "SYN" && w[3].ToLowerInvariant() == "from"
            && w[6].ToLowerInvariant() == "to" && w[8].ToLowerInvariant() == "seq", source, n, usage);
        var side = Side(w[4], source, n);
        int from = Number(w[5], source, n, "port", 1, 65535);
        int to = Number(w[7], source, n, "port", 1, 65535);
        Expect(uint.TryParse(w[9], NumberStyles.None, CultureInfo.InvariantCulture, out uint seq), source, n, "seq is a number from 0 to 4294967295");
        return new InjectOldSynStep(n, side, seq, from, to);
    }
}
