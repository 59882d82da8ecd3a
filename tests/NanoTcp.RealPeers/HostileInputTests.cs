using NanoTcp.Iface;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Sim.Tap;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// Malformed and hostile frames forged with scapy in the test's namespace and sent on the TAP to
/// the board while a kernel connection keeps echoing: each burst is counted under the drop reason
/// the code gives it (exactly), or answered the way RFC 9293 says, and afterwards the board still
/// pings, accepts a new connection, and the busy connection never saw an error.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class HostileInputTests
{
    private const int Count = 20;
    private static readonly string Board = RealPeerRig.BoardIp;
    private static readonly string ToForgedPorts = $"tcp.dstport >= {HostilePeer.FirstForgedPort} && tcp.dstport < {HostilePeer.FirstForgedPort + Count}";

    private readonly ITestOutputHelper _out;

    public HostileInputTests(ITestOutputHelper output) => _out = output;

    /// <summary>Where a burst ends: the interface (drop reasons), the chip's address filter, or the TAP's frame size limit.</summary>
    private enum Stop
    {
        Interface,
        ChipFilter,
        TapTooLong,
    }

    /// <summary>What the board sends back to the forged ports.</summary>
    private enum Answer
    {
        Nothing,
        SynAck,
        RstForAck,
        RstAckForSyn,
    }

    private sealed record Case(Stop Stop, Answer Answer, DropReason Reason = DropReason.None, DropReason Tolerated = DropReason.None);

    /// <summary>
    /// Each kind, and what the stack does with it (src/NanoTcp/Wire validators, Iface/NetInterface, Tcp/TcpInput).
    /// Tolerated: a reason that may also grow, and by how much is a matter of timing.
    /// </summary>
    private static Case Expected(string kind) => kind switch
    {
        // The kernel never sends a frame shorter than an Ethernet header (packet sockets refuse it) and
        // the chip drops runts; a bare header is padded to 60 bytes by the sender, so IPv4 sees zeros.
        "eth-header-only" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4BadVersion),
        "ip-truncated" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4Truncated),
        "bad-ihl" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4BadHeaderLength),
        "bad-ip-checksum" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4BadChecksum),
        "tcp-truncated" => new(Stop.Interface, Answer.Nothing, DropReason.TcpTruncated),
        "bad-tcp-data-offset" => new(Stop.Interface, Answer.Nothing, DropReason.TcpBadDataOffset),
        "bad-tcp-checksum" => new(Stop.Interface, Answer.Nothing, DropReason.TcpBadChecksum),
        "tcp-option-length-0" => new(Stop.Interface, Answer.Nothing, DropReason.TcpBadOption),
        "tcp-option-length-1" => new(Stop.Interface, Answer.Nothing, DropReason.TcpBadOption),
        "tcp-option-overflow" => new(Stop.Interface, Answer.Nothing, DropReason.TcpBadOption),
        // A SYN+FIN is taken as a SYN (the FIN is not acknowledged, like data on a SYN); the kernel
        // resets the SYN-ACKs for connections it never opened. A reset that arrives after its
        // half-open connection was evicted (backlog 2) reaches the listener and is ignored there.
        "syn-fin" => new(Stop.Interface, Answer.SynAck, Tolerated: DropReason.TcpRstIgnored),
        "syn-rst" => new(Stop.Interface, Answer.Nothing, DropReason.TcpRstIgnored),
        "no-flags" => new(Stop.Interface, Answer.Nothing, DropReason.TcpUnexpected),
        "ack-data-listen" => new(Stop.Interface, Answer.RstForAck, DropReason.TcpBadAck),
        // Window scaling is declined (not echoed), so a shift of 200 is never used.
        "syn-wscale-200" => new(Stop.Interface, Answer.SynAck, Tolerated: DropReason.TcpRstIgnored),
        "syn-closed-port" => new(Stop.Interface, Answer.RstAckForSyn, DropReason.TcpPortClosed),
        // Reassembly (Iface/Ipv4Reassembly) refuses a first piece whose length no offset can follow and
        // a piece past its 2048-byte slot; whole datagrams in fragments are the ping test's (IcmpErrorTests).
        "ip-fragment-first" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4FragmentMisaligned),
        "ip-fragment-later" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4FragmentTooBig),
        // 1600-byte frames: longer than the receive buffer between the TAP and the chip (1514), so the
        // TAP link discards them before the chip; the interface never sees them.
        "oversize" => new(Stop.TapTooLong, Answer.Nothing),
        "broadcast-ip" => new(Stop.Interface, Answer.Nothing, DropReason.TcpNotUnicast),
        "broadcast-mac" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4NotForUs),
        // The driver does not enable the chip's multicast filter.
        "multicast-mac" => new(Stop.ChipFilter, Answer.Nothing),
        "multicast-ip" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4NotForUs),
        "land" => new(Stop.Interface, Answer.Nothing, DropReason.Ipv4BadSource),
        _ => throw new ArgumentException("no expectation for " + kind),
    };

    [RealPeerTheory(Needs = "scapy ping")]
    [InlineData("eth-header-only")]
    [InlineData("ip-truncated")]
    [InlineData("bad-ihl")]
    [InlineData("bad-ip-checksum")]
    [InlineData("tcp-truncated")]
    [InlineData("bad-tcp-data-offset")]
    [InlineData("bad-tcp-checksum")]
    [InlineData("tcp-option-length-0")]
    [InlineData("tcp-option-length-1")]
    [InlineData("tcp-option-overflow")]
    [InlineData("syn-fin")]
    [InlineData("syn-rst")]
    [InlineData("no-flags")]
    [InlineData("ack-data-listen")]
    [InlineData("syn-wscale-200")]
    [InlineData("syn-closed-port")]
    [InlineData("ip-fragment-first")]
    [InlineData("ip-fragment-later")]
    [InlineData("oversize")]
    [InlineData("broadcast-ip")]
    [InlineData("broadcast-mac")]
    [InlineData("multicast-mac")]
    [InlineData("multicast-ip")]
    [InlineData("land")]
    public void Burst_IsCountedOrAnsweredAsExpected_AndTheBoardKeepsServing(string kind)
    {
        Case expected = Expected(kind);
        using var rig = RealPeerRig.Start(_out, "hostile-" + kind);
        HostProcess holder = rig.BackgroundPeer("hold", "7");
        rig.WaitFor(() => holder.Output.Contains("ready"), 30000, "the holding connection to echo");

        Counters before = rig.Counters();
        var (filteredBefore, tooLongBefore) = Intake(rig);
        var report = HostilePeer.Burst(rig, kind, Count);
        Assert.Equal(Count, report.GetProperty("sent").GetInt32());
        // The marker ping went after the burst: once the board counted it, it had taken every frame before it.
        rig.WaitFor(() => rig.Counters().IcmpEchoRequestsIn > before.IcmpEchoRequestsIn, 30000, "the marker ping after the burst");
        if (expected.Answer == Answer.SynAck)
        {
            // The kernel's resets close the half-open connections the SYNs made.
            rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.CountState(b, TcpState.SynReceived)) == 0, 30000, "no half-open connection left");
        }
        Counters after = rig.Counters();
        var (filteredAfter, tooLongAfter) = Intake(rig);

        long[] delta = new long[(int)DropReason.Count];
        for (int i = 0; i < delta.Length; i++) delta[i] = after.Drops[i] - before.Drops[i];
        string drops = string.Join(", ", Enumerable.Range(0, delta.Length).Where(i => delta[i] != 0).Select(i => $"{DropReasons.Name((DropReason)i)} +{delta[i]}"));
        rig.Log($"{kind}: drops {(drops.Length == 0 ? "none" : drops)}; chip filtered +{filteredAfter - filteredBefore}, TAP too long +{tooLongAfter - tooLongBefore}; rx frames +{after.RxFrames - before.RxFrames}");

        switch (expected.Stop)
        {
            case Stop.Interface:
                Assert.True(after.RxFrames - before.RxFrames >= Count + 1, $"the interface received {after.RxFrames - before.RxFrames} frames, not the {Count} forged + the marker");
                Assert.Equal(0, filteredAfter - filteredBefore);
                break;
            case Stop.ChipFilter:
                Assert.Equal(Count, filteredAfter - filteredBefore);
                break;
            case Stop.TapTooLong:
                Assert.Equal(Count, tooLongAfter - tooLongBefore);
                break;
        }
        // Exactly the expected reason, once a frame; nothing else dropped (a tolerated reason aside).
        for (int i = 1; i < delta.Length; i++)
        {
            var reason = (DropReason)i;
            if (reason == expected.Reason) Assert.True(delta[i] == Count, $"{DropReasons.Name(reason)} +{delta[i]}, expected +{Count} (all drops: {drops})");
            else if (reason != expected.Tolerated) Assert.True(delta[i] == 0, $"unexpected drops: {DropReasons.Name(reason)} +{delta[i]} (all drops: {drops})");
        }

        // The board still answers, takes a new connection, and the busy one never noticed.
        Assert.Equal(0, rig.Run(30000, "ping", "-c", "3", "-W", "5", Board).Code);
        var fresh = rig.Peer(30000, "connect", "7", "5");
        Assert.Equal("connected", fresh.GetProperty("result").GetString());
        Assert.True(fresh.GetProperty("echoed").GetBoolean(), fresh.ToString());
        holder.WriteLine("stop");
        Assert.True(holder.Wait(30000), "the holder did not stop");
        var held = RealPeerRig.ParsePeerResult(holder.ExitCode, holder.Output);
        Assert.True(held.GetProperty("errors").GetInt32() == 0 && held.GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.Null, $"the holding connection failed: {held}");
        Assert.True(held.GetProperty("rounds").GetInt32() > 0, held.ToString());

        Capture cap = rig.StopCapture(HostilePeer.ForgedFilter);
        Assert.Equal(Count, cap.Count(HostilePeer.ForgedFilter + " && !icmp"));
        CheckAnswers(cap, kind, expected.Answer);
        rig.Finish(HostilePeer.ForgedFilter);
    }

    /// <summary>The frames the chip's filter refused and the TAP link discarded as too long, so far.</summary>
    private static (long Filtered, long TooLong) Intake(RealPeerRig rig) =>
        rig.Invoke((b, _) => (b.Chip.Stats.FramesFiltered, ((TapDevice)b.Peer).DroppedTooLong));

    private static void CheckAnswers(Capture cap, string kind, Answer answer)
    {
        string fromBoard = $"ip.src == {Board} && eth.src == {RealPeerRig.BoardMac}";
        switch (answer)
        {
            case Answer.Nothing:
                Assert.Equal(0, cap.Count($"{fromBoard} && {ToForgedPorts}"));
                // The land attack's answer would go from the board to itself.
                Assert.Equal(0, cap.Count($"{fromBoard} && ip.dst == {Board}"));
                break;
            case Answer.SynAck:
                var synAcks = cap.Fields($"{fromBoard} && tcp.flags.syn == 1 && tcp.flags.ack == 1 && {ToForgedPorts}", "tcp.dstport", "tcp.ack_raw", "tcp.options.wscale.shift");
                Assert.Equal(Count, synAcks.Select(f => f[0]).Distinct().Count());
                foreach (string[] f in synAcks)
                {
                    int i = int.Parse(f[0]) - HostilePeer.FirstForgedPort;
                    // Acknowledges the SYN only: a FIN on it is not taken.
                    Assert.Equal((0x66000000u + (uint)i + 1).ToString(), f[1]);
                    Assert.True(f.Length < 3 || f[2] == "", $"{kind}: the SYN-ACK to port {f[0]} has a window scale option");
                }
                break;
            case Answer.RstForAck:
                // RFC 9293 §3.10.7.2: <SEQ=SEG.ACK><CTL=RST>.
                var rsts = cap.Fields($"{fromBoard} && tcp.flags.reset == 1 && {ToForgedPorts}", "tcp.dstport", "tcp.seq_raw", "tcp.flags.ack");
                Assert.Equal(Count, rsts.Count);
                foreach (string[] f in rsts) Assert.Equal((0x66660000u + (uint)(int.Parse(f[0]) - HostilePeer.FirstForgedPort)).ToString(), f[1]);
                break;
            case Answer.RstAckForSyn:
                // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
                var resets = cap.Fields($"{fromBoard} && tcp.flags.reset == 1 && tcp.flags.ack == 1 && {ToForgedPorts}", "tcp.dstport", "tcp.ack_raw");
                Assert.Equal(Count, resets.Count);
                foreach (string[] f in resets) Assert.Equal((0x66000000u + (uint)(int.Parse(f[0]) - HostilePeer.FirstForgedPort) + 1).ToString(), f[1]);
                break;
        }
    }
}
