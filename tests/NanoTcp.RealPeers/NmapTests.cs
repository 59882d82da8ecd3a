using System.Text.RegularExpressions;
using NanoTcp.RealPeers.Rig;
using Xunit.Abstractions;
using Capture = NanoTcp.RealPeers.Rig.Capture;

namespace NanoTcp.RealPeers;

/// <summary>
/// nmap against the board: a SYN scan of ports 1-1024 finds exactly the four services open and
/// everything else closed (RST, not silence), and OS detection's odd probes run to the end
/// without hurting the board. After each, ping and a fresh echo work and every frame is accounted for.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class NmapTests
{
    private static readonly int[] OpenPorts = { 7, 9, 19, 80 };
    private readonly ITestOutputHelper _out;

    public NmapTests(ITestOutputHelper output) => _out = output;

    [RealPeerFact(Needs = "nmap ping")]
    public void SynScan_FindsExactlyTheFourServicesOpen_AndTheRestClosed()
    {
        using var rig = RealPeerRig.Start(_out, "nmap-ss");
        // -n: no DNS; -Pn: the board is known to be up (no ping sweep); -oG -: greppable output on stdout.
        var (code, output) = rig.Run(300000, "nmap", "-n", "-Pn", "-sS", "-p", "1-1024", "--max-retries", "2", "-oG", "-", RealPeerRig.BoardIp);
        Assert.True(code == 0, "nmap failed (apt-get install nmap): " + output);

        // Greppable: "Ports: 7/open/tcp//echo///, 9/open/..."  and "Ignored State: closed (1020)".
        Match ports = Regex.Match(output, @"Ports: ([^\t\n]*)");
        Assert.True(ports.Success, "no Ports line in nmap's output:\n" + output);
        var listed = ports.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('/')).Select(f => (Port: int.Parse(f[0]), State: f[1])).ToList();
        Assert.Equal(OpenPorts, listed.Where(p => p.State == "open").Select(p => p.Port).OrderBy(p => p).ToArray());
        Assert.All(listed.Where(p => p.State != "open"), p => Assert.Equal("closed", p.State));
        int closedListed = listed.Count(p => p.State == "closed");
        Match ignored = Regex.Match(output, @"Ignored State: (\w+) \((\d+)\)");
        int closedIgnored = 0;
        if (ignored.Success)
        {
            Assert.Equal("closed", ignored.Groups[1].Value); // not "filtered": the board answers every closed port with a RST
            closedIgnored = int.Parse(ignored.Groups[2].Value);
        }
        Assert.Equal(1024 - OpenPorts.Length, closedListed + closedIgnored);

        StillWell(rig);
        Capture cap = rig.Finish();
        // One RST per closed port at least (nmap may retry a few).
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.reset == 1") >= 1020);
    }

    [RealPeerFact(Needs = "nmap ping")]
    public void OsDetection_RunsToTheEnd_TheBoardSurvives()
    {
        using var rig = RealPeerRig.Start(_out, "nmap-os");
        var (code, output) = rig.Run(300000, "nmap", "-n", "-Pn", "-O", "-p", "7,9,19,80,81", "-oX", "-", RealPeerRig.BoardIp);
        Assert.True(code == 0, "nmap failed: " + output);
        Assert.Contains("<runstats><finished", output);
        Assert.Contains("<osfingerprint", output); // the OS probes ran (no match expected for this stack)
        foreach (int port in OpenPorts) Assert.Contains($"portid=\"{port}\"><state state=\"open\"", output);
        Assert.Contains("portid=\"81\"><state state=\"closed\"", output);

        // Everything nmap sent is in the capture by now (tcpdump writes each packet at once).
        int nmapFrames = new Capture(rig.PcapPath).Count("frame");
        StillWell(rig);
        // nmap's OS probes are odd on purpose (T2: no flags, T3: SYN|FIN|PSH|URG, T7: FIN|PSH|URG,
        // ACKs carrying SYN options) and reuse the same few source ports with fresh random sequence
        // numbers on every try, so tshark's conversation analysis calls its ACKs, and the board's
        // correct RSTs to them (RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>),
        // "ACKed unseen segment". Excluded: what the host sent while nmap ran (only nmap was
        // running), and the board's RSTs of that time whose only fault is that flag (checksums good).
        rig.Finish(forged: $"frame.number <= {nmapFrames} && (ip.src == {RealPeerRig.HostIp} "
            + "|| (tcp.flags.reset == 1 && tcp.analysis.ack_lost_segment && tcp.checksum.status == 1 && ip.checksum.status == 1 && !_ws.malformed))");
    }

    /// <summary>The board still answers ping and a fresh echo connection, and its loop never threw.</summary>
    private static void StillWell(RealPeerRig rig)
    {
        var ping = rig.Run(20000, "ping", "-c", "3", "-i", "0.2", "-W", "2", RealPeerRig.BoardIp);
        Assert.True(ping.Code == 0 && ping.Output.Contains("3 received"), "ping after nmap: " + ping.Output);
        var echo = rig.Peer(30000, "connect", "7", "10");
        Assert.Equal("connected", echo.GetProperty("result").GetString());
        Assert.True(echo.GetProperty("echoed").GetBoolean(), echo.ToString());
    }
}
