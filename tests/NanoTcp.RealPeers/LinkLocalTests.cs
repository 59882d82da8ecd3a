using NanoTcp.Iface;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Wire;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// First contact on a direct cable: no DHCP server, the kernel with only a link-local address
/// (169.254/16, as a PC gives itself), the board with DHCP on and the RFC 3927 fallback.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class LinkLocalTests
{
    private readonly ITestOutputHelper _out;

    public LinkLocalTests(ITestOutputHelper output) => _out = output;

    [RealPeerFact(Needs = "ping curl")]
    public void NoDhcpServer_TheBoardProbesAroundTheKernelsAddress_AndTheKernelReachesItWithoutConfiguration()
    {
        byte[] mac = MacAddress.Parse(RealPeerRig.BoardMac)!;
        uint first = Ipv4LinkLocal.FirstAddress(mac);
        using var rig = RealPeerRig.Start(_out, "linklocal", o =>
        {
            o.Address = 0;
            o.Gateway = 0;
            o.Device.Interface.UseDhcp = true;
            o.Device.Interface.LinkLocalAfterAttempts = 2;
            o.Device.Interface.DhcpInitialTimeoutMs = 1000; // the fallback a few seconds after boot, not twelve
        });
        // The kernel's side has only link-local addresses, and one of them is the address the board
        // tries first: the kernel answers its probe, and the board must take another.
        Assert.Equal(0, rig.Run(5000, "ip", "addr", "flush", "dev", rig.TapName).Code);
        Assert.Equal(0, rig.Run(5000, "ip", "addr", "add", "169.254.77.1/16", "dev", rig.TapName).Code);
        Assert.Equal(0, rig.Run(5000, "ip", "addr", "add", Ipv4Address.Format(first) + "/16", "dev", rig.TapName).Code);
        rig.Log("kernel holds 169.254.77.1 and the board's first choice " + Ipv4Address.Format(first));

        rig.WaitForConsole("dhcp link-local 169.254.", 60000);
        uint address = rig.Invoke((b, _) => b.Device.Interface.Address);
        string ip = Ipv4Address.Format(address);
        rig.Log("board took " + ip);
        Assert.True(Ipv4LinkLocal.IsLinkLocal(address), ip);
        Assert.NotEqual(first, address);
        Assert.Contains("dhcp link-local-conflict " + Ipv4Address.Format(first), rig.ConsoleText);
        Assert.Equal(Ipv4LinkLocal.Netmask, rig.Invoke((b, _) => b.Device.Interface.Netmask));
        // The console says where it is.
        Assert.Contains("link-local: " + ip, rig.Command("ifconfig", "link-local", 5000));

        var ping = rig.Run(20000, "ping", "-c", "3", "-i", "0.2", "-W", "2", ip);
        Assert.True(ping.Code == 0 && ping.Output.Contains("3 received"), ping.Output);
        var curl = rig.Run(20000, "curl", "-s", "-m", "10", $"http://{ip}/");
        Assert.True(curl.Code == 0 && curl.Output.Length > 0, curl.Output);

        // The second announcement goes 2 s after the first.
        rig.WaitFor(() => rig.Invoke((b, _) => b.Device.Interface.LinkLocal.State == LinkLocalState.Bound), 10000, "the board's second announcement");
        Capture cap = rig.Finish();
        string boardMac = RealPeerRig.BoardMac;
        Assert.True(cap.Count($"arp.opcode == 1 && arp.src.hw_mac == {boardMac} && arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == {ip}") == 3,
            "three probes for the address it took");
        Assert.True(cap.Count($"arp.opcode == 1 && arp.src.hw_mac == {boardMac} && arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == {Ipv4Address.Format(first)}") >= 1,
            "a probe for the kernel's address");
        Assert.True(cap.Count($"arp.opcode == 1 && arp.src.hw_mac == {boardMac} && arp.src.proto_ipv4 == {ip} && arp.dst.proto_ipv4 == {ip}") >= 2,
            "two announcements");
        Assert.True(cap.Count($"icmp.type == 0 && ip.src == {ip}") >= 3);
    }
}
