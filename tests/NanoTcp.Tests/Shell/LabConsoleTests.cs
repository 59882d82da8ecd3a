using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Tests.Shell;

/// <summary>The board's `lab` faults against a PC stack: each shows the textbook effect in the traces.</summary>
public class LabConsoleTests
{
    private static string Pc(ConsoleRig r) => string.Join("\n", r.PcTrace);

    [Fact]
    public void LabListsTheScenariosAndNothingIsArmedAtStart()
    {
        var r = new ConsoleRig();
        string o = r.Type("lab");
        Assert.Contains("lab drop-syn-ack", o);
        Assert.Contains("lab drop-final-ack", o);
        Assert.Contains("lab delay <ms>", o);
        Assert.Contains("lab zero-window on|off", o);
        Assert.Contains("armed: none", o);
        Assert.Contains("error: unknown lab scenario 'x'", r.Type("lab x"));
        Assert.Contains("error: usage: lab delay <ms>", r.Type("lab delay"));
        Assert.Contains("error: usage: lab zero-window on|off", r.Type("lab zero-window"));
        Assert.Contains("lab [scenario|off]", r.Type("help"));
        Assert.Contains("memory  lab faults", r.Type("stats"));
    }

    [Fact]
    public void DropSynAckMakesThePcRetransmitItsSyn()
    {
        var r = new ConsoleRig(TraceLevel.Segments);
        Assert.Contains("next SYN-ACK will be lost: the board retransmits its SYN-ACK", r.Type("lab drop-syn-ack"));
        int h = r.PcTcp.Connect(ConsoleRig.BoardIp, 7, 0);
        r.Run(500);
        Assert.Equal(TcpState.SynSent, r.PcTcp.GetState(h));
        r.Run(3000);
        Assert.Equal(TcpState.Established, r.PcTcp.GetState(h));
        Assert.Equal(1, r.Board.LabFaults!.Dropped);
        Assert.True(r.PcTcp.GetConnection(h)!.Retransmits >= 1, Pc(r));
        string board = r.Serial.TakeOutput();
        Assert.True(CountOf(board, "[S.]") >= 2 || CountOf(board, "SYN-ACK") >= 2, board);
        Assert.Contains("armed: none", r.Type("lab"));
    }

    [Fact]
    public void DropFinalAckMakesTheBoardReAckFromTimeWait()
    {
        var r = new ConsoleRig(TraceLevel.Segments, mslMs: 5000);
        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        Assert.Contains("final ACK (from TIME-WAIT) will be lost", r.Type("lab drop-final-ack"));
        r.Type("close 0");
        r.Run(20);
        r.PcTcp.Close(h);
        r.Run(20);
        Assert.Equal(TcpState.LastAck, r.PcTcp.ConnectionAt(h)!.CurrentState); // the handle was released by Close
        r.Run(4000);
        string board = r.Serial.TakeOutput();
        Assert.Equal(1, r.Board.LabFaults!.Dropped);
        Assert.True(board.Contains("2msl-restart"), board);
        Assert.True(r.PcTcp.ConnectionAt(h)!.Retransmits >= 1, Pc(r));
        Assert.Equal(TcpState.Closed, r.PcTcp.ConnectionAt(h)!.CurrentState);
    }

    [Fact]
    public void ZeroWindowClosesTheWindowAndOffSendsAWindowUpdate()
    {
        var r = new ConsoleRig(TraceLevel.Segments);
        Assert.Contains("window falls to 0", r.Type("lab zero-window on"));
        int h = r.PcTcp.Connect(ConsoleRig.BoardIp, 9, 0);
        r.Run(20);
        var data = new byte[6000];
        int sent = 0;
        for (int i = 0; i < 3000 && sent < data.Length; i++)
        {
            int n = r.PcTcp.Send(h, data, 0, data.Length - sent);
            if (n > 0) sent += n;
            r.Run(1);
        }
        r.Run(2000);
        TcpConnection pc = r.PcTcp.GetConnection(h)!;
        Assert.Equal(0, pc.SendWindow);
        Assert.True(pc.SendQueued > 0);
        string board = r.Serial.TakeOutput();
        Assert.True(board.Contains("win=0\r\n"), board);
        Assert.Contains("reads again", r.Type("lab zero-window off"));
        r.Run(3000);
        board = r.Serial.TakeOutput();
        Assert.True(board.Contains("> 192.168.7.10:49152 [.] seq=4092510147 ack=340067756 win=2048"), board); // the window update
        while (sent < data.Length)
        {
            int n = r.PcTcp.Send(h, data, 0, data.Length - sent);
            if (n > 0) sent += n;
            r.Run(10);
        }
        r.Run(2000);
        Assert.Equal(0, r.PcTcp.GetConnection(h)!.SendQueued);
        Assert.True(r.PcTcp.GetConnection(h)!.SendWindow > 0);
    }

    [Fact]
    public void DelayAddsToTheRoundTripAndOffRemovesIt()
    {
        var r = new ConsoleRig();
        // The delay queue is allocated by the first `lab delay`, not at boot; the receive side never.
        Assert.False(r.Board.LabFaults!.TransmitReserved);
        Assert.Contains("memory  lab faults 0 bytes (lab delay allocates its queue, " + r.Board.LabFaults!.TransmitBytes + " bytes, when first used)", r.Type("stats"));
        Assert.Contains("every frame the board sends waits 200 ms", r.Type("lab delay 200"));
        Assert.True(r.Board.LabFaults!.TransmitReserved);
        Assert.False(r.Board.LabFaults!.QueuesReserved);
        Assert.Contains("memory  lab faults " + r.Board.LabFaults!.TransmitBytes + " bytes (the delay queue", r.Type("stats"));
        int h = r.PcTcp.Connect(ConsoleRig.BoardIp, 7, 0);
        r.Run(300); // the ARP reply waits 200 ms too
        Assert.Equal(TcpState.SynSent, r.PcTcp.GetState(h));
        r.Run(200);
        Assert.Equal(TcpState.Established, r.PcTcp.GetState(h));
        Assert.InRange(r.PcTcp.GetConnection(h)!.SrttMs, 200, 450); // from the first SYN, which waited for the delayed ARP reply
        Assert.Contains("lab delay off", r.Type("lab delay 0"));
        Assert.Contains("lab off", r.Type("lab off"));
        Assert.Equal(0, r.Board.LabFaults!.TransmitDelayMs);
    }

    private static int CountOf(string s, string part)
    {
        int n = 0;
        for (int i = s.IndexOf(part); i >= 0; i = s.IndexOf(part, i + 1)) n++;
        return n;
    }
}
