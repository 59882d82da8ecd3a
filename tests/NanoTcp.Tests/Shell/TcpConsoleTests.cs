using NanoTcp.Tcp;
using NanoTcp.Tests.Support;

namespace NanoTcp.Tests.Shell;

/// <summary>connect / send / close / abort typed at the board's console, against a PC stack.</summary>
public class TcpConsoleTests
{
    [Fact]
    public void ConnectSendReceiveAndCloseGracefully()
    {
        var r = new ConsoleRig();
        int listener = r.PcTcp.Listen(5000);
        Assert.Contains("tcp#0 connecting to 192.168.7.10:5000", r.Type("connect 192.168.7.10 5000"));
        r.Run(20);
        Assert.Contains("tcp#0 connected", r.Serial.TakeOutput());
        int h = r.PcTcp.Accept(listener);
        Assert.True(h >= 0);

        r.PcSend(h, "hello\r\nworld\u0001");
        r.Run(20);
        string o = r.Serial.TakeOutput();
        Assert.Contains("tcp#0 < hello\r\n", o);
        Assert.Contains("tcp#0 < world.\r\n", o);

        Assert.Contains("tcp#0: 10 bytes queued", r.Type("send 0 hi  there"));
        r.Run(20);
        Assert.Equal("hi there\r\n", r.PcRead(h));

        Assert.Contains("tcp#0 closing (FIN", r.Type("close 0"));
        r.Run(20);
        Assert.Equal(-1, r.PcTcp.Receive(h, new byte[16], 0, 16));
        r.PcTcp.Close(h);
        r.Run(20);
        o = r.Serial.TakeOutput();
        Assert.Contains("tcp#0 peer closed too (FIN received)", o);
        Assert.Contains("tcp#0 closed (TIME-WAIT for 4000 ms)", o);
        Assert.Contains("error: tcp#0 is not a connection opened with connect", r.Type("send 0 more"));
    }

    [Fact]
    public void PeerCloseFirstIsReportedAndCloseFinishes()
    {
        var r = new ConsoleRig();
        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        r.PcTcp.Close(h);
        r.Run(20);
        Assert.Contains("tcp#0 peer closed (FIN received): close to finish", r.Serial.TakeOutput());
        r.Type("close 0");
        r.Run(20);
        Assert.Contains("tcp#0 closed (closed)", r.Serial.TakeOutput());
    }

    [Fact]
    public void RefusedResetAndAbortAreReported()
    {
        var r = new ConsoleRig();
        r.Type("connect 192.168.7.10 5001");
        r.Run(20);
        Assert.Contains("tcp#0 refused (RST: nothing listens on that port)", r.Serial.TakeOutput());

        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        r.PcTcp.Abort(h);
        r.Run(20);
        string reset = r.Serial.TakeOutput();
        Assert.Contains("tcp#0 reset by the peer", reset);
        Assert.DoesNotContain("peer closed", reset); // an RST is not a FIN

        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        h = r.PcTcp.Accept(listener);
        Assert.Contains("tcp#0 aborted in ESTABLISHED (RST sent to 192.168.7.10:5000)", r.Type("abort 0"));
        r.Run(20);
        Assert.Equal(TcpState.Closed, r.PcTcp.GetState(h));
        Assert.Equal(TcpCloseReason.ResetByPeer, r.PcTcp.GetCloseReason(h));
    }

    [Fact]
    public void AbortWorksOnAServicesConnectionToo()
    {
        var r = new ConsoleRig();
        int h = r.PcTcp.Connect(ConsoleRig.BoardIp, 7, 0);
        r.Run(20);
        Assert.Equal(TcpState.Established, r.PcTcp.GetState(h));
        string said = r.Type("abort 0");
        Assert.Matches(@"tcp#0 aborted in ESTABLISHED \(RST sent to 192\.168\.7\.10:\d+\)", said);
        r.Run(20);
        Assert.Equal(TcpState.Closed, r.PcTcp.GetState(h));
        Assert.Equal(TcpCloseReason.ResetByPeer, r.PcTcp.GetCloseReason(h));
        Assert.False(r.Board.Tcp.ConnectionAt(0).IsInUse, "the service let go of the slot");
        Assert.Contains("error: no connection tcp#3", r.Type("abort 3"));
    }

