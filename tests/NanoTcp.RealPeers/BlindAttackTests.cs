using System.Text.Json;
using NanoTcp.Iface;
using NanoTcp.RealPeers.Rig;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// RFC 5961 blind attacks on an idle kernel→board echo connection: segments forged with scapy from
/// the kernel's address and port, with sequence numbers taken from the board's TCB (what an
/// attacker who guessed well would send). An in-window RST or SYN earns a challenge ACK and no
/// state change, out-of-window data a plain ACK and no delivery; a RST exactly at RCV.NXT (the
/// control case) does reset the connection, which shows the forged segments reach the connection.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class BlindAttackTests
{
    private const int EchoPort = 7;
    private readonly ITestOutputHelper _out;

    public BlindAttackTests(ITestOutputHelper output) => _out = output;

    /// <summary>The board's view of the connection at the moment of the attack.</summary>
    private sealed record Tcb(TcpState State, uint RcvNxt, int RcvWnd, uint SndNxt, int ChallengeAcks);

    [RealPeerFact(Needs = "scapy")]
    public void RstInWindowButNotAtRcvNxt_GetsAChallengeAck_TheConnectionStaysEstablishedAndEchoes() => InWindowGetsAChallengeAck("blind-rst", "R", "tcp.flags.reset == 1");

    [RealPeerFact(Needs = "scapy")]
    public void SynInWindowOnAnEstablishedConnection_GetsAChallengeAck_TheConnectionSurvives() => InWindowGetsAChallengeAck("blind-syn", "S", "tcp.flags.syn == 1");

    /// <summary>RFC 5961 §3.2 (RST) and §4.2 (SYN): in the window but not at RCV.NXT, answered by a challenge ACK only.</summary>
    private void InWindowGetsAChallengeAck(string name, string flags, string forgedFilter)
    {
        using var rig = RealPeerRig.Start(_out, name);
        var (client, port) = IdleConnection(rig);
        Tcb tcb = ReadTcb(rig, port);
        Counters before = rig.Counters();

        HostilePeer.Forge(rig, port, EchoPort, flags, tcb.RcvNxt + Inside(tcb), 0);
        rig.WaitFor(() => ReadTcb(rig, port).ChallengeAcks == tcb.ChallengeAcks + 1, 10000, "the challenge ACK");

        Tcb after = ReadTcb(rig, port);
        Assert.Equal(TcpState.Established, after.State);
        Assert.Equal(tcb.RcvNxt, after.RcvNxt);
        Assert.Equal(1, Delta(rig, before, DropReason.TcpChallengeAck));
        EchoesAndCloses(rig, client);

        Capture cap = rig.StopCapture(HostilePeer.ForgedFilter);
        AssertAckAfterForged(cap, port, forgedFilter, tcb);
        rig.Finish(HostilePeer.ForgedFilter);
    }

    [RealPeerFact(Needs = "scapy")]
    public void DataOutOfTheWindow_GetsAPlainAck_IsNotDelivered_AndChangesNothing()
    {
        const string injected = "INJECTED";
        using var rig = RealPeerRig.Start(_out, "blind-data");
        var (client, port) = IdleConnection(rig);
        Tcb tcb = ReadTcb(rig, port);
        Counters before = rig.Counters();
        long echoedBefore = rig.Invoke((b, _) => ((Services.TcpEchoService)b.Device.ServiceOn(EchoPort)).BytesEchoed);

        // Just past the right edge of the advertised window, with a plausible ACK.
        HostilePeer.Forge(rig, port, EchoPort, "PA", tcb.RcvNxt + (uint)tcb.RcvWnd + 1000, tcb.SndNxt, injected);
        rig.WaitFor(() => Delta(rig, before, DropReason.TcpNotAcceptable) == 1, 10000, "the segment to be refused as not acceptable");

        Tcb after = ReadTcb(rig, port);
        Assert.Equal(TcpState.Established, after.State);
        Assert.Equal(tcb.RcvNxt, after.RcvNxt);
        Assert.Equal(tcb.ChallengeAcks, after.ChallengeAcks);
        Assert.Equal(echoedBefore, rig.Invoke((b, _) => ((Services.TcpEchoService)b.Device.ServiceOn(EchoPort)).BytesEchoed));
        // The echo brings back exactly the next line: the injected bytes never reached the service.
        JsonElement echo = Echo(rig, client, 2, "after the injection");
        Assert.True(echo.GetProperty("same").GetBoolean(), $"the echo differs: {echo}");
        Assert.DoesNotContain(injected, echo.GetProperty("got").GetString());
        Quit(rig, client, 3);

        Capture cap = rig.StopCapture(HostilePeer.ForgedFilter);
        AssertAckAfterForged(cap, port, "tcp.len > 0", tcb);
        rig.Finish(HostilePeer.ForgedFilter);
    }

    [RealPeerFact(Needs = "scapy")]
    public void Control_RstExactlyAtRcvNxt_ResetsTheConnection_TheKernelsNextSendFails()
    {
        using var rig = RealPeerRig.Start(_out, "blind-control");
        var (client, port) = IdleConnection(rig);
        Tcb tcb = ReadTcb(rig, port);
        Counters before = rig.Counters();

        HostilePeer.Forge(rig, port, EchoPort, "R", tcb.RcvNxt, 0);
        // The slot is released at once (RFC 9293: a reset in ESTABLISHED goes to CLOSED).
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.ConnectionFrom(b, port)?.CurrentState ?? TcpState.Closed) == TcpState.Closed, 10000,
            "the board to drop the connection");
        Assert.Equal(0, Delta(rig, before, DropReason.TcpChallengeAck));

        // The kernel still thinks it is connected: its next segment meets the board's RST.
        JsonElement echo = Echo(rig, client, 2, "after the reset");
        Assert.False(echo.GetProperty("same").GetBoolean(), echo.ToString());
        Assert.Contains("ConnectionReset", echo.GetProperty("error").GetString());
        Quit(rig, client, 3, expectError: true);

        Capture cap = rig.StopCapture(HostilePeer.ForgedFilter);
        int forged = cap.FirstFrame($"{HostilePeer.ForgedFilter} && tcp.flags.reset == 1");
        // No challenge ACK for it; the board's only answer afterwards is a RST to the kernel's data.
        Assert.Equal(0, cap.Count($"{FromBoard(port)} && frame.number > {forged} && tcp.flags.reset == 0"));
        Assert.True(cap.Count($"{FromBoard(port)} && frame.number > {forged} && tcp.flags.reset == 1") >= 1, "the board did not reset the kernel's next segment");
        rig.Finish(HostilePeer.ForgedFilter);
    }

    /// <summary>The kernel client connected, one line echoed, and the connection quiet (everything acknowledged both ways).</summary>
    private static (HostProcess Client, int Port) IdleConnection(RealPeerRig rig)
    {
        HostProcess client = HostilePeer.Client(rig, EchoPort);
        JsonElement hello = HostilePeer.Line(rig, client, 1);
        Assert.True(hello.GetProperty("echoed").GetBoolean(), hello.ToString());
        int port = hello.GetProperty("local_port").GetInt32();
        rig.WaitFor(() => rig.Invoke((b, _) =>
        {
            TcpConnection? c = BoardTable.ConnectionFrom(b, port);
            return c != null && c.CurrentState == TcpState.Established && c.SendUnacknowledged == c.SendMaximum
                && c.SendQueued == 0 && c.ReceiveQueued == 0;
        }), 10000, "the connection to be idle");
        return (client, port);
    }

    private static Tcb ReadTcb(RealPeerRig rig, int port) => rig.Invoke((b, _) =>
    {
        TcpConnection c = BoardTable.ConnectionFrom(b, port) ?? throw new InvalidOperationException($"no connection from port {port} on the board");
        return new Tcb(c.CurrentState, c.ReceiveNext, c.ReceiveWindow, c.SendNext, c.ChallengeAcks);
    });

    /// <summary>An offset inside the receive window but not 0: in window, not at RCV.NXT.</summary>
    private static uint Inside(Tcb tcb)
    {
        Assert.True(tcb.RcvWnd > 200, $"receive window {tcb.RcvWnd} too small to aim inside it");
        return (uint)(tcb.RcvWnd / 2);
    }

    private static long Delta(RealPeerRig rig, Counters before, DropReason reason) => rig.Counters().Drops[(int)reason] - before.Drops[(int)reason];

    private static string FromBoard(int port) => $"ip.src == {RealPeerRig.BoardIp} && tcp.srcport == {EchoPort} && tcp.dstport == {port}";

    /// <summary>
    /// The board's first segment after the forged one is a bare ACK of RCV.NXT from SND.NXT:
    /// what RFC 5961 §3.2/§4.2 calls a challenge ACK (and §3.10.7.4 sends for unacceptable segments).
    /// </summary>
    private static void AssertAckAfterForged(Capture cap, int port, string forgedFilter, Tcb tcb)
    {
        int forged = cap.FirstFrame($"{HostilePeer.ForgedFilter} && {forgedFilter}");
        List<string[]> next = cap.Fields($"{FromBoard(port)} && frame.number > {forged}", "frame.number", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.flags");
        Assert.True(next.Count > 0, $"the board sent nothing after the forged segment (frame {forged})");
        string[] ack = next[0];
        Assert.Equal(tcb.SndNxt.ToString(), ack[1]);
        Assert.Equal(tcb.RcvNxt.ToString(), ack[2]);
        Assert.Equal("0", ack[3]);
        Assert.Equal("0x0010", ack[4]);
    }

    /// <summary>Has the client echo a line; its answer is its <paramref name="line"/>-th JSON line.</summary>
    private static JsonElement Echo(RealPeerRig rig, HostProcess client, int line, string text)
    {
        client.WriteLine("echo " + text);
        return HostilePeer.Line(rig, client, line);
    }

    private static void EchoesAndCloses(RealPeerRig rig, HostProcess client)
    {
        JsonElement echo = Echo(rig, client, 2, "still here");
        Assert.True(echo.GetProperty("same").GetBoolean(), $"the connection no longer echoes: {echo}");
        Quit(rig, client, 3);
    }

    private static void Quit(RealPeerRig rig, HostProcess client, int line, bool expectError = false)
    {
        client.WriteLine("quit");
        JsonElement bye = HostilePeer.Line(rig, client, line);
        if (!expectError) Assert.True(bye.GetProperty("error").ValueKind == JsonValueKind.Null, $"closing failed: {bye}");
        Assert.True(client.Wait(10000), "the client did not end");
    }
}
