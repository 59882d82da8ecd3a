using NanoTcp.Trace;

namespace NanoTcp.Tcp
{
    /// <summary>
    /// The connection table as text lines (console `netstat`, the HTTP status page), written into a
    /// preallocated <see cref="TextLine"/>: no allocation.
    /// </summary>
    public static class TcpStatusText
    {
        public const string Header = "tcp  state         local                 remote                  rto  srtt  sendq  recvq  segs in/out     retrans";

        /// <summary>One connection slot: "#0   ESTABLISHED   10.0.0.2:80  10.0.0.1:49152  ..." (or "free").</summary>
        public static void AppendConnection(TextLine o, TcpStack tcp, int slot)
        {
            TcpConnection c = tcp.ConnectionAt(slot);
            o.Append('#');
            AppendLeft(o, slot, 4);
            if (c == null || !c.IsInUse)
            {
                o.Append("free");
                return;
            }
            o.AppendLeft(TcpStates.Name(c.CurrentState), 13).Append(' ');
            AppendEndpoint(o, c.LocalAddress, c.LocalPortNumber);
            AppendEndpoint(o, c.RemoteAddress, c.RemotePortNumber);
            o.AppendPadded(c.RtoMs, 5, ' ').AppendPadded(c.SrttMs, 6, ' ');
            o.AppendPadded(c.SendQueued, 7, ' ').AppendPadded(c.ReceiveQueued, 7, ' ');
            o.AppendPadded(c.SegmentsIn, 10, ' ').Append('/');
            AppendLeft(o, c.SegmentsOut, 8);
            o.AppendPadded(c.Retransmits, 5, ' ');
            if (c.Reason != TcpCloseReason.None)
            {
                o.Append("  (").Append(TcpCloseReasons.Name(c.Reason)).Append(')');
            }
        }

        /// <summary>"listeners: 7 (syns dropped 0, cookies 0) 80 (syns dropped 2, cookies 15)".</summary>
        public static void AppendListeners(TextLine o, TcpStack tcp)
        {
            o.Append("listeners:");
            for (int i = 0; i < tcp.ListenerSlots; i++)
            {
                TcpListener l = tcp.ListenerAt(i);
                if (l.IsActive)
                {
                    o.Append(' ').Append(l.PortNumber).Append(" (syns dropped ").Append(l.SynsDropped)
                        .Append(", cookies ").Append(l.SynCookiesSent).Append(')');
                }
            }
        }

        /// <summary>Stack-wide counters on one line.</summary>
        public static void AppendCounters(TextLine o, TcpStack tcp)
        {
            o.Append("tcp: segments in ").Append(tcp.SegmentsIn).Append(" out ").Append(tcp.SegmentsOut)
                .Append(", resets sent ").Append(tcp.ResetsSent)
                .Append(", opens active ").Append(tcp.ActiveOpens).Append(" passive ").Append(tcp.PassiveOpens)
                .Append(", half-open evicted ").Append(tcp.HalfOpenEvicted)
                .Append(", time-wait reclaimed ").Append(tcp.TimeWaitReclaimed)
                .Append(", idle reclaimed ").Append(tcp.IdleReclaimed)
                .Append(", syn cookies ").Append(tcp.SynCookiesSent).Append('/').Append(tcp.SynCookiesAccepted)
                .Append(", footprint ").Append(tcp.StaticFootprintBytes).Append(" bytes");
        }

        private static void AppendEndpoint(TextLine o, uint ip, int port)
        {
            int start = o.Length;
            o.AppendIp(ip).Append(':').Append(port);
            for (int pad = o.Length - start; pad < 22; pad++)
            {
                o.Append(' ');
            }
        }

        private static void AppendLeft(TextLine o, long value, int width)
        {
            int start = o.Length;
            o.Append(value);
            for (int pad = o.Length - start; pad < width; pad++)
            {
                o.Append(' ');
            }
        }
    }
}
