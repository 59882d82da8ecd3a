using NanoTcp.RealPeers.Rig;
using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// The Linux kernel's TCP as the client of the board's services (echo 7, discard 9, chargen 19,
/// HTTP status 80): bulk transfers byte-exact, both close orders, half-close, many connections
/// one after another and at once. Every test ends with its capture checked by tshark.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class KernelClientTests
{
    private const int OneMegabyte = 1 << 20;
    private readonly ITestOutputHelper _out;

    public KernelClientTests(ITestOutputHelper output) => _out = output;

    private static TcpEchoService Echo(Sim.Board.VirtualBoard b) => (TcpEchoService)b.Device.ServiceOn(7);

    [RealPeerFact]
    public void Echo_OneMegabyteEachWay_ByteExact_KernelClosesFirstAndHoldsTimeWait()
    {
        using var rig = RealPeerRig.Start(_out, "echo");
        var r = rig.Peer(120000, "echo", "7", OneMegabyte.ToString());
        Assert.True(r.GetProperty("same").GetBoolean(), $"echo differs: {r}");
        Assert.Equal(OneMegabyte, r.GetProperty("received").GetInt32());
        int localPort = r.GetProperty("local_port").GetInt32();

        // The kernel sent the first FIN, so the kernel holds TIME-WAIT; the board went LAST-ACK -> CLOSED.
        var ss = rig.Run(5000, "ss", "-tan", "state", "time-wait");
        Assert.Contains($"{RealPeerRig.HostIp}:{localPort}", ss.Output);
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        Assert.Equal(OneMegabyte, rig.Invoke((b, _) => Echo(b).BytesEchoed));
        rig.WaitForConsole("LAST-ACK -> CLOSED", 5000);

        Capture cap = rig.Finish();
        // Half-close: the kernel's FIN came while the echo was still flowing back; the board kept sending after it.
        int fin = cap.FirstFrame($"ip.src == {RealPeerRig.HostIp} && tcp.flags.fin == 1");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.len > 0 && frame.number > {fin}") > 0, "no echo data after the kernel's FIN");
        // The board resends nothing on a clean link. The kernel sometimes does, when it has filled the
        // board's window and the board's ACK comes later than two of the kernel's smoothed RTTs (tens
        // of microseconds on this link; a busy machine delays the board's thread longer): that is the
        // kernel's tail loss probe (RFC 8985), measured in its counters and printed, not a fault.
        List<string> resent = cap.Summary("tcp.analysis.retransmission || tcp.analysis.fast_retransmission");
        int byBoard = cap.Count($"ip.src == {RealPeerRig.BoardIp} && (tcp.analysis.retransmission || tcp.analysis.fast_retransmission)");
        Assert.True(byBoard == 0, "the board retransmitted on a clean link:\n" + string.Join("\n", resent));
        if (resent.Count > 0)
        {
            // Which of the kernel's timers it was: a tail loss probe (RFC 8985, after about two
            // smoothed RTTs of silence) or a retransmission timeout.
            _out.WriteLine("the kernel resent (no frame is lost on this link):\n" + string.Join("\n", resent));
            _out.WriteLine($"the kernel's counters: tail loss probes {LossTests.KernelCounter(rig, "TcpExtTCPLossProbes")}, "
                + $"retransmission timeouts {LossTests.KernelCounter(rig, "TcpExtTCPTimeouts")}");
        }
    }

    [RealPeerFact]
    public void Echo_TwoKilobyteReplies_TheTailLeavesWithoutWaitingForTheKernelsDelayedAck()
    {
        // Request/reply of MSS + 588 bytes: the kernel delays its ACK of a lone segment (40 ms), so
        // classic Nagle would hold each reply's 588-byte tail until then (Minshall's Nagle does not).
        using var rig = RealPeerRig.Start(_out, "echo-2k");
        var r = rig.Peer(60000, "roundtrips", "7", "10", "2048");
        Assert.True(r.GetProperty("same").GetBoolean(), $"echo differs: {r}");
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        Capture cap = rig.Finish();

        // Every frame of the connection in order: a board tail (a data segment shorter than the MSS)
        // must not come after a kernel ACK of the full segment sent just before it.
        var frames = cap.Fields("tcp.port == 7", "frame.number", "ip.src", "tcp.seq", "tcp.ack", "tcp.len");
        int tails = 0;
        long lastFullEnd = -1;
        bool fullAckedBeforeTail = false;
        foreach (var f in frames)
        {
            bool fromBoard = f[1] == RealPeerRig.BoardIp;
            long seq = long.Parse(f[2]), ack = long.Parse(f[3]);
            int len = int.Parse(f[4]);
            if (fromBoard && len == 1460)
            {
                lastFullEnd = seq + len;
                fullAckedBeforeTail = false;
            }
            else if (!fromBoard && lastFullEnd >= 0 && ack >= lastFullEnd)
            {
                fullAckedBeforeTail = true;
            }
            else if (fromBoard && len > 0 && lastFullEnd == seq)
            {
                tails++;
                // The first exchange is left out: the kernel acknowledges it at once (quick-ACK at the
                // start of a connection) while the board's code on that path is still being compiled.
                // From the second on the kernel delays its ACK, which is where classic Nagle stalls.
                Assert.False(tails > 1 && fullAckedBeforeTail, $"frame {f[0]}: the board's {len}-byte tail waited for the kernel's ACK of its full segment\n"
                    + string.Join("\n", cap.Summary("tcp.port == 7")));
                lastFullEnd = -1;
            }
        }
        Assert.Equal(10, tails);
    }

    [RealPeerFact]
    public void Discard_TakesOneMegabyteFromTheKernel()
    {
        using var rig = RealPeerRig.Start(_out, "discard");
        var r = rig.Peer(120000, "discard", "9", OneMegabyte.ToString());
        Assert.Equal(0, r.GetProperty("received").GetInt32());
        rig.WaitFor(() => rig.Invoke((b, _) => ((TcpDiscardService)b.Device.ServiceOn(9)).BytesDiscarded) == OneMegabyte, 5000, "1 MB discarded");
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        rig.Finish();
    }

    [RealPeerFact]
    public void Chargen_SendsOneMegabyte_TheKernelChecksEveryByte()
    {
        using var rig = RealPeerRig.Start(_out, "chargen");
        var r = rig.Peer(120000, "chargen", "19", OneMegabyte.ToString());
        Assert.True(r.GetProperty("pattern_ok").GetBoolean(), $"chargen pattern broken: {r}");
        Assert.True(r.GetProperty("received").GetInt64() >= OneMegabyte, r.ToString());
        // The kernel half-closed after 1 MB; the board saw EOF, sent what it had queued and its FIN.
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        Capture cap = rig.Finish();
        Assert.Equal(0, cap.Count("tcp.flags.reset == 1"));
    }

    [RealPeerFact]
    public void Http_TheBoardClosesFirst_TimeWaitIsOnTheBoard()
    {
        using var rig = RealPeerRig.Start(_out, "http");
        var r = rig.Peer(60000, "http", "3");
        Assert.Equal(3, r.GetProperty("ok").GetInt32());
        Assert.Contains("HTTP/1.0 200 OK", r.GetProperty("first_page").GetString());

        // Server-initiated close: TIME-WAIT on the board, none in the kernel.
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.CountState(b, TcpState.TimeWait)) == 3, 5000, "three connections in TIME-WAIT on the board");
        var ss = rig.Run(5000, "ss", "-tan", "state", "time-wait");
        Assert.DoesNotContain(RealPeerRig.BoardIp + ":80", ss.Output);
        string netstat = rig.Command("netstat", "listen");
        Assert.Contains("TIME-WAIT", netstat);

        Capture cap = rig.Finish();
        // Each connection: the board's FIN before the kernel's.
        List<string[]> fins = cap.Fields("tcp.flags.fin == 1", "tcp.stream", "ip.src");
        foreach (var stream in fins.GroupBy(f => f[0]))
        {
            Assert.Equal(RealPeerRig.BoardIp, stream.First()[1]);
            Assert.Equal(2, stream.Count());
        }
        Assert.Equal(3, fins.Select(f => f[0]).Distinct().Count());
    }

    [RealPeerFact]
    public void HalfClose_TheKernelKeepsReceivingAfterItsFin_AndTheBoardAfterItsOwn()
    {
        // Kernel first: echo with the kernel's FIN sent while 1 MB is still coming back (checked
        // in the echo test's capture too). Board first: chargen half-closed by the kernel, then
        // the board's data after the kernel's FIN, then the board's FIN.
        using var rig = RealPeerRig.Start(_out, "halfclose");
        var r = rig.Peer(120000, "chargen", "19", "65536");
        Assert.True(r.GetProperty("pattern_ok").GetBoolean(), r.ToString());
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        Capture cap = rig.Finish();
        int kernelFin = cap.FirstFrame($"ip.src == {RealPeerRig.HostIp} && tcp.flags.fin == 1");
        int boardFin = cap.FirstFrame($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.fin == 1");
        Assert.True(kernelFin < boardFin, "the kernel's FIN came first");
        List<string[]> after = cap.Fields($"ip.src == {RealPeerRig.BoardIp} && tcp.len > 0 && frame.number > {kernelFin}", "tcp.seq", "tcp.len");
        Assert.True(after.Count > 0, "the board sent no data after the kernel's FIN (CLOSE-WAIT still sends)");
        // The kernel's ACK of that data may come before the board's FIN or with the ACK of it (the board's
        // last segments and its FIN can leave together): either way its acknowledgment number covers it.
        long end = long.Parse(after[0][0]) + long.Parse(after[0][1]);
        Assert.True(cap.Count($"ip.src == {RealPeerRig.HostIp} && tcp.flags.ack == 1 && frame.number > {kernelFin} && tcp.ack >= {end}") > 0,
            "the kernel acknowledged none of the board's data sent after its own FIN (FIN-WAIT-2 still receives)");
    }

    [RealPeerFact]
    public void TwoHundredSequentialConnections_NoLeak_TimeWaitExpiresOnSchedule()
    {
        const int msl = 25; // TIME-WAIT 50 ms: HTTP requests 30 ms apart leave about two waiting at once
        using var rig = RealPeerRig.Start(_out, "sequential");
        var watcher = new TimeWaitWatcher();
        rig.AddApp(watcher);
        rig.Command($"msl {msl}", "TIME-WAIT lasts");

        // 200 echo connections closed by the kernel (LAST-ACK on the board) ...
        var echo = rig.Peer(300000, "sequential", "7", "200");
        Assert.True(echo.GetProperty("ok").GetInt32() == 200, echo.ToString());
        // ... and 200 HTTP connections closed by the board (TIME-WAIT on the board).
        var http = rig.Peer(300000, "http", "200", "30");
        Assert.True(http.GetProperty("ok").GetInt32() == 200, http.ToString());

        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 2000, "every TIME-WAIT to expire");
        var (served, listeners, reclaimed) = rig.Invoke((b, _) => (Echo(b).ConnectionsServed + b.Device.ServiceOn(80).ConnectionsServed,
            CountActiveListeners(b), b.Device.Tcp.TimeWaitReclaimed));
        Assert.Equal(400, served);
        Assert.Equal(4, listeners); // every service still listening

        long[] expired = watcher.ExpiredAfterMs;
        _out.WriteLine($"TIME-WAIT: {expired.Length} expired (ms: min {expired.Min()}, max {expired.Max()}, mean {expired.Average():F1}), "
            + $"{watcher.Reclaimed} reclaimed for new connections (stack counter {reclaimed})");
        Assert.True(expired.Length + watcher.Reclaimed == 200, $"{expired.Length} expired + {watcher.Reclaimed} reclaimed != 200 TIME-WAITs");
        Assert.True(expired.Length >= 180, $"only {expired.Length} of 200 TIME-WAITs ran their course");
        // Never early; late only by the loop's turn (a loaded CI machine may add tens of ms).
        Assert.All(expired, ms => Assert.InRange(ms, 2 * msl, 2 * msl + 250));
        rig.Finish();
    }

    [RealPeerFact]
    public void Concurrent_UpToTheTableSize_AndOnePastIsDroppedUntilASlotFrees()
    {
        // The echo service serves as many connections as the table has (the device default serves
        // two at a time and keeps the rest accepted but waiting in the backlog).
        using var rig = RealPeerRig.Start(_out, "concurrent", o => o.Device.ServiceConnections = o.Device.Tcp.Connections);
        int slots = rig.Invoke((b, _) => b.Device.Tcp.ConnectionSlots);
        var r = rig.Peer(60000, "concurrent", "7", slots.ToString(), "3");
        Assert.Equal(slots, r.GetProperty("echoed").GetInt32());
        // One past the table: the SYN is dropped (no RST: the client keeps retrying), counted as table-full.
        Assert.Equal("timeout", r.GetProperty("one_past").GetString());
        Assert.True(rig.Counters().Drops[(int)DropReason.TcpTableFull] >= 1, "the dropped SYN was not counted as tcp-table-full");
        // As soon as one connection ended, a new one got in.
        Assert.Equal("connected", r.GetProperty("after_close").GetString());
        Assert.True(r.GetProperty("after_close_echo").GetBoolean());
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle");
        Capture cap = rig.Finish();
        Assert.Equal(0, cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.reset == 1"));
    }

    [RealPeerFact]
    public void KernelView_SsShowsAnEstablishedConnection_NoRetransmissions_OnACleanLink()
    {
        using var rig = RealPeerRig.Start(_out, "ss");
        HostProcess holder = rig.BackgroundPeer("hold", "7");
        rig.WaitFor(() => holder.Output.Contains("ready"), 10000, "the holder's first round");
        Thread.Sleep(1000); // ~40 rounds of 1000 bytes each way
        var ss = rig.Run(5000, "ss", "-tin", "state", "established", "dst", RealPeerRig.BoardIp);
        string[] lines = ss.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains(RealPeerRig.BoardIp + ":7"));
        string info = lines.Single(l => l.Contains(" mss:"));
        // The kernel's own account: the board's 2 KB window (so Linux sends at most half of it a
        // segment: mss 1024), no retransmission, nothing lost.
        Assert.Matches(@"\bsnd_wnd:2048\b", info);
        Assert.Matches(@"\bmss:1024\b", info);
        Assert.DoesNotMatch(@"\bretrans:", info);
        Assert.DoesNotMatch(@"\blost:", info);
        var nstat = rig.Run(5000, "nstat", "-az", "TcpRetransSegs");
        Assert.Matches(@"TcpRetransSegs\s+0\b", nstat.Output);

        holder.WriteLine("stop");
        Assert.True(holder.Wait(10000), "the holder did not stop");
        var r = RealPeerRig.ParsePeerResult(holder.ExitCode, holder.Output);
        Assert.Equal(0, r.GetProperty("errors").GetInt32());
        int boardRetransmits = rig.Invoke((b, _) => b.Device.Tcp.ConnectionAt(0).Retransmits);
        Assert.Equal(0, boardRetransmits);
        Capture cap = rig.Finish();
        Assert.Equal(0, cap.Count("tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.lost_segment"));
    }

    private static int CountActiveListeners(Sim.Board.VirtualBoard b)
    {
        int n = 0;
        for (int i = 0; i < b.Device.Tcp.ListenerSlots; i++)
        {
            if (b.Device.Tcp.ListenerAt(i).IsActive) n++;
        }
        return n;
    }
}
