using NanoTcp.RealPeers.Rig;
using NanoTcp.Wire;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>ARP, ICMP echo both ways and DHCP against the kernel and Debian's dnsmasq.</summary>
[Collection(RealPeersCollection.Name)]
public class IcmpArpDhcpTests
{
    private readonly ITestOutputHelper _out;

    public IcmpArpDhcpTests(ITestOutputHelper output) => _out = output;

    [RealPeerFact(Needs = "ping")]
    public void KernelPingsTheBoard_ArpResolvesTheBoardsMac_FullSizeFramesToo()
    {
        using var rig = RealPeerRig.Start(_out, "ping");
        var small = rig.Run(20000, "ping", "-c", "5", "-i", "0.2", "-W", "2", RealPeerRig.BoardIp);
        Assert.True(small.Code == 0 && small.Output.Contains("5 received"), small.Output);
        // 1472 bytes of payload: a 1514-byte frame, the largest the board takes.
        var large = rig.Run(20000, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "1472", "-M", "do", RealPeerRig.BoardIp);
        Assert.True(large.Code == 0 && large.Output.Contains("3 received"), large.Output);
        var neigh = rig.Run(5000, "ip", "neigh", "show", RealPeerRig.BoardIp);
        Assert.Contains("lladdr " + RealPeerRig.BoardMac, neigh.Output);

        var c = rig.Counters();
        Assert.Equal(8, c.IcmpEchoRequestsIn);
        Assert.Equal(8, c.IcmpEchoRepliesOut);
        Assert.True(c.ArpRequestsIn >= 1, "the kernel never asked for the board's MAC");

        Capture cap = rig.Finish();
        Assert.True(cap.Count($"arp.opcode == 2 && arp.src.proto_ipv4 == {RealPeerRig.BoardIp} && arp.src.hw_mac == {RealPeerRig.BoardMac}") >= 1, "no ARP reply from the board");
        Assert.Equal(8, cap.Count($"icmp.type == 0 && ip.src == {RealPeerRig.BoardIp}"));
        Assert.Equal(3, cap.Count($"icmp.type == 0 && ip.src == {RealPeerRig.BoardIp} && frame.len == 1514"));
    }

    [RealPeerFact]
    public void BoardPingsTheKernel_AfterResolvingItsMacByArp()
    {
        using var rig = RealPeerRig.Start(_out, "board-ping");
        string said = rig.Command($"ping {RealPeerRig.HostIp}", " received", 15000);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"4 sent, 4 received|(\d+) sent, \1 received"), said);
        Assert.Contains($"bytes from {RealPeerRig.HostIp}", said);
        Capture cap = rig.Finish();
        Assert.True(cap.Count($"arp.opcode == 1 && arp.src.proto_ipv4 == {RealPeerRig.BoardIp} && arp.dst.proto_ipv4 == {RealPeerRig.HostIp}") >= 1, "the board did not ask for the kernel's MAC");
        Assert.True(cap.Count($"icmp.type == 0 && ip.src == {RealPeerRig.HostIp}") >= 1);
    }

    [RealPeerFact(Needs = "dnsmasq")]
    public void Dhcp_TheBoardLeasesAnAddressFromDnsmasq_AndAnswersOnIt()
    {
        // The board boots with no address and its DHCP client on; dnsmasq (Debian's dnsmasq-base)
        // serves 192.168.77.50-59 on the TAP inside the namespace, nothing else.
        using var rig = RealPeerRig.Start(_out, "dhcp", o =>
        {
            o.Address = 0;
            o.Gateway = 0;
            o.Device.Interface.UseDhcp = true;
        });
        string leases = Path.Combine(RealPeerRig.KeepDirectory, rig.Namespace + ".leases");
        File.Delete(leases);
        HostProcess dnsmasq = rig.Background("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0", "--user=root",
            "--interface=" + rig.TapName, "--bind-interfaces", "--dhcp-range=192.168.77.50,192.168.77.59,255.255.255.0,10m",
            "--dhcp-option=option:router,192.168.77.1", "--dhcp-leasefile=" + leases, "--pid-file=", "--log-dhcp");
        try
        {
            rig.WaitForConsole("dhcp bound", 30000);
            uint address = rig.Invoke((b, _) => b.Device.Interface.Address);
            string ip = Ipv4Address.Format(address);
            _out.WriteLine("leased " + ip);
            Assert.Matches(@"^192\.168\.77\.5\d$", ip);
            Assert.Equal(Ipv4Address.Make(192, 168, 77, 1), rig.Invoke((b, _) => b.Device.Interface.Gateway));
            Assert.Contains("lease=600s", rig.ConsoleText);

            var ping = rig.Run(20000, "ping", "-c", "3", "-i", "0.2", "-W", "2", ip);
            Assert.True(ping.Code == 0 && ping.Output.Contains("3 received"), ping.Output);
            Assert.Contains(RealPeerRig.BoardMac, File.ReadAllText(leases));
            Assert.Contains("DHCPACK", dnsmasq.Output);
        }
        finally
        {
            dnsmasq.Kill();
            File.Delete(leases);
        }
        Capture cap = rig.Finish();
        Assert.True(cap.Count("dhcp.option.dhcp == 1") >= 1, "no DISCOVER");
        Assert.True(cap.Count("dhcp.option.dhcp == 3") >= 1, "no REQUEST");
        Assert.True(cap.Count("dhcp.option.dhcp == 5") >= 1, "no ACK");
    }
}