    [Fact]
    public void LongAndBinaryDataIsCutIntoPrintableLines()
    {
        var r = new ConsoleRig();
        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        r.PcSend(h, new string('a', 100) + "\t\u0002\n");
        r.Run(20);
        string o = r.Serial.TakeOutput();
        Assert.True(o.Contains("tcp#0 < " + new string('a', 64) + "\r\n"), o);
        Assert.True(o.Contains("tcp#0 < " + new string('a', 36) + "..\r\n"), o);
    }

    [Fact]
    public void BadInputGetsOneLineErrors()
    {
        var r = new ConsoleRig();
        Assert.Contains("error: usage: connect <ip> <port>", r.Type("connect"));
        Assert.Contains("error: bad address '192.168.7'", r.Type("connect 192.168.7 80"));
        Assert.Contains("error: port must be 1..65535", r.Type("connect 192.168.7.10 70000"));
        Assert.Contains("error: bad connection number 'x'", r.Type("send x hello"));
        Assert.Contains("error: tcp#3 is not a connection opened with connect", r.Type("close 3"));
        Assert.Contains("error: usage: abort <n>", r.Type("abort"));
        for (int i = 0; i < 20; i++) r.Type("connect 192.168.7.99 5000");
        string last = r.Type("connect 192.168.7.99 5000"); Assert.True(last.Contains("error: cannot connect: no free connection slot"), last);
    }

    [Fact]
    public void StatsShowTcpCountersAndTheTotalFootprint()
    {
        var r = new ConsoleRig();
        string o = r.Type("stats");
        Assert.Contains("tcp: segments in", o);
        Assert.Contains("memory  tcp ", o);
        Assert.Contains("memory  total " + r.Board.FootprintBytes + " bytes", o);
        string help = r.Type("help");
        Assert.Contains("connect <ip> <port>", help);
        Assert.Contains("abort <n>", help);
    }

    [Fact]
    public void PollingAConsoleConnectionThroughTheLabFaultsAllocatesNothing()
    {
        var r = new ConsoleRig();
        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        byte[] data = System.Text.Encoding.ASCII.GetBytes("some data\r\n");
        r.Quiet = true;
        long allocated = Allocations.SteadyState(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                r.PcTcp.Send(h, data, 0, data.Length);
                r.Run(5);
            }
        });
        Assert.Equal(0, allocated);
        Assert.True(r.QuietBytes > 50 * 20); // the tcp#0 < lines were written
        Assert.NotNull(r.Board.LabFaults);
        Assert.True(r.Board.LabFaults!.Passed > 5, r.Board.LabFaults!.Passed + " " + r.QuietBytes);
        r.Quiet = false;
        r.PcTcp.Send(h, data, 0, data.Length);
        r.Run(500); // Nagle on the PC may hold it until the board's delayed ACK
        Assert.Contains("tcp#0 < some data", r.Serial.TakeOutput());
    }

    [Fact]
    public void MslShowsAndSetsTheTimeWaitLengthForNewClosings()
    {
        var r = new ConsoleRig();
        Assert.Contains("msl 2000 ms: TIME-WAIT lasts 4000 ms", r.Type("msl"));
        Assert.Contains("msl 500 ms: TIME-WAIT lasts 1000 ms", r.Type("msl 500"));
        Assert.Contains("error: msl takes milliseconds, 1..600000", r.Type("msl forever"));
        int listener = r.PcTcp.Listen(5000);
        r.Type("connect 192.168.7.10 5000");
        r.Run(20);
        int h = r.PcTcp.Accept(listener);
        r.Type("close 0");
        r.Run(20);
        r.PcTcp.Close(h);
        r.Run(20);
        Assert.Contains("tcp#0 closed (TIME-WAIT for 1000 ms)", r.Serial.TakeOutput());
    }
}
