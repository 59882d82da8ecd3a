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
    /// then the connection is closed (HTTP/1.0: the close ends the body). A request whose header is
    /// not complete <see cref="RequestTimeoutMs"/> after accept is ended (RST): a client that sends a
    /// header line now and then to keep its slot (slowloris) holds it that long, not for ever.
    /// </summary>
    public sealed class HttpStatusService : TcpService
    {
        public const int DefaultPort = 80;
        private const int RequestDone = 4;

        // One page for all connections (its buffer is the service's biggest cost on the heap): the
        // connection whose request is complete renders it and queues it; another waits (normally one
        // turn: the send ring takes the page at once) until it is free again.
        private readonly TextLine _page;
        private int _pageOwner = -1;
        private int _sent;
        private readonly int[] _headerMatch;
        private readonly byte[] _request = new byte[256];

        /// <summary>The interface's counters (NetInterface.Counters); null leaves that section out.</summary>
        public Counters Counters;
        public long PagesServed;

        /// <summary>From accept until the request header is complete (its blank line); 0 = no limit.</summary>
        public int RequestTimeoutMs;

        public override string Name { get { return "http"; } }

        public HttpStatusService(TcpStack tcp, int port, int maxConnections, int pageCapacity) : base(tcp, port, maxConnections)
        {
            int n = maxConnections < 1 ? 1 : maxConnections;
            _page = new TextLine(pageCapacity);
            _headerMatch = new int[n];
        }

        protected override int TimerDue(int slot, int handle, long nowMs, out long elapsedMs)
        {
            if (RequestTimeoutMs > 0 && _headerMatch[slot] < RequestDone)
            {
                elapsedMs = nowMs - AcceptedAtMs(slot);
                if (elapsedMs >= RequestTimeoutMs)
                {
                    return TcpTimerCode.RequestTimeout;
                }
            }
            return base.TimerDue(slot, handle, nowMs, out elapsedMs);
        }

        protected override void Opened(int slot, long nowMs)
        {
            _headerMatch[slot] = 0;
        }

        protected override void Released(int slot)
        {
            if (_pageOwner == slot)
            {
                _pageOwner = -1;
            }
        }

        protected override bool Serve(int slot, int handle, long nowMs)
        {
            TextLine page = _page;
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
            }
            else
            {
                // Anything after the request is read and ignored.
                while (Tcp.Receive(handle, _request, 0, _request.Length) > 0)
                {
                }
            }
            if (_pageOwner != slot)
            {
                if (_pageOwner >= 0)
                {
                    return false; // the page is another connection's until it is queued
                }
                _pageOwner = slot;
                _sent = 0;
                BuildPage(page, nowMs);
                PagesServed++;
            }
            int left = page.Length - _sent;
            if (left > 0)
            {
                int n = Tcp.Send(handle, page.Buffer, _sent, left);
                if (n < 0)
                {
                    return true;
                }
                _sent += n;
            }
            return _sent >= page.Length; // done: the slot's release frees the page
        }

        /// <summary>Writes the status response (header and body) into page.</summary>
        public void BuildPage(TextLine page, long nowMs)
        {
            page.Clear();
            page.Append("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
            page.Append("NanoTcp status at ").Append(nowMs).Append(" ms\r\n\r\n");
            page.Append(TcpStatusText.Header).Append("\r\n");
            for (int i = 0; i < Tcp.ConnectionSlots; i++)
            {
                TcpStatusText.AppendConnection(page, Tcp, i);
                page.Append("\r\n");
            }
            page.Append("\r\n");
            TcpStatusText.AppendListeners(page, Tcp);
            page.Append("\r\n");
            TcpStatusText.AppendCounters(page, Tcp);
            page.Append("\r\n");
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
    }
}
