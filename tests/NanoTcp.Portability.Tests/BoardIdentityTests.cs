using NanoTcp.Firmware.Boards;
using NanoTcp.Wire;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>The board's MAC address: the configured one, or a locally administered unicast one drawn per board.</summary>
public class BoardIdentityTests
{
    [Fact]
    public void AConfiguredAddressIsUsedAsIs()
    {
        Assert.Equal("02:4e:54:00:00:07", MacAddress.Format(BoardIdentity.MacAddressOf("02:4e:54:00:00:07", new Random(1)), 0));
    }

    [Fact]
    public void WithoutOneEachBoardDrawsItsOwnLocallyAdministeredUnicastAddress()
    {
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 50; seed++)
        {
            byte[] mac = BoardIdentity.MacAddressOf("", new Random(seed));
            Assert.Equal(new byte[] { 0x02, 0x4E, 0x54 }, mac[..3]);   // locally administered (bit 1), unicast (bit 0 clear)
            seen.Add(MacAddress.Format(mac, 0));
        }
        Assert.True(seen.Count >= 49, $"{seen.Count} different addresses from 50 boards");
    }

    [Theory]
    [InlineData("01:00:5e:00:00:01")]   // multicast: not a board's address
    [InlineData("00:00:00:00:00:00")]
    [InlineData("not a mac")]
    public void AnUnusableConfiguredAddressFallsBackToADrawnOne(string configured)
    {
        byte[] mac = BoardIdentity.MacAddressOf(configured, new Random(3));
        Assert.Equal(0x02, mac[0]);
    }

    [Fact]
    public void TheShippedConfigurationIsEmptySoNoTwoBoardsShareTheDefault()
    {
        Assert.Equal("", BoardIdentity.ConfiguredMac);
    }
}
