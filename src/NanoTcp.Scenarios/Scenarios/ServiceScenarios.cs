using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    // The built-in services (src/NanoTcp/Services) on stack B, a client application on stack A.

    internal sealed class ServiceBench
    {
        public readonly TwoStacks S;
        public readonly TcpEchoService Echo;
        public readonly TcpDiscardService Discard;
        public readonly TcpChargenService Chargen;
        public readonly HttpStatusService Http;
        /// <summary>The client's read and write buffer: one window (none for the status page, whose
        /// scenarios read into a page-sized buffer of their own: the heap on the board is tight).</summary>
        public readonly byte[] Buffer;

        /// <summary>The status page's buffer: the board's default (DeviceConfig.StatusPageBytes).</summary>
        public const int PageBytes = 2048;

        /// <summary>Two stacks with the service on <paramref name="port"/> (7, 9, 19 or 80) running on B.</summary>
        public ServiceBench(int port)
        {
            // The client runs one connection at a time; the server one per scenario plus the
            // TIME-WAIT of the previous one, with 1 KB rings. A perfect link with the selftest's
            // small MTU: no fault injectors.
            TcpConfig client = TwoStacks.OneConnection();
            TcpConfig server = TwoStacks.OneConnection();
            server.Listeners = 4;
            server.Connections = 2;
            server.Backlog = 2;
            S = new TwoStacks(client, server, 5, false, TwoStacks.FramesInFlight(client, server, TwoStacks.SmallMtu), TwoStacks.SmallMtu);
            // Only the service under test: each one's buffers are heap the board's selftest needs.
            if (port != HttpStatusService.DefaultPort)
            {
                Buffer = new byte[1024];
            }
            TcpService service;
            if (port == TcpEchoService.DefaultPort) service = Echo = new TcpEchoService(S.B, port, 1);
            else if (port == TcpDiscardService.DefaultPort) service = Discard = new TcpDiscardService(S.B, port, 1);
            else if (port == TcpChargenService.DefaultPort) service = Chargen = new TcpChargenService(S.B, port, 1);
            else
            {
                service = Http = new HttpStatusService(S.B, HttpStatusService.DefaultPort, 1, PageBytes);
                Http.Counters = S.IfB.Counters;
            }
            _service = service;
            Check.True(service.IsRunning, "service listening on port " + port.ToString());
        }

        private readonly TcpService _service;

        /// <summary>The server's state changes and timers from here on, the last 16 lines.</summary>
        public TraceRecorder RecordServerStates()
        {
            TraceRecorder rec = new TraceRecorder(16);
            S.TracerB.Sink = rec;
            S.TracerB.Level = TraceLevel.States;
            return rec;
        }

        public void Step()
        {
            S.Poll();
            _service.Poll(S.Now);
            S.Advance(100);
        }

        public int Open(int port)
        {
            int h = S.A.Connect(TwoStacks.AddressB, port, 0);
            Check.True(h >= 0, "connect");
            for (int i = 0; i < 1000 && S.A.GetState(h) != TcpState.Established; i++)
            {
                Step();
            }
            Check.Equal((int)TcpState.Established, (int)S.A.GetState(h), "connected to port " + port.ToString());
            return h;
        }

        /// <summary>Steps until the service side has closed too (client sees EOF) and the client closed.</summary>
        public void CloseAndWait(int h)
        {
            S.A.Close(h);
            for (int i = 0; i < 2000; i++)
            {
                Step();
            }
            for (int i = 0; i < S.B.ConnectionSlots; i++)
            {
                TcpState st = S.B.ConnectionAt(i).CurrentState;
                Check.True(!S.B.ConnectionAt(i).IsInUse || st == TcpState.TimeWait || st == TcpState.Closed, "server side finished: " + TcpStates.Name(st));
            }
        }
    }

    public sealed class EchoServiceScenario : Scenario
    {
        public EchoServiceScenario() : base("service-echo", "TCP echo (port 7): 20 000 bytes come back byte for byte; the service closes after the client") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(TcpEchoService.DefaultPort);
            int h = b.Open(TcpEchoService.DefaultPort);
            int total = 20000;
            int sent = 0;
            int got = 0;
            for (int step = 0; step < 100000 && got < total; step++)
            {
                if (sent < total)
                {
                    int n = total - sent < 1000 ? total - sent : 1000;
                    for (int i = 0; i < n; i++) b.Buffer[i] = (byte)((sent + i) * 7);
                    int k = b.S.A.Send(h, b.Buffer, 0, n);
                    if (k > 0) sent += k;
                }
                int r = b.S.A.Receive(h, b.Buffer, 0, b.Buffer.Length);
                for (int i = 0; i < r; i++)
                {
                    if (b.Buffer[i] != (byte)((got + i) * 7)) Check.Fail("echo byte " + (got + i).ToString());
                }
                if (r > 0) got += r;
                b.Step();
            }
            Check.Equal(total, got, "echoed");
            b.CloseAndWait(h);
            Check.Equal((long)total, b.Echo.BytesEchoed, "service count");
        }
    }

    public sealed class DiscardServiceScenario : Scenario
    {
        public DiscardServiceScenario() : base("service-discard", "TCP discard (port 9): 30 000 bytes taken and dropped, nothing sent back") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(TcpDiscardService.DefaultPort);
            int h = b.Open(TcpDiscardService.DefaultPort);
            int sent = 0;
            for (int step = 0; step < 100000 && sent < 30000; step++)
            {
                int n = 30000 - sent < 1000 ? 30000 - sent : 1000;
                int k = b.S.A.Send(h, b.Buffer, 0, n);
                if (k > 0) sent += k;
                b.Step();
            }
            b.CloseAndWait(h);
            Check.Equal(30000L, b.Discard.BytesDiscarded, "discarded");
            Check.Equal(0L, b.S.A.ConnectionAt(h).IsInUse ? b.S.A.ConnectionAt(h).BytesIn : 0L, "nothing came back");
        }
    }

    public sealed class ChargenServiceScenario : Scenario
    {
        public ChargenServiceScenario() : base("service-chargen", "TCP chargen (port 19): RFC 864 lines of 72 characters, each starting one later; stops when the client closes") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(TcpChargenService.DefaultPort);
            int h = b.Open(TcpChargenService.DefaultPort);
            int got = 0;
            for (int step = 0; step < 100000 && got < 10000; step++)
            {
                int r = b.S.A.Receive(h, b.Buffer, 0, b.Buffer.Length);
                for (int i = 0; i < r; i++)
                {
                    if (b.Buffer[i] != TcpChargenService.CharAt(got + i)) Check.Fail("chargen byte " + (got + i).ToString());
                }
                if (r > 0) got += r;
                b.Step();
            }
            Check.True(got >= 10000, "10 000 characters");
            Check.Equal(33, (int)TcpChargenService.CharAt(0), "line 0 starts with '!'");
            Check.Equal(34, (int)TcpChargenService.CharAt(74), "line 1 starts with '\"'");
            Check.Equal(13, (int)TcpChargenService.CharAt(72), "CR");
            b.S.A.Shutdown(h);
            for (int step = 0; step < 5000; step++)
            {
                int r = b.S.A.Receive(h, b.Buffer, 0, b.Buffer.Length);
                if (r < 0) break;
                b.Step();
            }
            Check.True((b.S.A.GetEvents(h) & TcpEvents.PeerClosed) != 0, "the service closed after our FIN");
        }
    }

    public sealed class HttpStatusScenario : Scenario
    {
        public HttpStatusScenario() : base("service-http-status", "HTTP status page (port 80): a GET returns 200 with the connection table and counters, then the server closes") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(HttpStatusService.DefaultPort);
            int h = b.Open(HttpStatusService.DefaultPort);
            byte[] req = new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', (byte)'/', (byte)' ', (byte)'H', (byte)'T', (byte)'T', (byte)'P',
                (byte)'/', (byte)'1', (byte)'.', (byte)'0', 13, 10, 13, 10 };
            b.S.A.Send(h, req, 0, req.Length);
            byte[] page = new byte[ServiceBench.PageBytes];
            int got = 0;
            bool eof = false;
            for (int step = 0; step < 20000 && !eof; step++)
            {
                int r = b.S.A.Receive(h, page, got, page.Length - got);
                if (r < 0) eof = true;
                else got += r;
                b.Step();
            }
            Check.True(eof, "server closed after the page");
            Check.True(got < page.Length, "the page fits its buffer: " + got.ToString() + " bytes");
            Expect(page, got, "HTTP/1.0 200 OK", true, "status line");
            Expect(page, got, "ESTABLISHED", false, "connection table shows our connection");
            Expect(page, got, "10.0.0.1:", false, "remote address");
            Expect(page, got, "listeners: 80", false, "listeners");
            Expect(page, got, "interface: rx", false, "interface counters");
            Check.Equal(1L, b.Http.PagesServed, "one page");
            b.S.A.Close(h);
        }

        /// <summary>
        /// The page has the text (at its start when atStart). Searched as bytes: a copy of the page
        /// as a string, which the failure message shows, would take twice its size again.
        /// </summary>
        private static void Expect(byte[] page, int length, string text, bool atStart, string what)
        {
            int at = IndexOf(page, length, text);
            if (atStart ? at != 0 : at <= 0)
            {
                Check.Fail(what + ": " + Text(page, length));
            }
        }

        /// <summary>Where the ASCII text starts in bytes [0, length), or -1.</summary>
        private static int IndexOf(byte[] bytes, int length, string text)
        {
            for (int i = 0; i + text.Length <= length; i++)
            {
                int k = 0;
                while (k < text.Length && bytes[i + k] == (byte)text[k])
                {
                    k++;
                }
                if (k == text.Length)
                {
                    return i;
                }
            }
            return -1;
        }

        private static string Text(byte[] bytes, int length)
        {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) chars[i] = (char)bytes[i];
            return new string(chars, 0, length);
        }
    }

    public sealed class ServiceIdleTimeoutScenario : Scenario
    {
        public ServiceIdleTimeoutScenario() : base("service-idle-timeout", "echo with a 5 s idle limit: a client that talks keeps its connection; one that goes quiet is reset 5 s after its last byte (idle-timeout), counted, and its slot serves the next client") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(TcpEchoService.DefaultPort);
            TraceRecorder rec = b.RecordServerStates();
            b.Echo.IdleTimeoutMs = 5000;
            int h = b.Open(TcpEchoService.DefaultPort);
            // Talking every 3 s for 15 s: never idle for 5 s. The last echo's arrival is when the
            // connection last moved data.
            long quietFrom = 0;
            for (int round = 0; round < 5; round++)
            {
                b.Buffer[0] = (byte)('a' + round);
                b.S.A.Send(h, b.Buffer, 0, 1);
                int echoed = 0;
                for (int i = 0; i < 30; i++)
                {
                    b.Step();
                    if (echoed == 0)
                    {
                        echoed = b.S.A.Receive(h, b.Buffer, 0, b.Buffer.Length);
                        quietFrom = b.S.Now;
                    }
                }
                Check.Equal(1, echoed, "echoed in round " + round.ToString());
                Check.Equal((int)TcpState.Established, (int)b.S.A.GetState(h), "still open after round " + round.ToString());
            }
            Check.Equal(0L, b.Echo.IdleTimeouts, "no timeout while talking");
            // Quiet from the last echo: reset 5 s (to within a step or two) after it.
            long resetAt = -1;
            for (int i = 0; i < 100 && resetAt < 0; i++)
            {
                b.Step();
                if (b.S.A.GetState(h) == TcpState.Closed) resetAt = b.S.Now;
            }
            Check.True(resetAt > 0, "the quiet client was reset");
            Check.Equal((int)TcpCloseReason.ResetByPeer, (int)b.S.A.GetCloseReason(h), "by an RST");
            Check.True(resetAt - quietFrom >= 4900 && resetAt - quietFrom <= 5300, "5 s after its last byte: " + (resetAt - quietFrom).ToString() + " ms");
            Check.Equal(1L, b.Echo.IdleTimeouts, "counted");
            Check.True(rec.Contains("timer idle-timeout"), "traced");
            b.S.A.Close(h);
            // The slot is free: the next client is served.
            int h2 = b.Open(TcpEchoService.DefaultPort);
            b.Buffer[0] = (byte)'z';
            b.S.A.Send(h2, b.Buffer, 0, 1);
            for (int i = 0; i < 10; i++) b.Step();
            Check.Equal(1, b.S.A.Receive(h2, b.Buffer, 0, b.Buffer.Length), "the next client is echoed");
        }
    }

    public sealed class HttpRequestTimeoutScenario : Scenario
    {
        public HttpRequestTimeoutScenario() : base("service-http-request-timeout", "status page with a 3 s request timeout: a slowloris client sending a header line every second is reset 3 s after accept (request-timeout); a prompt request is served") { }

        public override void Run()
        {
            ServiceBench b = new ServiceBench(HttpStatusService.DefaultPort);
            TraceRecorder rec = b.RecordServerStates();
            b.Http.RequestTimeoutMs = 3000;
            int h = b.Open(HttpStatusService.DefaultPort);
            long openedAt = b.S.Now;
            byte[] line = new byte[] { (byte)'X', (byte)'-', (byte)'a', (byte)':', (byte)' ', (byte)'b', 13, 10 };
            long resetAt = -1;
            for (int second = 0; second < 10 && resetAt < 0; second++)
            {
                b.S.A.Send(h, line, 0, line.Length); // never the blank line that ends the header
                for (int i = 0; i < 10 && resetAt < 0; i++)
                {
                    b.Step();
                    if (b.S.A.GetState(h) == TcpState.Closed) resetAt = b.S.Now;
                }
            }
            Check.True(resetAt > 0, "the slow request was cut");
            Check.True(resetAt - openedAt >= 2900 && resetAt - openedAt <= 3300, "3 s after accept: " + (resetAt - openedAt).ToString() + " ms");
            Check.Equal((int)TcpCloseReason.ResetByPeer, (int)b.S.A.GetCloseReason(h), "by an RST");
            Check.Equal(1L, b.Http.RequestTimeouts, "counted");
            Check.Equal(0L, b.Http.PagesServed, "no page for it");
            Check.True(rec.Contains("timer request-timeout"), "traced");
            b.S.A.Close(h);

            // A client that sends its request at once gets the page.
            int h2 = b.Open(HttpStatusService.DefaultPort);
            byte[] req = new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', (byte)'/', 13, 10, 13, 10 };
            b.S.A.Send(h2, req, 0, req.Length);
            for (int i = 0; i < 40; i++) b.Step();
            Check.Equal(1L, b.Http.PagesServed, "the prompt request is served");
        }
    }
}
