using NanoTcp.Scenarios;
using NanoTcp.Sim.Trace;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Ladder;

public class TraceLineParserTests
{
    /// <summary>Keeps a copy of every event with the line the formatter made of it.</summary>
    private sealed class Recorder : ITraceSink
    {
        private readonly TextLine _line = new(4096);
        public readonly List<(TraceEvent Event, byte[] Data, string Line)> All = new();

        public void OnTrace(TraceEvent e)
        {
            TraceFormatter.Format(e, _line);
            var copy = (TraceEvent)typeof(object).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(e, null);
            byte[] data = e.Data != null && e.DataLength > 0 ? e.Data.AsSpan(e.DataOffset, e.DataLength).ToArray() : null;
            All.Add((copy, data, _line.ToString()));
        }
    }

    private static Recorder LossyExchange(uint seed)
    {
        var s = new TwoStacks(new TcpConfig(), new TcpConfig(), seed);
        var rec = new Recorder();
        s.TracerA.Sink = rec;
        s.TracerA.Level = TraceLevel.Frames;
        s.TracerB.Sink = rec;
        s.TracerB.Level = TraceLevel.Frames;
        s.SetFaults(100, 20, 20, 20, 0);
        var t = new BulkTransfer(s);
        t.Run(7, 3000, 120_000);
        return rec;
    }

    [Fact]
    public void EveryTcpAndFrameLineOfALossyExchangeParsesBackToTheEventsValues()
    {
        var rec = LossyExchange(3);
        int segments = 0, states = 0, timers = 0, frames = 0;
        foreach (var (e, data, line) in rec.All)
        {
            var p = TraceLineParser.Parse(line);
            Assert.Equal(e.TimeMs, p.TimeMs);
            switch (e.Kind)
            {
                case TraceKind.TcpSegment:
                    segments++;
                    Assert.Equal(TraceLineKind.TcpSegment, p.Kind);
                    Assert.Equal(e.Connection, p.Connection);
                    var g = p.Segment!;
                    Assert.Equal(e.Outbound ? TraceDirection.Out : TraceDirection.In, g.Direction);
                    Assert.Equal(Ipv4Address.Format(e.SrcIp), g.SrcIp);
                    Assert.Equal(Ipv4Address.Format(e.DstIp), g.DstIp);
                    Assert.Equal(e.SrcPort, g.SrcPort);
                    Assert.Equal(e.DstPort, g.DstPort);
                    Assert.Equal(e.Flags, g.Flags);
                    Assert.Equal(TcpFlags.Format(e.Flags), g.FlagsText);
                    Assert.Equal(e.Seq, g.Seq);
                    Assert.Equal((e.Flags & TcpFlags.Ack) != 0 ? e.Ack : null, g.Ack);
                    Assert.Equal(e.Window, g.Window);
                    Assert.Equal(e.Length, g.Length);
                    Assert.Equal(e.Mss, g.Mss);
                    break;
                case TraceKind.TcpState:
                    states++;
                    Assert.Equal(TraceLineKind.TcpState, p.Kind);
                    Assert.Equal(e.Connection, p.Connection);
                    Assert.Equal(TcpStates.Name((TcpState)e.From), p.FromState);
                    Assert.Equal(TcpStates.Name((TcpState)e.To), p.ToState);
                    break;
                case TraceKind.TcpTimer:
                    timers++;
                    Assert.Equal(TraceLineKind.TcpTimer, p.Kind);
                    Assert.Equal(TcpTimerCode.Name(e.Code), p.TimerName);
                    Assert.Equal(e.Value, p.TimerValue);
                    Assert.Equal(TcpTimerCode.ValueIsMilliseconds(e.Code), p.TimerValueIsMs);
                    break;
                case TraceKind.FrameIn:
                case TraceKind.FrameOut:
                    frames++;
                    Assert.Equal(TraceLineKind.Frame, p.Kind);
                    Assert.Equal(e.Kind == TraceKind.FrameOut ? TraceDirection.Out : TraceDirection.In, p.Direction);
                    Assert.Equal(data, p.FrameBytes);
                    break;
                case TraceKind.Drop:
                    Assert.Equal(TraceLineKind.Drop, p.Kind);
                    Assert.Equal(DropReasons.Name((DropReason)e.Code), p.DropReason);
                    Assert.Equal(e.SrcIp != 0 ? Ipv4Address.Format(e.SrcIp) : null, p.DropFrom);
                    break;
                default:
                    Assert.NotEqual(TraceLineKind.Unknown, p.Kind);
                    break;
            }
        }
        Assert.True(segments > 10 && states > 5 && timers > 3 && frames > 10, $"{segments} {states} {timers} {frames}");
    }

