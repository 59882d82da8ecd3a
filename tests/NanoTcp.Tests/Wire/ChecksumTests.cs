using NanoTcp.Wire;

namespace NanoTcp.Tests.Wire;

public class ChecksumTests
{
    [Fact]
    public void Rfc1071NumericExample()
    {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 0x2ddf0, folded 0xddf2; checksum is its complement.
        byte[] b = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
        Assert.Equal(0xddf2u, FoldOnly(Checksum.Add(b, 0, b.Length, 0)));
        Assert.Equal(0x220d, Checksum.Compute(b, 0, b.Length));
    }

    [Fact]
    public void MatchesAPlainWordLoopForEveryLengthAndOffset()
    {
        var rand = new Random(7);
        var data = new byte[1600];
        rand.NextBytes(data);
        for (int offset = 0; offset < 9; offset++)
        {
            for (int len = 0; len < 1500; len += 1 + len / 50)
            {
                Assert.Equal(Reference(data, offset, len), Checksum.Compute(data, offset, len));
            }
        }
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xFF)]
    public void AllZeroAndAllOnesBuffersKeepTheirDistinctResults(int fill)
    {
        // One's complement has two zeros; the wide little-endian path must not turn one into the other.
        var data = new byte[1500];
        Array.Fill(data, (byte)fill);
        foreach (int len in new[] { 31, 32, 33, 48, 1480, 1500 })
        {
            Assert.Equal(Reference(data, 0, len), Checksum.Compute(data, 0, len));
        }
    }

    [Fact]
    public void AChunkedSumEqualsTheWholeWhenChunksHaveEvenLength()
    {
        var data = new byte[1001];
        new Random(3).NextBytes(data);
        uint sum = Checksum.Add(data, 0, 500, 0);
        sum = Checksum.Add(data, 500, 501, sum);
        Assert.Equal(Checksum.Compute(data, 0, data.Length), Checksum.Finish(sum));
    }

    [Fact]
    public void VerifyingABufferThatHoldsItsChecksumGivesZero()
    {
        var data = new byte[64];
        new Random(5).NextBytes(data);
        data[10] = 0; data[11] = 0;
        int c = Checksum.Compute(data, 0, data.Length);
        NetworkOrder.WriteUInt16(data, 10, c);
        Assert.Equal(0, Checksum.Compute(data, 0, data.Length));
    }

    private static uint FoldOnly(uint sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return sum;
    }

    private static int Reference(byte[] b, int offset, int len)
    {
        long sum = 0;
        for (int i = 0; i < len; i += 2)
        {
            int hi = b[offset + i];
            int lo = i + 1 < len ? b[offset + i + 1] : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (int)(~sum & 0xFFFF);
    }
}
