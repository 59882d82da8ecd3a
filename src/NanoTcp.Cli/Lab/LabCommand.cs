#nullable enable

using NanoTcp.Cli.Lab.Exercise;
using NanoTcp.Cli.Lab.Html;
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;
using NanoTcp.Trace;

namespace NanoTcp.Cli.Lab;

/// <summary>`nanotcp lab`: lists the scenarios, runs one (built-in or a teacher's file) and writes what was asked for.</summary>
public static class LabCommand
{
    /// <summary>The single entry point: the arguments after "lab". Exit codes: 0 done, 1 a scenario or worksheet failed, 2 bad arguments.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var o = LabOptions.Parse(args, out string problem);
        if (o == null)
        {
            error.WriteLine($"nanotcp lab: {problem}");
            return 2;
        }
        return Execute(o, output, error);
    }

    public static int Execute(LabOptions o, TextWriter output, TextWriter error)
    {
        try
        {
            switch (o.Action)
            {
                case LabAction.Help:
                    output.Write(LabOptions.Usage);
                    return 0;
                case LabAction.List:
                    return List(output);
                case LabAction.Show:
                {
                    string? text = LabScenarios.Text(o.Target!);
                    if (text == null)
                    {
                        error.WriteLine($"nanotcp lab: no scenario '{o.Target}' (nanotcp lab lists them)");
                        return 2;
                    }
                    output.Write(text);
                    return 0;
                }
                case LabAction.Check:
                    return WorksheetGrader.Check(o.Target!, output, error);
                default:
                    return RunScenario(o, output, error);
            }
        }
        catch (LabScriptException e)
        {
            error.WriteLine($"nanotcp lab: {e.Message}");
            return o.TargetIsFile ? 1 : 2;
        }
        catch (IOException e)
        {
            error.WriteLine($"nanotcp lab: {e.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"nanotcp lab: {e.Message}");
            return 1;
        }
    }

    public static int List(TextWriter output)
    {
        output.WriteLine("Lab scenarios (run one with: nanotcp lab <name>; your own: nanotcp lab run FILE):");
        output.WriteLine();
        foreach (var s in LabScenarios.All)
        {
            output.WriteLine($"  {s.Name,-20} {s.Title}");
        }
        return 0;
    }

    /// <summary>A built-in scenario by name, or a scenario file (for `run` and --compare); null with a message when neither.</summary>
    public static LabScript? Load(string nameOrFile, bool isFile, TextWriter error)
    {
        if (!isFile && LabScenarios.Find(nameOrFile) is { } builtIn) return builtIn;
        if (isFile || File.Exists(nameOrFile)) return LabScriptParser.ParseFile(nameOrFile);
        error.WriteLine($"nanotcp lab: no scenario '{nameOrFile}' (nanotcp lab lists them; a file: nanotcp lab run FILE)");
        return null;
    }

    /// <summary>Runs a scenario on the bench (no files); for tests and the other writers.</summary>
    public static LabRun Execute(LabScript scenario, string? pcapPath = null, uint seed = 0, TraceLevel level = TraceLevel.Segments) =>
        LabRunner.Run(scenario, pcapPath, seed, level);

    private static int RunScenario(LabOptions o, TextWriter output, TextWriter error)
    {
        var scenario = Load(o.Target!, o.TargetIsFile, error);
        if (scenario == null) return 2;
        string name = scenario.Name;
        string pcap = o.Pcap ?? $"nanotcp-lab-{name}.pcap";
        string svg = o.Svg ?? (o.Compare != null ? $"nanotcp-lab-{name}-compare.svg" : $"nanotcp-lab-{name}.svg");
        var run = Execute(scenario, pcap, o.Seed, TracePrintFilter.Recording(o.Trace));

        output.WriteLine($"{scenario.Title}  [{name}]");
        output.WriteLine();
        if (scenario.LookFor.Length > 0)
        {
            output.WriteLine(scenario.LookFor);
            output.WriteLine();
        }
        foreach (string line in run.Log)
        {
            if (TracePrintFilter.Shows(line, o.Trace)) output.WriteLine(line);
        }
        var view = new LabView(scenario, o.Textbook, o.TimeAxis ?? scenario.TimeAxis);
        var ladder = LabLadder.Build(run, view.Textbook);
        var lesson = LabLadder.Lesson(ladder, scenario);
        if (lesson.Items.Count > 0)
        {
            output.WriteLine();
            output.Write(LadderTerminalRenderer.Render(lesson, o.Ascii));
        }
        output.WriteLine();
        output.WriteLine("outcome: " + run.Outcome);
        output.WriteLine($"capture at the board's port: {pcap}");

        string slide;
        if (o.Compare != null)
        {
            string pair = o.Compare.Length > 0 ? o.Compare : scenario.CompareWith ?? "";
            if (pair.Length == 0)
            {
                error.WriteLine($"nanotcp lab: {name} names no scenario to compare with: --compare NAME");
                return 2;
            }
            var other = Load(pair, false, error);
            if (other == null) return 2;
            var otherRun = Execute(other, null, o.Seed);
            var otherLesson = LabLadder.Lesson(LabLadder.Build(otherRun, view.Textbook), other);
            slide = LadderSvgRenderer.RenderPair(lesson, otherLesson, view.Svg(), view.Svg(other));
            output.WriteLine($"slide ({name} beside {other.Name}) written to {svg}");
        }
        else
        {
            slide = LadderSvgRenderer.Render(lesson, view.Svg());
            output.WriteLine($"slide written to {svg} (16:9; open it in a browser)");
        }
        File.WriteAllText(svg, slide);
        if (o.Png != null)
        {
            SvgToPng.Write(slide, o.Png);
            output.WriteLine($"PNG written to {o.Png} ({LadderSvgRenderer.SlideWidth}x{LadderSvgRenderer.SlideHeight})");
        }
        if (o.Html != null)
        {
            File.WriteAllText(o.Html, StepPage.Render(run, ladder, view));
            output.WriteLine($"step-through page written to {o.Html} (self-contained: open it in any browser)");
        }
        if (o.Exercise)
        {
            var sheet = Worksheet.Create(run, ladder);
            Directory.CreateDirectory(o.OutDir);
            string stem = Path.Combine(o.OutDir, $"nanotcp-lab-{name}-seed-{o.Seed}");
            File.WriteAllText(stem + "-worksheet.md", sheet.Markdown());
            File.WriteAllText(stem + "-worksheet.html", sheet.Html());
            File.WriteAllText(stem + "-key.md", sheet.KeyMarkdown());
            output.WriteLine($"worksheet written to {stem}-worksheet.md and .html ({sheet.Blanks.Count} blanks); answer key: {stem}-key.md");
            output.WriteLine($"grade a filled-in copy with: nanotcp lab check {stem}-worksheet.md");
        }
        return 0;
    }
}

/// <summary>How one scenario is drawn: the axis, the textbook view, what stays visible.</summary>
public sealed record LabView(LabScript Scenario, bool Textbook, bool TimeAxis)
{
    public LadderSvgOptions Svg(LabScript? other = null) => new()
    {
        TimeAxis = TimeAxis, // a pair is compared on one kind of axis
        Textbook = Textbook,
        ShowWindow = !Textbook || (other ?? Scenario).ShowWindow,
        Subtitle = (other ?? Scenario).Name,
    };
}
