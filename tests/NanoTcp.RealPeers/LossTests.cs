using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Capture = NanoTcp.RealPeers.Rig.Capture;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// The kernel's TCP against the board over a bad link: random loss both ways from nftables in
/// the test's namespace (a table there only, on the TAP), reordering, duplication and delay in
/// the bridge between the TAP and the chip. 4 MB echoed byte-exact at 5 % and at 20 %, handshake and
/// teardown complete, capture clean. Also the lost final ACK of a close, answered from TIME-WAIT.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class LossTests
{
    private const int FourMegabytes = 4 << 20;
    private readonly ITestOutputHelper _out;

    public LossTests(ITestOutputHelper output) => _out = output;

    [RealPeerFact(Needs = "nft")]
    public void FivePercentLossEachWay_PlusReorderDuplicateDelay_FourMegabytesEchoedByteExact()
    {
        Transfer("loss5", 5, o =>
        {
            BadBridge(o, seed: 5);
            Tuned(o);
        });
    }

    /// <summary>
    /// The slowest test of the suite (about 2 minutes here): at 20 % each way most losses of the
    /// board's segments can only be repaired by its retransmission timer (a small congestion
    /// window rarely brings three duplicate ACKs), so the time is the sum of those timeouts. Most of
    /// the kernel's duplicate ACKs ride on its own data (the echo): only their SACK blocks make them
    /// duplicates (RFC 6675 §2), and they bring most of the board's fast retransmits.
    /// </summary>
    [RealPeerFact(Needs = "nft")]
    public void TwentyPercentLossEachWay_PlusReorderDuplicateDelay_FourMegabytesEchoedByteExact()
    {
        Transfer("loss20", 20, o =>
        {
            BadBridge(o, seed: 20);
            Tuned(o);
        });
    }

    [RealPeerFact(Needs = "nft")]
    public void LostFinalAck_TheKernelResendsItsFin_TheBoardAcksAgainFromTimeWait()
    {
        using var rig = RealPeerRig.Start(_out, "final-ack");
        rig.Command("lab drop-final-ack", "will be lost");
        // HTTP: the board closes first, so the board goes through TIME-WAIT and owes the last ACK.
        JsonElement r = rig.Peer(30000, "http", "1");
        Assert.Equal(1, r.GetProperty("ok").GetInt32());
        rig.WaitFor(() => rig.Invoke((b, _) => b.Device.LabFaults.Dropped) == 1, 10000, "the lab to drop the final ACK");
        // The kernel sits in LAST-ACK until its retransmitted FIN is acknowledged.
        var sw = Stopwatch.StartNew();
        while (rig.Run(5000, "ss", "-tanH", "state", "last-ack").Output.Contains(RealPeerRig.BoardIp))
        {
            Assert.True(sw.ElapsedMilliseconds < 20000, "the kernel is still in LAST-ACK: its FIN was never acknowledged");
            Thread.Sleep(200);
        }
        Assert.Equal(1, rig.Invoke((b, _) => BoardTable.CountState(b, TcpState.TimeWait)));

        Capture cap = rig.Finish();
        List<string[]> fins = cap.Fields($"ip.src == {RealPeerRig.HostIp} && tcp.flags.fin == 1", "frame.number", "tcp.seq_raw");
        Assert.True(fins.Count == 2, $"expected the kernel's FIN and one retransmission, got {fins.Count}");
        Assert.Equal(fins[0][1], fins[1][1]);
        long finSeq = long.Parse(fins[0][1]);
        string ackOfFin = $"ip.src == {RealPeerRig.BoardIp} && tcp.flags == 0x010 && tcp.ack_raw == {(finSeq + 1) & 0xFFFFFFFF}";
        // The first ACK never reached the wire; the only one follows the retransmitted FIN.
        List<string[]> acks = cap.Fields(ackOfFin, "frame.number");
        Assert.True(acks.Count == 1, $"expected one ACK of the kernel's FIN on the wire, got {acks.Count}");
        Assert.True(int.Parse(acks[0][0]) > int.Parse(fins[1][0]), "the board's ACK came before the retransmitted FIN");
        _out.WriteLine($"kernel FIN in frames {fins[0][0]} and {fins[1][0]} (seq {finSeq}), the board's ACK in frame {acks[0][0]}");
    }

    /// <summary>Reordering, duplication and delay on top of nftables' loss (per mille, ms).</summary>
    private static void BadBridge(VirtualBoardOptions o, uint seed)
    {
        o.Seed = seed;
        o.ReorderPerMille = 20;
        o.DuplicatePerMille = 10;
        o.DelayMs = 2;
        o.JitterMs = 3;
    }

    /// <summary>
    /// Bigger rings and shorter timers than the device's defaults (2 KB rings, RTO 1 s min and
    /// 60 s max, RFC 6298), which are far too slow for these tests: with the defaults 256 KB at
    /// 5 % took 22 s (4 MB would take about 6 minutes) and 64 KB at 20 % took 76 s. A 2 KB window
    /// holds one segment, so a loss is never followed by three duplicate ACKs and costs a whole
    /// RTO. The link's round trip is a few ms, so a 50 ms minimum RTO is still ten of them;
    /// RtoMax 2 s: runs of losses at 20 % backed the RTO off to 60 s, idle minutes on this link;
    /// MaxRetries 20 keeps such runs from aborting the connection now that retries come faster.
    /// Measured 4 MB echoes: 5 %: 26 s, 11.5 s once the board's ACKs carried SACK blocks, 8–10 s once
    /// the kernel's SACK blocks counted its duplicate ACKs (10–11 s before); 20 %: 133 s (481 s with a
    /// 200 ms minimum RTO and before the stack had RFC 6582 partial-ACK recovery and RFC 3042 limited
    /// transmit: 6 fast retransmits then, 89 after), 144–196 s (median of five 172.5 s) with 31–39 fast
    /// retransmits once the board's ACKs rode on its echoed data (the kernel's duplicate ACKs then ride on
    /// its own), 81–150 s (median of six 127 s) with 154–169 once SACK blocks count those as duplicates
    /// (a shared two-core machine: load 2 to 18).
    /// </summary>
    private static void Tuned(VirtualBoardOptions o)
    {
        o.Device.Tcp.SendBufferSize = 16384;
        o.Device.Tcp.ReceiveBufferSize = 16384;
        o.Device.Tcp.RtoMinMs = 50;
        o.Device.Tcp.RtoMaxMs = 2000;
        o.Device.Tcp.MaxRetries = 20;
    }

    /// <summary>
    /// Echoes <paramref name="bytes"/> through port 7 with <paramref name="lossPercent"/> % of
    /// the TCP packets lost each way by nftables, checks the result and prints what it cost.
    /// </summary>
    private void Transfer(string name, int lossPercent, Action<VirtualBoardOptions> configure, int bytes = FourMegabytes)
    {
        using var rig = RealPeerRig.Start(_out, name, configure);
        DropInNamespace(rig, lossPercent);

        var sw = Stopwatch.StartNew();
        JsonElement r = rig.Peer(600000, "echo", "7", bytes.ToString());
        double seconds = sw.Elapsed.TotalSeconds;
        Assert.True(r.GetProperty("same").GetBoolean(), $"echo differs: {r}");
        Assert.Equal(bytes, r.GetProperty("received").GetInt32());
        int localPort = r.GetProperty("local_port").GetInt32();

        // Teardown: the kernel closed first; the board's LAST-ACK may need retransmitted FINs.
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 60000, "the board's connection to close");
        var (retransmits, fast, reason) = rig.Invoke((b, _) => BoardRetransmits(b));
        Assert.Equal(TcpCloseReason.Normal, reason);
        long kernelRetransmits = KernelRetransmits(rig);
        long sackRecoveries = KernelCounter(rig, "TcpExtTCPSackRecovery");
        string dropped = rig.Run(5000, "nft", "list", "table", "inet", "loss").Output;
        var faults = rig.Invoke((b, _) => (b.Faults!.Reordered, b.Faults.Duplicated));
        _out.WriteLine($"{name}: {bytes} bytes echoed in {seconds:F1} s (peer: {r.GetProperty("seconds")} s) with {lossPercent} % loss each way; "
            + $"board retransmitted {retransmits} segments ({fast} fast retransmits), kernel {kernelRetransmits}; "
            + $"nftables dropped {Regex.Matches(dropped, @"packets (\d+)").Select(m => m.Groups[1].Value).Aggregate((a, c) => a + " in / " + c)} out; "
            + $"bridge reordered {faults.Reordered}, duplicated {faults.Duplicated}; kernel SACK recoveries {sackRecoveries}");
        Assert.True(kernelRetransmits > 0 && retransmits > 0, "a lossy link and no retransmission: the loss was not applied");

        Capture cap = rig.Finish();
        // The handshake and both FINs are on the wire; nobody gave up with a reset.
        Assert.True(cap.Count($"ip.src == {RealPeerRig.HostIp} && tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.srcport == {localPort}") >= 1, "no SYN");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.dstport == {localPort}") >= 1, "no SYN-ACK");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.HostIp} && tcp.flags.fin == 1") >= 1, "no FIN from the kernel");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.fin == 1") >= 1, "no FIN from the board");
        // A reset may follow the close: the bridge duplicates and holds back frames, so a copy of the kernel's
        // last ACK can reach the board after its connection is gone, and a segment for no connection is
        // answered with RST (RFC 9293 §3.10.7.1). Before the last FIN, or from the kernel, none may appear.
        int lastFin = cap.Fields("tcp.flags.fin == 1", "frame.number").Select(f => int.Parse(f[0])).Max();
        List<string> resets = cap.Summary("tcp.flags.reset == 1");
        int early = cap.Count($"tcp.flags.reset == 1 && (frame.number < {lastFin} || ip.src == {RealPeerRig.HostIp})");
        Assert.True(early == 0, $"a reset before the last FIN (frame {lastFin}) or from the kernel:\n" + string.Join("\n", resets));
        if (resets.Count > 0) _out.WriteLine($"{name}: after the close, the board answered a late segment with RST:\n" + string.Join("\n", resets));
        // Selective acknowledgments (RFC 2018): agreed in the handshake, carried by the board's duplicate
        // ACKs, and used by the kernel to resend only the holes.
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.syn == 1 && tcp.options.sack_perm") >= 1, "the SYN-ACK offers no SACK-permitted");
        int sackAcks = cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.options.sack_le");
        _out.WriteLine($"{name}: {sackAcks} of the board's ACKs carried SACK blocks");
        Assert.True(sackAcks > 0, "the board never sent a SACK block although segments were lost");
        Assert.True(sackRecoveries > 0, "the kernel never recovered by SACK");
    }

    /// <summary>
    /// An nftables table in the test's namespace only: <paramref name="percent"/> % of the TCP
    /// packets coming from the board (input) and going to it (output) are dropped, counted.
    /// </summary>
    internal static void DropInNamespace(RealPeerRig rig, int percent)
    {
        string rules = Path.Combine(RealPeerRig.KeepDirectory, rig.Namespace + ".nft");
        File.WriteAllText(rules,
            "table inet loss {\n"
            + $"  chain in {{ type filter hook input priority 0; policy accept; iifname \"{rig.TapName}\" meta l4proto tcp numgen random mod 100 < {percent} counter drop; }}\n"
            + $"  chain out {{ type filter hook output priority 0; policy accept; oifname \"{rig.TapName}\" meta l4proto tcp numgen random mod 100 < {percent} counter drop; }}\n"
            + "}\n");
        try
        {
            var (code, output) = rig.Run(10000, "nft", "-f", rules);
            Assert.True(code == 0, "nft -f failed (apt-get install nftables): " + output);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    /// <summary>Segments the kernel retransmitted in this namespace (its TCP MIB is per namespace).</summary>
    internal static long KernelRetransmits(RealPeerRig rig) => KernelCounter(rig, "TcpRetransSegs");

    /// <summary>One of the kernel's TCP counters in this namespace, as nstat names it.</summary>
    internal static long KernelCounter(RealPeerRig rig, string counter)
    {
        var (code, output) = rig.Run(5000, "nstat", "-azs", counter);
        Assert.Equal(0, code);
        Match m = Regex.Match(output, counter + @"\s+(\d+)");
        Assert.True(m.Success, "nstat printed no " + counter + ": " + output);
        return long.Parse(m.Groups[1].Value);
    }

    /// <summary>Retransmitted segments and fast retransmits summed over the board's slots (kept until a slot is reused), and the last close reason.</summary>
    private static (int Retransmits, int Fast, TcpCloseReason Reason) BoardRetransmits(VirtualBoard b)
    {
        int retransmits = 0, fast = 0;
        TcpCloseReason reason = TcpCloseReason.None;
        for (int i = 0; i < b.Device.Tcp.ConnectionSlots; i++)
        {
            TcpConnection c = b.Device.Tcp.ConnectionAt(i);
            retransmits += c.Retransmits;
            fast += c.FastRetransmits;
            if (c.Reason != TcpCloseReason.None) reason = c.Reason;
        }
        return (retransmits, fast, reason);
    }
}
