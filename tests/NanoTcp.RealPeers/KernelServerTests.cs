using NanoTcp.RealPeers.Rig;
using Xunit.Abstractions;

namespace NanoTcp.RealPeers;

/// <summary>
/// The board opens connections to servers of the Linux kernel (peers/peer.py server): transfers
/// both ways in both close orders, and a connection to a closed kernel port.
/// </summary>
[Collection(RealPeersCollection.Name)]
public class KernelServerTests
{
    private const int OneMegabyte = 1 << 20;
    private const int QuarterMegabyte = 1 << 18;
    private readonly ITestOutputHelper _out;

    public KernelServerTests(ITestOutputHelper output) => _out = output;

    /// <summary>Starts the kernel server and waits until it listens.</summary>
    private static HostProcess Server(RealPeerRig rig, int port, string mode, int fromBoard, int toBoard)
    {
        HostProcess server = rig.BackgroundPeer("server", port.ToString(), mode, fromBoard.ToString(), toBoard.ToString());
        rig.WaitFor(() => server.Output.Contains("listening") || server.HasExited, 10000, "the kernel server to listen");
        Assert.False(server.HasExited, server.Output);
        return server;
    }

    private static System.Text.Json.JsonElement ServerResult(HostProcess server)
    {
        Assert.True(server.Wait(120000), "the kernel server did not finish:\n" + server.Output);
        return RealPeerRig.ParsePeerResult(server.ExitCode, server.Output);
    }

    [RealPeerFact]
    public void BoardConnects_SendsOneMegabyte_ClosesFirst_ReceivesInFinWait2_EndsInTimeWait()
    {
        using var rig = RealPeerRig.Start(_out, "active-board-first");
        HostProcess server = Server(rig, 5001, "board-closes-first", OneMegabyte, QuarterMegabyte);
        var client = new BoardClient(RealPeerRig.HostIp, 5001, OneMegabyte, boardClosesFirst: true);
        rig.AddApp(client);
        rig.WaitFor(() => client.Finished, 120000, "the board's client to finish");

        var r = ServerResult(server);
        Assert.True(r.GetProperty("pattern_ok").GetBoolean(), $"the kernel got wrong data: {r}");
        Assert.Equal(OneMegabyte, r.GetProperty("received").GetInt32());
        // The kernel's quarter megabyte arrived after the board's FIN: received in FIN-WAIT-2.
        Assert.Equal(QuarterMegabyte, client.Received);
        Assert.Equal(-1, client.FirstBadByte);
        Assert.Equal("TIME-WAIT", client.FinalState);
        Assert.Equal(1, rig.Invoke((b, _) => BoardTable.CountState(b, Tcp.TcpState.TimeWait)));
        var ss = rig.Run(5000, "ss", "-tan", "state", "time-wait");
        Assert.DoesNotContain(":5001", ss.Output); // the side that closed first waits, not the kernel

        Capture cap = rig.Finish();
        int boardFin = cap.FirstFrame($"ip.src == {RealPeerRig.BoardIp} && tcp.flags.fin == 1");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.HostIp} && tcp.len > 0 && frame.number > {boardFin}") > 0,
            "the kernel sent nothing after the board's FIN");
    }

    [RealPeerFact]
    public void BoardConnects_KernelClosesFirst_BoardSendsOneMegabyteInCloseWait_KernelHoldsTimeWait()
    {
        using var rig = RealPeerRig.Start(_out, "active-kernel-first");
        HostProcess server = Server(rig, 5002, "kernel-closes-first", OneMegabyte, QuarterMegabyte);
        var client = new BoardClient(RealPeerRig.HostIp, 5002, OneMegabyte, boardClosesFirst: false);
        rig.AddApp(client);
        rig.WaitFor(() => client.Finished, 120000, "the board's client to finish");

        var r = ServerResult(server);
        Assert.True(r.GetProperty("pattern_ok").GetBoolean(), $"the kernel got wrong data: {r}");
        Assert.Equal(QuarterMegabyte, client.Received);
        Assert.Equal(-1, client.FirstBadByte);
        Assert.True(client.Eof);
        Assert.Equal("LAST-ACK", client.FinalState);
        rig.WaitFor(() => rig.Invoke((b, _) => BoardTable.Idle(b)), 5000, "the board's table to be idle (LAST-ACK -> CLOSED)");
        var ss = rig.Run(5000, "ss", "-tan", "state", "time-wait");
        Assert.Contains($"{RealPeerRig.HostIp}:5002", ss.Output); // the kernel closed first, so it waits

        Capture cap = rig.Finish();
        int kernelFin = cap.FirstFrame($"ip.src == {RealPeerRig.HostIp} && tcp.flags.fin == 1");
        Assert.True(cap.Count($"ip.src == {RealPeerRig.BoardIp} && tcp.len > 0 && frame.number > {kernelFin}") > 0,
            "the board sent nothing after the kernel's FIN");
    }

    [RealPeerFact]
    public void ConnectToAClosedKernelPort_GetsRst_AndTheConsoleSaysRefused()
    {
        using var rig = RealPeerRig.Start(_out, "refused");
        string said = rig.Command($"connect {RealPeerRig.HostIp} 5999", "refused");
        Assert.Contains($"connecting to {RealPeerRig.HostIp}:5999", said);
        Assert.Contains("refused (RST: nothing listens on that port)", said);
        Assert.True(rig.Invoke((b, _) => BoardTable.Idle(b)), "the refused connection still holds a slot");

        // And through the socket API: the close reason says so.
        var client = new BoardClient(RealPeerRig.HostIp, 5999, 0, boardClosesFirst: true);
        rig.AddApp(client);
        rig.WaitFor(() => client.Finished, 10000, "the second attempt to end");
        Assert.Equal("refused", client.CloseReason);
        Assert.False(client.Connected);

        Capture cap = rig.Finish();
        Assert.Equal(2, cap.Count($"ip.src == {RealPeerRig.HostIp} && tcp.flags.reset == 1 && tcp.srcport == 5999"));
    }
}
