#nullable enable
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;
namespace NanoTcp.Cli.Lab.Exercise;
public sealed class Worksheet
{
    public List<string> Blanks = new();
    public static Worksheet Create(LabRun run, LadderDiagram d) => new();
    public string Markdown() => "";
    public string Html() => "";
    public string KeyMarkdown() => "";
}
public static class WorksheetGrader
{
    public static int Check(string path, TextWriter output, TextWriter error) => 0;
}
