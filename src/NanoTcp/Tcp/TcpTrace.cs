using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Trace events of the TCP layer. State changes are emitted by SetState (TcpStack.cs).
    public sealed partial class TcpStack
    {
        private void TraceSegment(int connection, bool outbound, uint srcIp, uint dstIp, byte[] b, int offset, int length, int mss, long nowMs)
        {
            if (!_tracer.Wants(TraceLevel.Segments))
            {
                return;
            }
            TraceEvent e = _tracer.Begin(TraceKind.TcpSegment, nowMs);
            e.Connection = connection;
            e.Outbound = outbound;
            e.SrcIp = srcIp;
            e.DstIp = dstIp;
            e.SrcPort = TcpPacket.SourcePort(b, offset);
            e.DstPort = TcpPacket.DestinationPort(b, offset);
            e.Flags = TcpPacket.Flags(b, offset);
            e.Seq = TcpPacket.SequenceNumber(b, offset);
            e.Ack = TcpPacket.AckNumber(b, offset);
            e.Window = TcpPacket.Window(b, offset);
            e.Length = length - TcpPacket.DataOffset(b, offset);
            e.Mss = mss;
            _tracer.Emit();
        }

        private void TraceTimer(TcpConnection c, int code, long value, long nowMs)
        {
            TraceLevel level = code == TcpTimerCode.RttSample || code == TcpTimerCode.DelayedAck ? TraceLevel.Segments : TraceLevel.States;
            if (!_tracer.Wants(level))
            {
                return;
            }
            TraceEvent e = _tracer.Begin(TraceKind.TcpTimer, nowMs);
            e.Connection = c.Index;
            e.Code = code;
            e.Value = value;
            e.From = (int)c.State;
            e.To = (int)c.State;
            _tracer.Emit();
        }
    }
}
