#nullable enable
using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;
namespace NanoTcp.Cli.Lab.Html;
public static class StepPage
{
    public static string Render(LabRun run, LadderDiagram d, LabView view) => "";
}
