using NanoTcp.Scenarios;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using Xunit;
using Xunit.Abstractions;

namespace NanoTcp.Tests.Tcp;

/// <summary>What a lab sees on the serial console: a whole connection's life as trace lines.</summary>
public class TcpTraceLineTests
{
    private readonly ITestOutputHelper _out;

    public TcpTraceLineTests(ITestOutputHelper output) => _out = output;

    private sealed class Lines : ITraceSink
    {
        private readonly TextLine _line = new(256);
        public readonly List<string> All = new();

        public void OnTrace(TraceEvent e)
        {
            TraceFormatter.Format(e, _line);
            All.Add(_line.ToString());
        }
    }

    [Fact]
    public void HandshakeDataCloseAndTimeWaitReadLikeTheTextbook()
    {
        var s = new TwoStacks(new TcpConfig { DelayedAckMs = 0 }, new TcpConfig { DelayedAckMs = 0 }, 1);
        var server = new Lines();
        s.TracerB.Sink = server;
        s.TracerB.Level = TraceLevel.Segments;
        int l = s.B.Listen(7);
        int a = s.A.Connect(TwoStacks.AddressB, 7, 0);
        int b = s.RunUntilAccept(l, 1000);
        var hello = "hello"u8.ToArray();
        s.A.Send(a, hello, 0, hello.Length);
        for (int i = 0; i < 5; i++) { s.Poll(); s.Now++; }
        Assert.Equal(5, s.B.Receive(b, new byte[16], 0, 16));
        s.B.Close(b);           // the server closes first: it will sit in TIME-WAIT
        for (int i = 0; i < 5; i++) { s.Poll(); s.Now++; }
        s.A.Close(a);
        for (int i = 0; i < 5; i++) { s.Poll(); s.Now++; }
        s.Now += 60000;
        s.Poll();
        foreach (var line in server.All) _out.WriteLine(line);
        string all = string.Join("\n", server.All);

        Assert.Matches(@"tcp#0 <  10\.0\.0\.1:49152 > 10\.0\.0\.2:7 \[S\] seq=\d+ win=2048 mss=1460", all);
        Assert.Contains("tcp#0 LISTEN -> SYN-RECEIVED", all);
        Assert.Matches(@"tcp#0 >  10\.0\.0\.2:7 > 10\.0\.0\.1:49152 \[S\.\] seq=\d+ ack=\d+ win=2048 mss=1460", all);
        Assert.Contains("tcp#0 SYN-RECEIVED -> ESTABLISHED", all);
        Assert.Matches(@"\[P\.\] seq=\d+ ack=\d+ win=2048 len=5", all);
        Assert.Contains("tcp#0 ESTABLISHED -> FIN-WAIT-1", all);
        Assert.Contains("tcp#0 FIN-WAIT-1 -> FIN-WAIT-2", all);
        Assert.Contains("tcp#0 FIN-WAIT-2 -> TIME-WAIT", all);
        Assert.Contains("tcp#0 timer 2msl-start 60000 ms", all);
        Assert.Contains("tcp#0 timer 2msl-expired 60000 ms", all);
        Assert.Contains("tcp#0 TIME-WAIT -> CLOSED", all);
        // Order: the SYN arrives, then the state changes, then the SYN-ACK leaves.
        int syn = server.All.FindIndex(x => x.Contains("[S] seq="));
        int listen = server.All.FindIndex(x => x.Contains("LISTEN -> SYN-RECEIVED"));
        int synAck = server.All.FindIndex(x => x.Contains("[S.]"));
        Assert.True(syn < listen && listen < synAck, $"{syn} {listen} {synAck}");
    }
}
