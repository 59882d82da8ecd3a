using System.Diagnostics;
using System.Text.Json;
using NanoTcp.Iface;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Services;
using NanoTcp.Trace;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// A bounded SYN flood (hping3, spoofed random sources) at the echo port while an established
/// connection keeps echoing: the established connection never notices, a new connection gets in
/// during the flood on its first attempt (SYN cookies: the flood fills the backlog, every SYN beyond
/// it is answered without keeping anything, and the client's ACK makes its connection) and at once
/// after it, and the board's counters account for the flood.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class SynFloodTests
{
    private const int FloodSeconds = 4;
    private readonly ITestOutputHelper _out;

    public SynFloodTests(ITestOutputHelper output) => _out = output;

    private static long Echoed(RealPeerRig rig) => rig.Invoke((b, _) => ((TcpEchoService)b.Device.ServiceOn(7)).BytesEchoed);

    [RealPeerFact(Needs = "hping3")]
    public void SynFlood_EstablishedKeepsEchoing_NewConnectionsGetIn_DuringAndAfter()
    {
        using var rig = RealPeerRig.Start(_out, "synflood");
        HostProcess holder = rig.BackgroundPeer("hold", "7");
        rig.WaitFor(() => holder.Output.Contains("ready") || holder.HasExited, 20000, "the holder's first round");
        Assert.False(holder.HasExited, "the holder ended early: " + holder.Output);

        // 10000 SYNs a second for FloodSeconds. Spoofed random sources are safe only because the
        // namespace does not forward: the board's SYN-ACKs go to its gateway (this namespace's
        // kernel) and die there; nothing leaves the namespace.
        long echoedBefore = Echoed(rig);
        HostProcess flood = rig.Background("timeout", "-s", "INT", FloodSeconds.ToString(),
            "hping3", "-q", "-S", "-p", "7", "-i", "u100", "--rand-source", RealPeerRig.BoardIp);
        Thread.Sleep(1000);
        Assert.False(flood.HasExited, "hping3 ended at once (apt-get install hping3): " + flood.Output);

        // A legitimate client in the middle of the flood: the backlog is full of the flood's half-open
        // connections, so its SYN gets a cookie; its ACK proves it and makes the connection (a
        // half-open one of the flood gives up its slot if the table is full).
        long echoedBeforeConnect = Echoed(rig);
        JsonElement during = rig.Peer(60000, "connect", "7", "30", "20");
        bool floodStillRunning = !flood.HasExited;
        long echoedDuring = Echoed(rig);
        rig.WaitFor(() => flood.HasExited, (FloodSeconds + 10) * 1000, "the flood to end");
        _out.WriteLine("hping3: " + flood.Output.Trim().Replace('\n', ';'));
        Assert.Equal("connected", during.GetProperty("result").GetString());
        Assert.True(during.GetProperty("echoed").GetBoolean(), during.ToString());
        Assert.True(floodStillRunning, "the connection attempt outlasted the flood: it proves nothing about connecting during one");
        Assert.Equal(1, during.GetProperty("attempts").GetInt32()); // no reset, no second try

        // After the flood the backlog still holds the flood's half-open connections (their SYN-ACKs
        // are retransmitted to nobody), but a new SYN gets a cookie: no wait.
        JsonElement after = rig.Peer(30000, "connect", "7", "10");
        Assert.Equal("connected", after.GetProperty("result").GetString());
        Assert.True(after.GetProperty("echoed").GetBoolean(), after.ToString());
        Assert.True(after.GetProperty("seconds").GetDouble() < 1.0, $"the first connection after the flood waited: {after}");

        // The holder made rounds through the flood and after it, without a single error.
        long echoedMid = Echoed(rig);
        Thread.Sleep(500);
        Assert.True(Echoed(rig) > echoedMid, "the held connection stopped echoing after the flood");
        Assert.True(echoedDuring > echoedBeforeConnect, "the held connection echoed nothing during the flood");
        holder.WriteLine("stop");
        Assert.True(holder.Wait(30000), "the holder did not stop");
        JsonElement held = RealPeerRig.ParsePeerResult(holder.ExitCode, holder.Output);
        Assert.Equal(0, held.GetProperty("errors").GetInt32());
        Assert.Equal(JsonValueKind.Null, held.GetProperty("error").ValueKind);

        var (evicted, synsDropped, cookies, cookiesAccepted) = rig.Invoke((b, _) =>
        {
            int dropped = 0;
            for (int i = 0; i < b.Device.Tcp.ListenerSlots; i++) dropped += b.Device.Tcp.ListenerAt(i).SynsDropped;
            return (b.Device.Tcp.HalfOpenEvicted, dropped, b.Device.Tcp.SynCookiesSent, b.Device.Tcp.SynCookiesAccepted);
        });
        Counters c = rig.Counters();
        Capture cap = rig.Finish();
        int syns = cap.Count($"ip.dst == {RealPeerRig.BoardIp} && tcp.flags.syn == 1 && tcp.flags.ack == 0");
        int synAcks = cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.syn == 1 && tcp.flags.ack == 1");
        _out.WriteLine($"flood: {syns} SYNs to the board in {FloodSeconds} s, {synAcks} SYN-ACKs back; half-open evicted {evicted}, SYN cookies {cookies} ({cookiesAccepted} came back), SYNs dropped by listeners {synsDropped}; "
            + $"interface: {c.RxFrames} frames in, {c.RxDropped} dropped ({string.Join(", ", Enumerable.Range(0, c.Drops.Length).Where(i => c.Drops[i] > 0).Select(i => $"{(DropReason)i} {c.Drops[i]}"))}); "
            + $"holder {held.GetProperty("rounds")} rounds, echoed {echoedDuring - echoedBeforeConnect} bytes while the client connected; "
            + $"connect during the flood {during.GetProperty("seconds")} s in {during.GetProperty("attempts")} attempt(s), after it {after.GetProperty("seconds")} s");
        Assert.True(syns > 1000, $"only {syns} SYNs reached the board: no flood");
        Assert.True(cookies > syns / 2, $"{cookies} SYN cookies for {syns} SYNs");
        Assert.True(cookiesAccepted >= 1, "the clients' connections came from cookies");
        Assert.True(evicted <= cookiesAccepted, $"{evicted} half-open connections evicted: only to make room for a proven client");
        Assert.True(echoedBefore > 0);
    }
}
