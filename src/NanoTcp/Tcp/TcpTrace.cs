using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // Trace events of the TCP layer: segments in and out, state changes, timers. Each checks the
    // tracer's level first, so with tracing off they cost a comparison and decide nothing.
    public sealed partial class TcpStack
    {
        private void TraceSegmentIn(int connection, TcpSegment s, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.Segments))
            {
                TraceSegment(connection, s.SourceIp, s.DestinationIp, s.Buffer, s.HeaderOffset, s.SegmentLength, s.Options.Mss, nowMs, false);
            }
        }

        private void TraceSegmentOut(int connection, uint srcIp, uint dstIp, byte[] b, int offset, int length, int mss, long nowMs)
        {
            TraceSegment(connection, srcIp, dstIp, b, offset, length, mss, nowMs, true);
        }

        /// <summary>One segment as it is on the wire (read from its header, whatever trimming did since).</summary>
        private void TraceSegment(int connection, uint srcIp, uint dstIp, byte[] b, int offset, int length, int mss, long nowMs, bool outbound)
        {
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

        private void TraceState(TcpConnection c, TcpState from, TcpState to, long nowMs)
        {
            if (_tracer.Wants(TraceLevel.States))
            {
                TraceEvent e = _tracer.Begin(TraceKind.TcpState, nowMs);
                e.Connection = c.Index;
                e.From = (int)from;
                e.To = (int)to;
                e.SrcIp = c.LocalIp;
                e.SrcPort = c.LocalPort;
                e.DstIp = c.RemoteIp;
                e.DstPort = c.RemotePort;
                _tracer.Emit();
            }
        }

        private void TraceTimer(TcpConnection c, int code, long value, long nowMs)
        {
            TraceLevel active = _tracer.Active;
            if (active == TraceLevel.Off
                || (active < TraceLevel.Segments && (code == TcpTimerCode.RttSample || code == TcpTimerCode.DelayedAck)))
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
