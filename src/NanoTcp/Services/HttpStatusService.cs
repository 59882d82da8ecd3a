using NanoTcp.Iface;
using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Services
{
    /// <summary>
    /// A tiny HTTP/1.0 server on port 80 that answers any request with a plain-text status page:
    /// the TCP connection table (state, addresses, RTO, queues, counters), the listeners, the TCP
    /// counters and, when <see cref="Counters"/> is set, the interface counters and drops by reason.
    /// The page is built in a preallocated buffer per slot; it is sent as the send ring drains,
    /// then the connection is closed (HTTP/1.0: the close ends the body).
    /// </summary>
    public sealed class HttpStatusService : TcpService
    {
        public const int DefaultPort = 80;
        private const int RequestDone = 4;

        private readonly TextLine[] _pages;
        private readonly int[] _sent;
        private readonly int[] _headerMatch;
        private readonly byte[] _request = new byte[256];

        /// <summary>The interface's counters (NetInterface.Counters); null leaves that section out.</summary>
        public Counters Counters;
        public long PagesServed;

        public HttpStatusService(TcpStack tcp, int port, int maxConnections, int pageCapacity) : base(tcp, port, maxConnections)
        {
            int n = maxConnections < 1 ? 1 : maxConnections;
            _pages = new TextLine[n];
            _sent = new int[n];
            _headerMatch = new int[n];
            for (int i = 0; i < n; i++)
            {
                _pages[i] = new TextLine(pageCapacity);
            }
        }

        protected override void Opened(int slot, long nowMs)
        {
            _pages[slot].Clear();
            _sent[slot] = 0;
            _headerMatch[slot] = 0;
        }

        protected override bool Serve(int slot, int handle, long nowMs)
        {
            TextLine page = _pages[slot];
            if (_headerMatch[slot] < RequestDone)
            {
                // Read the request until the blank line that ends its header (CR LF CR LF).
                while (_headerMatch[slot] < RequestDone)
                {
                    int got = Tcp.Receive(handle, _request, 0, _request.Length);
                    if (got < 0)
                    {
                        return true; // the client gave up before finishing its request
                    }
                    if (got == 0)
                    {
                        return false;
                    }
                    int m = _headerMatch[slot];
                    for (int i = 0; i < got && m < RequestDone; i++)
                    {
                        byte b = _request[i];
                        bool cr = b == 13;
                        if ((m == 0 || m == 2) && cr) m++;
                        else if ((m == 1 || m == 3) && b == 10) m++;
                        else m = cr ? 1 : 0;
                    }
                    _headerMatch[slot] = m;
                }
                BuildPage(page, nowMs);
                PagesServed++;
            }
            else
            {
                // Anything after the request is read and ignored.
                while (Tcp.Receive(handle, _request, 0, _request.Length) > 0)
                {
                }
            }
            int left = page.Length - _sent[slot];
            if (left > 0)
            {
                int n = Tcp.Send(handle, page.Buffer, _sent[slot], left);
                if (n < 0)
                {
                    return true;
                }
                _sent[slot] += n;
            }
            return _sent[slot] >= page.Length;
        }

        /// <summary>Writes the status response (header and body) into page.</summary>
        public void BuildPage(TextLine page, long nowMs)
        {
            page.Clear();
            page.Append("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
            page.Append("NanoTcp status at ").Append(nowMs).Append(" ms\r\n\r\n");
            page.Append("tcp  state         local                 remote                 rto  srtt  sendq  recvq  segs in/out  retrans\r\n");
            for (int i = 0; i < Tcp.ConnectionSlots; i++)
            {
                TcpConnection c = Tcp.ConnectionAt(i);
                page.Append('#');
                AppendLeft(page, i, 4);
                if (!c.IsInUse)
                {
                    page.Append("free\r\n");
                    continue;
                }
                page.AppendLeft(TcpStates.Name(c.CurrentState), 13).Append(' ');
                AppendEndpoint(page, c.LocalAddress, c.LocalPortNumber);
                AppendEndpoint(page, c.RemoteAddress, c.RemotePortNumber);
                page.AppendPadded(c.RtoMs, 5, ' ').AppendPadded(c.SrttMs, 6, ' ');
                page.AppendPadded(c.SendQueued, 7, ' ').AppendPadded(c.ReceiveQueued, 7, ' ');
                page.AppendPadded(c.SegmentsIn, 8, ' ').Append('/');
                AppendLeft(page, c.SegmentsOut, 6);
                page.AppendPadded(c.Retransmits, 5, ' ');
                if (c.Reason != TcpCloseReason.None)
                {
                    page.Append("  (").Append(TcpCloseReasons.Name(c.Reason)).Append(')');
                }
                page.Append("\r\n");
            }
            page.Append("\r\nlisteners:");
            for (int i = 0; i < Tcp.ListenerSlots; i++)
            {
                TcpListener l = Tcp.ListenerAt(i);
                if (l.IsActive)
                {
                    page.Append(' ').Append(l.PortNumber).Append(" (syns dropped ").Append(l.SynsDropped).Append(')');
                }
            }
            page.Append("\r\ntcp: segments in ").Append(Tcp.SegmentsIn).Append(" out ").Append(Tcp.SegmentsOut)
                .Append(", resets sent ").Append(Tcp.ResetsSent)
                .Append(", opens active ").Append(Tcp.ActiveOpens).Append(" passive ").Append(Tcp.PassiveOpens)
                .Append(", half-open evicted ").Append(Tcp.HalfOpenEvicted)
                .Append(", time-wait reclaimed ").Append(Tcp.TimeWaitReclaimed)
                .Append(", footprint ").Append(Tcp.StaticFootprintBytes).Append(" bytes\r\n");
            Counters k = Counters;
            if (k != null)
            {
                page.Append("interface: rx ").Append(k.RxFrames).Append(" frames ").Append(k.RxBytes).Append(" bytes, tx ")
                    .Append(k.TxFrames).Append(" frames ").Append(k.TxBytes).Append(" bytes, tcp in ").Append(k.TcpIn)
                    .Append(", drops ").Append(k.TotalDrops).Append("\r\n");
                for (int i = 1; i < k.Drops.Length; i++)
                {
                    if (k.Drops[i] != 0)
                    {
                        page.Append("  ").AppendLeft(DropReasons.Name((DropReason)i), 24).Append(k.Drops[i]).Append("\r\n");
                    }
                }
            }
        }

        private static void AppendEndpoint(TextLine page, uint ip, int port)
        {
            int start = page.Length;
            page.AppendIp(ip).Append(':').Append(port);
            for (int pad = page.Length - start; pad < 22; pad++)
            {
                page.Append(' ');
            }
        }

        /// <summary>A number left-aligned in width characters (TextLine.AppendLeft takes strings; this does not allocate).</summary>
        private static void AppendLeft(TextLine page, long value, int width)
        {
            int start = page.Length;
            page.Append(value);
            for (int pad = page.Length - start; pad < width; pad++)
            {
                page.Append(' ');
            }
        }
    }
}
