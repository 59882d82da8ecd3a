using NanoTcp.Sim.Ladder;

namespace NanoTcp.Cli;

/// <summary>The ladder diagram of a PC/board exchange: in the terminal, and as SVG when asked.</summary>
public static class Diagrams
{
    public static void Show(IEnumerable<string> pcLines, IEnumerable<string> boardLines, TextWriter output, string svgPath, bool ascii, string title = null)
    {
        var options = new LadderOptions { Title = title };
        LadderDiagram ladder = LadderBuilder.FromTwoSides(pcLines, "PC", boardLines, "board", options);
        if (ladder.Items.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.Write(LadderTerminalRenderer.Render(ladder, ascii));
        if (svgPath != null)
        {
            OutputFile.WriteAllText(svgPath, LadderSvgRenderer.Render(ladder));
            output.WriteLine($"ladder diagram written to {OutputFile.Shown(svgPath)} (open it in a browser)");
        }
    }
}
