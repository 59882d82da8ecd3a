using NanoTcp.Tests.Fixtures;
using Xunit;

namespace NanoTcp.Tests.FixturesTests;

/// <summary>Sanity checks on the captured kernel frames themselves (not on the stack).</summary>
public class KernelFramesTests
{
    public static TheoryData<string> KernelFrameNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in KernelFrames.AllNames) data.Add(name);
        return data;
    }

    private static byte[] Frame(string name) =>
        KernelFrames.Bytes(KernelFrames.All[System.Array.IndexOf(KernelFrames.AllNames, name)]);

    [Fact]
    public void AllAndAllNamesLineUp()
    {
        Assert.Equal(KernelFrames.All.Length, KernelFrames.AllNames.Length);
        Assert.True(KernelFrames.All.Length >= 15);
    }

    [Theory]
    [MemberData(nameof(KernelFrameNames))]
    public void EveryKernelFrameIsAnEthernetFrameFromTheKernelMac(string name)
    {
        byte[] f = Frame(name);
        Assert.InRange(f.Length, 42, 1514);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 1 }, f[6..12]);
        int type = (f[12] << 8) | f[13];
        Assert.True(type == 0x0800 || type == 0x0806, name + ": ethertype " + type.ToString("X4"));
    }

    [Theory]
    [MemberData(nameof(KernelFrameNames))]
    public void Ipv4HeaderChecksumsVerify(string name)
    {
        byte[] f = Frame(name);
        if (((f[12] << 8) | f[13]) != 0x0800) return;
        int ihl = (f[14] & 0x0F) * 4;
        uint sum = 0;
        for (int i = 0; i < ihl; i += 2) sum += (uint)((f[14 + i] << 8) | f[15 + i]);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        Assert.Equal(0xFFFFu, sum);
    }

    [Fact]
    public void BytesParsesHexAndRejectsJunk()
    {
        Assert.Equal(new byte[] { 0x0A, 0xFF, 0x10 }, KernelFrames.Bytes("0a FF\n10"));
        Assert.Throws<System.FormatException>(() => KernelFrames.Bytes("abc"));
        Assert.Throws<System.FormatException>(() => KernelFrames.Bytes("zz"));
    }
}
