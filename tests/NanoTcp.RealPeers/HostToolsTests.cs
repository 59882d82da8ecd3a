using NanoTcp.RealPeers.Rig;

namespace NanoTcp.RealPeers;

/// <summary>A case whose program is missing is skipped naming the package and the install line (runs without root).</summary>
public class HostToolsTests
{
    [Fact]
    public void AMissingToolNamesItsPackageAndTheInstallLine()
    {
        Assert.Equal("needs dnsmasq, not installed here (Debian package dnsmasq-base): sudo apt-get install dnsmasq-base",
            HostTools.Missing("ping dnsmasq", present: name => name != "dnsmasq"));
        Assert.Equal("needs ss, scapy, hping3, not installed here (Debian packages iproute2 python3-scapy hping3): sudo apt-get install iproute2 python3-scapy hping3",
            HostTools.Missing("ss scapy hping3", present: _ => false));
        Assert.Null(HostTools.Missing("nmap nft", present: _ => true));
    }

    [Fact]
    public void AnUnknownToolIsAMistakeInTheTestNotASkip()
    {
        Assert.Throws<ArgumentException>(() => HostTools.Missing("wireshark-gui"));
    }

    [Fact]
    public void EveryCaseDeclaresOnlyKnownTools()
    {
        var attributes = typeof(HostToolsTests).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .SelectMany(m => m.CustomAttributes)
            .Where(a => a.AttributeType == typeof(RealPeerFactAttribute) || a.AttributeType == typeof(RealPeerTheoryAttribute))
            .SelectMany(a => a.NamedArguments).Where(n => n.MemberName == "Needs").Select(n => (string)n.TypedValue.Value!).ToList();
        Assert.Contains("dnsmasq", attributes);
        Assert.Contains("nmap ping", attributes);
        foreach (string needs in attributes) HostTools.Missing(needs, present: _ => true);
    }
}