    [Fact]
    public void RandomSegmentEventsRoundTripIncludingExtremeValues()
    {
        var rng = new Random(42);
        var line = new TextLine(256);
        for (int i = 0; i < 20_000; i++)
        {
            var e = new TraceEvent
            {
                Kind = TraceKind.TcpSegment,
                TimeMs = i % 7 == 0 ? 123_456_789_012 : rng.Next(),
                Connection = rng.Next(-1, 16),
                Outbound = rng.Next(2) == 0,
                SrcIp = (uint)rng.NextInt64(0, 1L << 32),
                DstIp = (uint)rng.NextInt64(0, 1L << 32),
                SrcPort = rng.Next(0, 65536),
                DstPort = rng.Next(0, 65536),
                Flags = rng.Next(0, 256),
                Seq = i % 5 == 0 ? uint.MaxValue : (uint)rng.NextInt64(0, 1L << 32),
                Ack = (uint)rng.NextInt64(0, 1L << 32),
                Window = rng.Next(0, 65536),
                Length = rng.Next(0, 3) == 0 ? 0 : rng.Next(1, 1461),
                Mss = rng.Next(0, 2) == 0 ? 0 : rng.Next(1, 65536),
            };
            TraceFormatter.Format(e, line);
            var p = TraceLineParser.Parse("nanotcp> " + line);
            Assert.Equal(TraceLineKind.TcpSegment, p.Kind);
            Assert.Null(p.Source);
            var g = p.Segment!;
            Assert.Equal((e.TimeMs, e.Connection, e.Flags, e.Seq, e.Window, e.Length, e.Mss, e.SrcPort, e.DstPort),
                (p.TimeMs, p.Connection, g.Flags, g.Seq, g.Window, g.Length, g.Mss, g.SrcPort, g.DstPort));
            Assert.Equal((e.Flags & TcpFlags.Ack) != 0 ? e.Ack : null, g.Ack);
            Assert.Equal(Ipv4Address.Format(e.SrcIp), g.SrcIp);
        }
    }

    [Theory]
    [InlineData("board | [   3012] tcp#0 LISTEN -> SYN-RECEIVED", "board")]
    [InlineData("pc    | [   3012] tcp#0 LISTEN -> SYN-RECEIVED", "pc")]
    [InlineData("nanotcp> [   3012] tcp#0 LISTEN -> SYN-RECEIVED", null)]
    [InlineData("nanotcp> nanotcp> [   3012] tcp#0 LISTEN -> SYN-RECEIVED\r", null)]
    [InlineData("[   3012] tcp#0 LISTEN -> SYN-RECEIVED", null)]
    public void PrefixesBeforeTheTimeStampAreAccepted(string line, string? source)
    {
        var p = TraceLineParser.Parse(line);
        Assert.Equal(TraceLineKind.TcpState, p.Kind);
        Assert.Equal(source, p.Source);
        Assert.Equal(3012, p.TimeMs);
        Assert.Equal(0, p.Connection);
        Assert.Equal(("LISTEN", "SYN-RECEIVED"), (p.FromState, p.ToState));
    }

