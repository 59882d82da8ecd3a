#nullable enable

using NanoTcp.Cli.Lab.Script;
using NanoTcp.Sim.Ladder;

namespace NanoTcp.Cli.Lab;

/// <summary>The ladder diagram of a lab run: the PC on the left, the board on the right.</summary>
public static class LabLadder
{
    public static LadderDiagram Build(LabRun run, bool textbook)
    {
        var d = LadderBuilder.FromTwoSides(run.PcTrace, "PC", run.BoardTrace, "board", new LadderOptions { Title = run.Script.Title });
        return textbook ? LadderView.WithoutDrops(d, LadderSide.Left) : d;
    }

    /// <summary>The part of the exchange the lesson is about ("draw from FIN").</summary>
    public static LadderDiagram Lesson(LadderDiagram d, LabScript s) => s.DrawFromFlags == 0 ? d : LadderView.From(d, s.DrawFromFlags);
}
