using NanoTcp.Sim.Serial;

namespace NanoTcp.Tests.Serial;

/// <summary>The raw serial byte stream into lines, as a terminal shows them.</summary>
public class SerialLineAssemblerTests
{
    private static List<(string Line, bool Cut)> Lines(params string[] chunks)
    {
        var lines = new List<(string, bool)>();
        var a = new SerialLineAssembler();
        foreach (string c in chunks) a.Feed(SerialLineAssembler.Bytes(c), (l, cut) => lines.Add((l, cut)));
        return lines;
    }

    [Fact]
    public void ATraceLineWrittenOverThePromptIsOneLine()
    {
        Assert.Equal(new[] { ("[     12] link up", false) }, Lines("nanotcp> ", "\r[     12] link up      \r\n"));
    }

    [Fact]
    public void CarriageReturnSplitAcrossChunksStillOverwrites()
    {
        Assert.Equal(new[] { ("[      1] a", false), ("[      2] b", false) },
            Lines("nanotcp> \r", "[      1] a\r", "\nnanotcp> ", "\r", "[      2] b", "\r\n", "nanotcp> "));
    }

    [Fact]
    public void BackspaceEditsAsTheBoardEchoesIt()
    {
        // The console echoes "ifx", then BS-space-BS for the x, then "config" and the Enter.
        Assert.Equal(new[] { ("nanotcp> ifconfig", false) }, Lines("nanotcp> ifx\b \bconfig\r\n"));
    }

    [Fact]
    public void NoiseCutsTheLineItInterruptsAndIsNotALine()
    {
        // A board reset mid-line: half a trace line, a glitch, then the new boot's banner.
        var lines = Lines("[    812] tcp#0 >  192.168.7.50:7 > 192.1", "\xff\x00\xfe", "NanoTcp firmware 1.0\r\n");
        Assert.Equal(new[] { ("[    812] tcp#0 >  192.168.7.50:7 > 192.1", true), ("NanoTcp firmware 1.0", false) }, lines);
        var a = new SerialLineAssembler();
        a.Feed(SerialLineAssembler.Bytes("\x01\x02\x03\r\n"), (_, _) => { });
        Assert.Equal(3, a.GarbageBytes);
        Assert.Equal(0, a.CutLines);
    }

    [Fact]
    public void ThePartialLineIsWhatTheTerminalShowsNow()
    {
        var a = new SerialLineAssembler();
        a.Feed(SerialLineAssembler.Bytes("[ 1] x\r\nnanotcp> net"), (_, _) => { });
        Assert.Equal("nanotcp> net", a.Partial);
    }

    [Fact]
    public void ALineLongerThanTheLimitIsCutNotLost()
    {
        var lines = Lines(new string('a', SerialLineAssembler.MaxLineLength + 5) + "\n");
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].Cut);
        Assert.Equal("aaaaa", lines[1].Line);
    }

    [Fact]
    public void AnyBytesAtAllNeverThrow()
    {
        var rand = new Random(7);
        var bytes = new byte[200_000];
        rand.NextBytes(bytes);
        var lines = SerialLineAssembler.Split(bytes);
        Assert.All(lines, l => Assert.True(l.All(c => c >= ' ' && c < 127)));
    }
}
