#nullable enable

using System.Globalization;
using System.Text.RegularExpressions;
using NanoTcp.Cli.Lab.Script;

namespace NanoTcp.Cli.Lab.Exercise;

/// <summary>
/// `nanotcp lab check FILE`: reads a filled-in worksheet (Markdown, or the answers file its HTML
/// saves: any text with the "scenario:" and "seed:" lines and "[N: answer]" blanks), runs the
/// scenario again with that seed to rebuild the key, and grades every blank. Exit code 0 when
/// all are right, 1 otherwise (or when the file cannot be read), 2 for a file that is no worksheet.
/// </summary>
public static class WorksheetGrader
{
    private static readonly Regex Answer = new(@"\[(\d{1,4}):([^\]\n]*)\]", RegexOptions.CultureInvariant);
    private static readonly Regex ScenarioLine = new(@"^\s*scenario:\s*(\S.*?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private static readonly Regex SeedLine = new(@"^\s*seed:\s*(\d{1,10})\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public sealed record Mark(int Number, string Where, string Given, string Expected, bool Right);

    public static int Check(string path, TextWriter output, TextWriter error)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"nanotcp lab: no such file: {path}");
            return 1;
        }
        string text = File.ReadAllText(path);
        var scenario = ScenarioLine.Match(text);
        var seed = SeedLine.Match(text);
        if (!scenario.Success || !seed.Success || !uint.TryParse(seed.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out uint s))
        {
            error.WriteLine($"nanotcp lab: {path} is not a worksheet: it needs its 'scenario:' and 'seed:' lines (as nanotcp lab NAME --exercise wrote them)");
            return 2;
        }
        string reference = scenario.Groups[1].Value;
        var script = LabScenarios.Find(reference) ?? (File.Exists(reference) ? LabScriptParser.ParseFile(reference) : null);
        if (script == null)
        {
            error.WriteLine($"nanotcp lab: the worksheet is for scenario '{reference}', which is neither built in nor a file here");
            return 1;
        }
        var grades = Grade(Key(script, s), text);
        int right = grades.Count(g => g.Right);
        output.WriteLine($"{script.Title}  [{script.Name}, seed {s}]");
        foreach (var g in grades)
        {
            string given = g.Given.Length == 0 ? "(blank)" : g.Given;
            output.WriteLine(g.Right ? $"  ok    {g.Number,3}  {g.Where}: {given}" : $"  WRONG {g.Number,3}  {g.Where}: {given}, expected {g.Expected}");
        }
        output.WriteLine($"score: {right}/{grades.Count}");
        return right == grades.Count ? 0 : 1;
    }

    /// <summary>The worksheet of a scenario and seed: the same every time.</summary>
    public static Worksheet Key(LabScript script, uint seed)
    {
        var run = LabRunner.Run(script, null, seed);
        return Worksheet.Create(run, LabLadder.Build(run, textbook: false));
    }

    /// <summary>Every blank of the key against the answers found in <paramref name="text"/> (the last one given for a number counts).</summary>
    public static List<Mark> Grade(Worksheet key, string text)
    {
        var given = new Dictionary<int, string>();
        foreach (Match m in Answer.Matches(text))
        {
            string v = m.Groups[2].Value.Trim();
            if (v.Trim('_', ' ').Length == 0) v = "";
            given[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = v;
        }
        return key.Blanks.Select(b =>
        {
            string g = given.TryGetValue(b.Number, out var v) ? v : "";
            return new Mark(b.Number, b.Where, g, b.Answer, g.Length > 0 && Same(b.Kind, g, b.Answer));
        }).ToList();
    }

    /// <summary>Compares as a teacher would: numbers whatever their separators, states in any case and spelling of the dashes, a letter with or without ')'.</summary>
    public static bool Same(BlankKind kind, string given, string expected)
    {
        switch (kind)
        {
            case BlankKind.Number:
                string digits = Regex.Replace(given, @"[\s,_'.]", "");
                return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong a) && a.ToString(CultureInfo.InvariantCulture) == expected;
            case BlankKind.State:
                return StateKey(given) == StateKey(expected);
            case BlankKind.Side:
                return string.Equals(given.Trim(), expected, StringComparison.OrdinalIgnoreCase)
                    || (expected == "PC" && given.Trim().Equals("client", StringComparison.OrdinalIgnoreCase))
                    || (expected == "board" && given.Trim().Equals("server", StringComparison.OrdinalIgnoreCase));
            default:
                return given.Trim().TrimEnd(')', '.').Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string StateKey(string s)
    {
        string k = Regex.Replace(s.ToUpperInvariant(), "[^A-Z0-9]", "");
        return k switch
        {
            "SYNRCVD" or "SYNRECV" => "SYNRECEIVED",
            "ESTAB" => "ESTABLISHED",
            _ => k,
        };
    }
}
