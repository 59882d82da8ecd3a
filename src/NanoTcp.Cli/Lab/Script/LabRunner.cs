#nullable enable

using System.Text;
using NanoTcp.Sim.Trace;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Cli.Lab.Script;

/// <summary>What a lab run produced: both serial traces, their interleaving, every frame at both ports, and the outcome line.</summary>
public sealed record LabRun(LabScript Script, uint Seed, string Outcome, List<string> PcTrace, List<string> BoardTrace, List<string> Log,
    List<LabFrame> Frames, long EndMs);

/// <summary>Executes a <see cref="LabScript"/> on a <see cref="LabBench"/>: steps in order, faults armed on the ports, hooks on states.</summary>
public static class LabRunner
{
    /// <summary>Time the bench keeps running after the last step, so that segments in flight arrive.</summary>
    public const int SettleMs = 20;

    public static LabRun Run(LabScript s, string? pcapPath = null, uint seed = 0, TraceLevel level = TraceLevel.Segments)
    {
        using var bench = new LabBench(pcapPath, Config(s.Pc), Config(s.Board), seed, level, s.TransitMs);
        var pc = new LabApp(bench.Pc.Tcp);
        var board = new LabApp(bench.Board.Tcp);
        LabApp App(LabSide side) => side == LabSide.Pc ? pc : board;
        void Poll(long now)
        {
            pc.Poll(now);
            board.Poll(now);
        }
        LabScriptException Fail(LabStep step, string message) => new(s.Source, step.Line, message);

        void Do(LabStep step)
        {
            switch (step)
            {
                case ListenStep l:
                    if (l.Echo) App(l.Side).Echo(l.Port);
                    else App(l.Side).Listen(l.Port);
                    break;
                case ConnectStep c:
                    if (!App(c.Side).Connect(bench.Other(c.Side).Address, c.RemotePort, c.LocalPort))
                        throw Fail(c, $"the {Name(c.Side)}'s stack refused to open {c.LocalPort} -> {c.RemotePort} (port in use, or every connection slot taken)");
                    break;
                case SendStep d:
                    if (App(d.Side).Handle < 0) throw Fail(d, $"the {Name(d.Side)} has no connection to send on (connect or listen first)");
                    App(d.Side).Send(d.Data);
                    break;
                case CloseStep c:
                    if (App(c.Side).Handle < 0) throw Fail(c, $"the {Name(c.Side)} has no connection to close");
                    App(c.Side).Close(c.Abort);
                    break;
                case ReadingStep r:
                    App(r.Side).Reading = r.Reading;
                    break;
                case WaitStep w:
                    bench.Run(w.Ms, Poll);
                    break;
                case WaitUntilStep u:
                {
                    bool Done() =>
                        u.Bytes is int bytes ? App(u.Side!.Value).ReceivedBytes >= bytes
                        : u.Side is LabSide side ? bench.Node(side).State == u.State
                        : bench.Pc.State == u.State && bench.Board.State == u.State;
                    if (!bench.RunUntil(Done, u.LimitMs, Poll))
                    {
                        string what = u.Bytes is int b ? $"the {Name(u.Side!.Value)} never received {b} bytes (it has {App(u.Side.Value).ReceivedBytes})"
                            : u.Side is LabSide side ? $"the {Name(side)} never reached {u.State} (it is {bench.Node(side).State})"
                            : $"the two sides were never both {u.State} (pc {bench.Pc.State}, board {bench.Board.State})";
                        throw Fail(u, $"{what} within {u.LimitMs} ms");
                    }
                    break;
                }
                case OnStateStep o:
                    bench.Node(o.Side).OnState(o.State, () => Do(o.Action));
                    break;
                case FaultStep f:
                    bench.Node(f.Side).Port.Arm(f);
                    break;
                case InjectOldSynStep i:
                {
                    var from = bench.Node(i.From);
                    var to = bench.Other(i.From);
                    from.Note($"[{bench.Now,7}] (an old duplicate SYN seq={i.Seq} from {Ipv4Address.Format(from.Address)}:{i.SourcePort}, sent long ago, arrives now)");
                    bench.InjectFrom(i.From, OldSyn(from, to, i));
                    break;
                }
            }
        }

        foreach (var step in s.Steps) Do(step);
        bench.Run(SettleMs, Poll);

        string outcome = Outcome(s.Outcome, bench, pc, board);
        var frames = bench.Pc.Port.Frames.Concat(bench.Board.Port.Frames).OrderBy(f => f.TimeMs).ToList();
        return new LabRun(s, seed, outcome, bench.Pc.Trace.ToList(), bench.Board.Trace.ToList(), bench.Log.ToList(), frames, bench.Now);
    }

    public static string Name(LabSide side) => side == LabSide.Pc ? "PC" : "board";

    private static TcpConfig Config(LabSideSettings s)
    {
        var c = new TcpConfig();
        if (s.MslMs is int msl) c.MslMs = msl;
        if (s.WindowBytes is int w) c.ReceiveBufferSize = w;
        if (s.DelayedAckMs is int d) c.DelayedAckMs = d;
        if (s.RtoInitialMs is int rto)
        {
            c.RtoInitialMs = rto;
            if (c.RtoMinMs > rto) c.RtoMinMs = rto;
        }
        return c;
    }

    /// <summary>The old SYN's frame: the side's addresses and ports, a stale sequence number, MSS 1460, window 64240.</summary>
    private static byte[] OldSyn(LabNode from, LabNode to, InjectOldSynStep i)
    {
        var seg = new byte[24];
        TcpPacket.WriteHeader(seg, 0, i.SourcePort, i.DestinationPort, i.Seq, 0, TcpFlags.Syn, 64240, 4);
        TcpOptions.WriteMss(seg, 20, 1460);
        TcpPacket.WriteChecksum(seg, 0, seg.Length, from.Address, to.Address);
        var frame = new byte[14 + 20 + seg.Length];
        EthernetFrame.WriteHeader(frame, 0, to.Iface.MacAddress, 0, from.Iface.MacAddress, EtherType.Ipv4);
        Ipv4Packet.WriteHeader(frame, 14, from.Address, to.Address, IpProtocol.Tcp, seg.Length, 7, 64);
        seg.CopyTo(frame, 34);
        return frame;
    }

    /// <summary>Fills the outcome line's placeholders from what the run printed and what the applications hold.</summary>
    private static string Outcome(string template, LabBench bench, LabApp pc, LabApp board)
    {
        return LabScriptParser.Placeholder.Replace(template, m =>
        {
            var side = m.Groups[1].Value == "pc" ? LabSide.Pc : LabSide.Board;
            var node = bench.Node(side);
            var app = side == LabSide.Pc ? pc : board;
            string v = m.Groups[2].Value;
            switch (v)
            {
                case "state": return TcpStates.Name(app.State);
                case "reason": return TcpCloseReasons.Name(app.CloseReason);
                case "received": return app.ReceivedBytes.ToString();
                case "text": return "\"" + Encoding.ASCII.GetString(app.Received) + "\"";
            }
            string state = v.ToUpperInvariant();
            var entered = TraceLineParser.ParseAll(node.Trace).LastOrDefault(l => l.Kind == TraceLineKind.TcpState && l.ToState == state);
            return entered == null ? $"(never {state})" : entered.TimeMs.ToString();
        });
    }
}
