using System.Text.RegularExpressions;
using NanoTcp.Cli.Lab;
using NanoTcp.Cli.Lab.Exercise;

namespace NanoTcp.Tests.Cli;

/// <summary>Worksheets and answer keys: one for every scenario and seed, reproducible, graded by `lab check`.</summary>
public class LabExerciseTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"nanotcp-lab-exercise-{Guid.NewGuid():N}");

    public LabExerciseTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> Names() => LabScenarios.All.Select(s => new object[] { s.Name });

    private (string Worksheet, string Html, string Key) Write(string name, uint seed)
    {
        var (code, text, err) = LabTests.Lab(name, "--exercise", "--seed", seed.ToString(), "--out", _dir,
            "--pcap", Path.Combine(_dir, "x.pcap"), "--svg", Path.Combine(_dir, "x.svg"));
        Assert.True(code == 0, err);
        string stem = Path.Combine(_dir, $"nanotcp-lab-{name}-seed-{seed}");
        Assert.Contains($"nanotcp lab check {stem}-worksheet.md", text);
        return (stem + "-worksheet.md", stem + "-worksheet.html", stem + "-key.md");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryScenarioHasAWorksheetWhoseKeyGetsFullMarks(string name)
    {
        var (sheet, html, key) = Write(name, 3);
        Assert.True(File.Exists(html));
        string text = File.ReadAllText(sheet);
        int blanks = Regex.Matches(text, @"\[\d+: _+\]").Count;
        Assert.True(blanks >= 3, $"{name}: only {blanks} blanks");
        Assert.Contains("scenario: " + name, text);
        Assert.DoesNotMatch(@"\[\d+: _+\]", File.ReadAllText(key));

        var (code, report, _) = LabTests.Lab("check", key);
        Assert.Equal(0, code);
        Assert.Contains($"score: {blanks}/{blanks}", report);
        (code, report, _) = LabTests.Lab("check", sheet);
        Assert.Equal(1, code);
        Assert.Contains($"score: 0/{blanks}", report);
    }

    [Fact]
    public void AWrongAnswerIsRejectedAndNamed()
    {
        var (sheet, _, key) = Write("time-wait", 7);
        var keyWorksheet = WorksheetGrader.Key(LabScenarios.Find("time-wait")!, 7);
        var state = keyWorksheet.Blanks.First(b => b.Kind == BlankKind.State);
        var number = keyWorksheet.Blanks.First(b => b.Kind == BlankKind.Number);
        string filled = File.ReadAllText(sheet);
        foreach (var b in keyWorksheet.Blanks)
        {
            string answer = b == state ? (b.Answer == "CLOSED" ? "LISTEN" : "CLOSED")
                : b == number ? (ulong.Parse(b.Answer) + 1).ToString()
                : b.Kind == BlankKind.State ? b.Answer.ToLowerInvariant().Replace('-', ' ') // lenient spelling is still right
                : b.Answer;
            filled = filled.Replace($"[{b.Number}: ________]", $"[{b.Number}: {answer}]");
        }
        string path = Path.Combine(_dir, "filled.md");
        File.WriteAllText(path, filled);
        var (code, report, _) = LabTests.Lab("check", path);
        Assert.Equal(1, code);
        Assert.Contains($"score: {keyWorksheet.Blanks.Count - 2}/{keyWorksheet.Blanks.Count}", report);
        Assert.Matches($@"WRONG\s+{state.Number}\s.*expected {state.Answer}", report);
        Assert.Matches($@"WRONG\s+{number.Number}\s.*expected {number.Answer}", report);
        Assert.Equal(2, Regex.Matches(report, "WRONG").Count);
    }

    [Fact]
    public void EachSeedHasItsOwnNumbersAndTheSameSeedTheSameKey()
    {
        var a = WorksheetGrader.Key(LabScenarios.Find("lost-syn-ack")!, 1);
        var b = WorksheetGrader.Key(LabScenarios.Find("lost-syn-ack")!, 2);
        var a2 = WorksheetGrader.Key(LabScenarios.Find("lost-syn-ack")!, 1);
        Assert.Equal(a.KeyMarkdown(), a2.KeyMarkdown());
        Assert.Equal(a.Markdown(), a2.Markdown());
        Assert.NotEqual(a.Rows[0].Seq, b.Rows[0].Seq); // the PC's ISN
        Assert.NotEqual(a.Markdown(), b.Markdown());
    }

    [Fact]
    public void RetransmissionsAskWhoSendsAndWhen()
    {
        var w = WorksheetGrader.Key(LabScenarios.Find("lost-syn-ack")!, 0);
        var who = w.Blanks.Where(b => b.Where.EndsWith("who sends it")).Select(b => b.Answer).ToList();
        var when = w.Blanks.Where(b => b.Where.EndsWith("when it is sent (ms)")).Select(b => b.Answer).ToList();
        Assert.Contains("PC", who);
        Assert.Contains("board", who);
        Assert.Contains("1000", when); // the PC's RTO: 1 s after its SYN
        Assert.Contains("1101", when); // the board's: 1 s after its lost SYN-ACK left at 101 ms
        var tw = WorksheetGrader.Key(LabScenarios.Find("time-wait")!, 0);
        Assert.Contains(tw.Blanks, b => b.Kind == BlankKind.Choice && b.Where.Contains("What does TIME-WAIT protect against?"));
    }

    [Theory]
    [InlineData(BlankKind.State, "time wait", "TIME-WAIT", true)]
    [InlineData(BlankKind.State, "SYN_RCVD", "SYN-RECEIVED", true)]
    [InlineData(BlankKind.State, "FIN-WAIT-2", "FIN-WAIT-1", false)]
    [InlineData(BlankKind.State, "CLOSED", "CLOSE-WAIT", false)]
    [InlineData(BlankKind.Number, "2,295,492,489", "2295492489", true)]
    [InlineData(BlankKind.Number, "2295492488", "2295492489", false)]
    [InlineData(BlankKind.Number, "-1", "1", false)]
    [InlineData(BlankKind.Side, "Board", "board", true)]
    [InlineData(BlankKind.Side, "pc", "board", false)]
    [InlineData(BlankKind.Choice, "c)", "c", true)]
    [InlineData(BlankKind.Choice, "a", "c", false)]
    public void AnswersAreComparedAsATeacherWould(BlankKind kind, string given, string expected, bool right)
    {
        Assert.Equal(right, WorksheetGrader.Same(kind, given, expected));
    }

    [Fact]
    public void AFileThatIsNoWorksheetIsRefused()
    {
        string path = Path.Combine(_dir, "notes.md");
        File.WriteAllText(path, "just notes [1: 5]");
        var (code, _, err) = LabTests.Lab("check", path);
        Assert.Equal(2, code);
        Assert.Contains("is not a worksheet", err);
        (code, _, err) = LabTests.Lab("check", Path.Combine(_dir, "missing.md"));
        Assert.Equal(1, code);
        Assert.Contains("no such file", err);
    }
}
