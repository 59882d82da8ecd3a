using NanoTcp.Tcp;

namespace NanoTcp.Tests.Tcp;

/// <summary>The out-of-order ranges against a plain model (a set of received bytes), across the 2^32 wrap.</summary>
public class ReceiveAssemblerTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFF000u)]
    public void RandomSegmentsAgreeWithAByteSetModel(uint baseSeq)
    {
        var rand = new Random(5);
        for (int round = 0; round < 300; round++)
        {
            var a = new ReceiveAssembler(4);
            var have = new bool[4000];
            uint next = baseSeq;
            for (int step = 0; step < 40; step++)
            {
                int start = rand.Next(1, 3500);
                int len = rand.Next(1, 400);
                var copy = (bool[])have.Clone();
                bool ok = a.Add(baseSeq + (uint)start, baseSeq + (uint)(start + len));
                if (ok)
                {
                    for (int i = start; i < start + len && i < have.Length; i++) have[i] = true;
                }
                else
                {
                    Assert.Equal(4, a.Count); // only refused when every range is in use
                    Assert.Equal(copy, have);
                }
                Assert.Equal(Ranges(have, 1), Listed(a, baseSeq));
            }
            // RCV.NXT reaches the first range: it is taken whole.
            if (a.Count > 0)
            {
                uint first = a.StartOf(0);
                uint end = a.EndOf(0);
                Assert.Equal(end, a.TakeFrom(first));
            }
            Assert.Equal(next, new ReceiveAssembler(1).TakeFrom(next)); // nothing held: RCV.NXT stays
        }
    }

    [Fact]
    public void AdjacentRangesMergeAndABridgeJoinsThree()
    {
        var a = new ReceiveAssembler(4);
        Assert.True(a.Add(100, 200));
        Assert.True(a.Add(300, 400));
        Assert.True(a.Add(500, 600));
        Assert.Equal(3, a.Count);
        Assert.True(a.Add(200, 500)); // touches all three
        Assert.Equal(1, a.Count);
        Assert.Equal(100u, a.StartOf(0));
        Assert.Equal(600u, a.EndOf(0));
        Assert.Equal(600u, a.TakeFrom(100));
        Assert.True(a.IsEmpty);
    }

    private static List<(int, int)> Ranges(bool[] have, int from)
    {
        var list = new List<(int, int)>();
        for (int i = from; i < have.Length;)
        {
            if (!have[i]) { i++; continue; }
            int s = i;
            while (i < have.Length && have[i]) i++;
            list.Add((s, i));
        }
        return list;
    }

    private static List<(int, int)> Listed(ReceiveAssembler a, uint baseSeq)
    {
        var list = new List<(int, int)>();
        for (int i = 0; i < a.Count; i++) list.Add(((int)(a.StartOf(i) - baseSeq), (int)(a.EndOf(i) - baseSeq)));
        return list;
    }
}