    [Fact]
    public void ReadmeLinesParse()
    {
        var s = TraceLineParser.Parse("[   3012] tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=3410179 ack=1570462043 win=2048 mss=1460").Segment!;
        Assert.Equal(new TraceSegment(TraceDirection.Out, "192.168.7.50", 7, "192.168.7.10", 50000, "S.", TcpFlags.Syn | TcpFlags.Ack,
            3410179, 1570462043, 2048, 0, 1460), s);
        var t = TraceLineParser.Parse("[   3033] tcp#0 timer 2msl-start 60000 ms");
        Assert.Equal((TraceLineKind.TcpTimer, "2msl-start", 60000L, true), (t.Kind, t.TimerName, t.TimerValue, t.TimerValueIsMs));
        var f = TraceLineParser.Parse("[      1] frame < 4 ffff0a0B");
        Assert.Equal(new byte[] { 0xff, 0xff, 0x0a, 0x0b }, f.FrameBytes);
        Assert.Equal(TraceDirection.In, f.Direction);
        var d = TraceLineParser.Parse("[     17] drop tcp bad-checksum from 10.0.0.9");
        Assert.Equal((TraceLineKind.Drop, "tcp bad-checksum", "10.0.0.9"), (d.Kind, d.DropReason, d.DropFrom));
        Assert.Equal(TraceLineKind.Drop, TraceLineParser.Parse("[17] drop eth too-short").Kind);
        Assert.Equal(TraceLineKind.Arp, TraceLineParser.Parse("pc    | [      1] arp > who-has 192.168.7.50 tell 192.168.7.10").Kind);
        var i = TraceLineParser.Parse("board | [      2] icmp > 192.168.7.50 > 192.168.7.10 echo-reply seq=1 len=56");
        Assert.Equal((TraceLineKind.Icmp, TraceDirection.Out), (i.Kind, i.Direction));
        Assert.Equal(TraceLineKind.Other, TraceLineParser.Parse("[  5] enc28j60 reset").Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("[")]
    [InlineData("[    ] tcp#0 LISTEN -> SYN-RECEIVED")]
    [InlineData("[99999999999999999999999] tcp#0 LISTEN -> SYN-RECEIVED")]
    [InlineData("[   3012] tcp#x LISTEN -> SYN-RECEIVED")]
    [InlineData("[   3012] tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=99999999999 win=1")]
    [InlineData("[   3012] tcp#0 >  192.168.7.50:99999 > 192.168.7.10:50000 [S.] seq=1 win=1")]
    [InlineData("[   3012] tcp#0 >  192.168.7.500:7 > 192.168.7.10:50000 [S.] seq=1 win=1")]
    [InlineData("[   3012] tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [Sx] seq=1 win=1")]
    [InlineData("[   3012] tcp#0 >  192.168.7.50:7 > 192.168.7.10:50000 [S.] seq=3410179 ack=15704620")]
    [InlineData("[   3012] tcp#0 timer 2msl-start")]
    [InlineData("[      1] frame < 60 ffff")]
    [InlineData("[      1] frame < 2 fffg")]
    [InlineData("[      1] frame < 99999999999 ff")]
    public void GarbageNeverThrowsAndIsUnknown(string? line)
    {
        var p = TraceLineParser.Parse(line);
        Assert.Equal(TraceLineKind.Unknown, p.Kind);
        Assert.Null(TraceLineParser.TryParse(line));
    }

    [Fact]
    public void MutatedLinesNeverThrow()
    {
        var rec = LossyExchange(5);
        var rng = new Random(7);
        foreach (var (_, _, line) in rec.All.Take(400))
        {
            for (int k = 0; k < 20; k++)
            {
                char[] c = line.ToCharArray();
                int edits = rng.Next(1, 4);
                for (int j = 0; j < edits && c.Length > 0; j++) c[rng.Next(c.Length)] = (char)rng.Next(0, 0x3000);
                string s = new string(c, 0, rng.Next(c.Length + 1));
                TraceLineParser.Parse(s); // must not throw
            }
        }
    }
}
