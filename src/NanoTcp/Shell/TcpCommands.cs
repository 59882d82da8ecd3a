using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Shell
{
    /// <summary>
    /// Console commands of the TCP layer: `netstat` (connection table, listeners, counters) and an
    /// interactive client: `connect`, `send`, `close`, `abort`. Connections opened here belong to
    /// the console; <see cref="Poll"/> reports their progress (connected, refused, data received,
    /// the peer's FIN, closed) as it happens. Poll allocates nothing; commands may.
    /// </summary>
    public sealed class TcpCommands : ICommandSet, IStatsSource
    {
        /// <summary>Received bytes shown per `tcp#N &lt; ...` line.</summary>
        public const int LineChars = 64;

        private const int Free = 0;
        private const int Connecting = 1;
        private const int Open = 2;

        private readonly TcpStack _tcp;
        // Per handle (slot number): whether the console owns it, and what has been reported.
        private readonly int[] _phase;
        private readonly bool[] _eofShown;
        private readonly bool[] _closing;
        private readonly byte[] _rx = new byte[LineChars];
        private readonly byte[] _lineBytes = new byte[LineChars];
        private int _lineLength;
        private SerialConsole _console;

        public TcpCommands(TcpStack tcp)
        {
            _tcp = tcp;
            _phase = new int[tcp.ConnectionSlots];
            _eofShown = new bool[tcp.ConnectionSlots];
            _closing = new bool[tcp.ConnectionSlots];
        }

        /// <summary>True while the console owns handle h (opened with `connect`, not yet released).</summary>
        public bool Owns(int h)
        {
            return h >= 0 && h < _phase.Length && _phase[h] != Free;
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  netstat                   TCP connections (state, addresses, RTO, queues), listeners, counters");
            c.WriteLine("  connect <ip> <port>       open a TCP connection (tcp#N); what arrives is printed as tcp#N < text");
            c.WriteLine("  send <n> <text...>        send the text and CRLF on tcp#N");
            c.WriteLine("  close <n>                 graceful close of tcp#N (FIN)");
            c.WriteLine("  abort <n>                 reset tcp#N (RST)");
            c.WriteLine("  msl [ms]                  show or set MSL (TIME-WAIT lasts 2 x MSL), for labs");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            switch (name)
            {
                case "netstat": Netstat(c); return true;
                case "connect": _console = c; Connect(args, c); return true;
                case "send": Send(args, c); return true;
                case "close": CloseOrAbort(args, c, false); return true;
                case "abort": CloseOrAbort(args, c, true); return true;
                case "msl": Msl(args, c); return true;
                default: return false;
            }
        }

        /// <summary>The `stats` lines of the TCP layer: counters and static footprint.</summary>
        public void WriteStats(SerialConsole c)
        {
            TextLine o = c.Out;
            o.Clear();
            TcpStatusText.AppendCounters(o, _tcp);
            c.Emit();
            o.Clear();
            o.Append("memory  tcp ").Append((long)_tcp.StaticFootprintBytes).Append(" bytes (static)");
            c.Emit();
        }

        /// <summary>Shows or sets MSL; new TIME-WAIT periods use it (a 60 s wait is long for a lab).</summary>
        private void Msl(string[] args, SerialConsole c)
        {
            if (args.Length > 0)
            {
                int ms;
                if (!IpCommands.TryParseInt(args[0], out ms) || !_tcp.SetMsl(ms))
                {
                    c.WriteLine("error: msl takes milliseconds, 1..600000");
                    return;
                }
            }
            TextLine o = c.Out;
            o.Clear();
            o.Append("msl ").Append((long)_tcp.MslMs).Append(" ms: TIME-WAIT lasts ").Append(2L * _tcp.MslMs).Append(" ms");
            c.Emit();
        }

        private void Netstat(SerialConsole c)
        {
            c.WriteLine(TcpStatusText.Header);
            TextLine o = c.Out;
            for (int i = 0; i < _tcp.ConnectionSlots; i++)
            {
                o.Clear();
                TcpStatusText.AppendConnection(o, _tcp, i);
                c.Emit();
            }
            o.Clear();
            TcpStatusText.AppendListeners(o, _tcp);
            c.Emit();
            o.Clear();
            TcpStatusText.AppendCounters(o, _tcp);
            c.Emit();
        }

        private void Connect(string[] args, SerialConsole c)
        {
            if (args.Length != 2)
            {
                c.WriteLine("error: usage: connect <ip> <port>   e.g. connect 192.168.7.10 7");
                return;
            }
            uint ip;
            if (!Ipv4Address.TryParse(args[0], out ip) || ip == 0)
            {
                c.Out.Clear();
                c.Out.Append("error: bad address '").Append(args[0]).Append("' (e.g. 192.168.7.10)");
                c.Emit();
                return;
            }
            int port;
            if (!IpCommands.TryParseInt(args[1], out port) || port < 1 || port > 65535)
            {
                c.WriteLine("error: port must be 1..65535");
                return;
            }
            int h = _tcp.Connect(ip, port, 0);
            if (h < 0)
            {
                c.WriteLine("error: cannot connect: no free connection slot, or no address yet (see netstat, ifconfig)");
                return;
            }
            _phase[h] = Connecting;
            _eofShown[h] = false;
            _closing[h] = false;
            TextLine o = c.Out;
            o.Clear();
            o.Append("tcp#").Append((long)h).Append(" connecting to ").AppendIp(ip).Append(':').Append((long)port);
            c.Emit();
        }

        private void Send(string[] args, SerialConsole c)
        {
            if (args.Length < 1)
            {
                c.WriteLine("error: usage: send <n> <text...>");
                return;
            }
            int h = Handle(args[0], c);
            if (h < 0)
            {
                return;
            }
            int length = 2;
            for (int i = 1; i < args.Length; i++)
            {
                length += args[i].Length + (i > 1 ? 1 : 0);
            }
            // The words again, one space apart (the console splits the line on spaces), then CRLF.
            byte[] data = new byte[length];
            int at = 0;
            for (int i = 1; i < args.Length; i++)
            {
                if (i > 1)
                {
                    data[at++] = (byte)' ';
                }
                string w = args[i];
                for (int k = 0; k < w.Length; k++)
                {
                    char ch = w[k];
                    data[at++] = ch < 128 ? (byte)ch : (byte)'?';
                }
            }
            data[at++] = 13;
            data[at] = 10;
            int taken = _tcp.Send(h, data, 0, data.Length);
            TextLine o = c.Out;
            o.Clear();
            if (taken < 0)
            {
                o.Append("error: tcp#").Append((long)h).Append(" cannot send any more (")
                 .Append(TcpStates.Name(_tcp.GetState(h))).Append(")");
            }
            else if (taken < data.Length)
            {
                o.Append("tcp#").Append((long)h).Append(": ").Append((long)taken).Append(" of ").Append((long)data.Length)
                 .Append(" bytes taken (send buffer full)");
            }
            else
            {
                o.Append("tcp#").Append((long)h).Append(": ").Append((long)taken).Append(" bytes queued");
            }
            c.Emit();
        }

        private void CloseOrAbort(string[] args, SerialConsole c, bool abort)
        {
            if (args.Length != 1)
            {
                c.WriteLine(abort ? "error: usage: abort <n>" : "error: usage: close <n>");
                return;
            }
            int h = Handle(args[0], c);
            if (h < 0)
            {
                return;
            }
            TextLine o = c.Out;
            o.Clear();
            if (abort)
            {
                _tcp.Abort(h);
                Release(h);
                o.Append("tcp#").Append((long)h).Append(" aborted (RST sent)");
            }
            else
            {
                _closing[h] = true;
                _tcp.Shutdown(h);
                o.Append("tcp#").Append((long)h).Append(" closing (FIN after queued data)");
            }
            c.Emit();
        }

        /// <summary>Parses a handle the console owns; writes the error and returns -1 otherwise.</summary>
        private int Handle(string s, SerialConsole c)
        {
            int h;
            if (!IpCommands.TryParseInt(s, out h))
            {
                c.Out.Clear();
                c.Out.Append("error: bad connection number '").Append(s).Append("' (the N of tcp#N)");
                c.Emit();
                return -1;
            }
            if (!Owns(h))
            {
                c.Out.Clear();
                c.Out.Append("error: tcp#").Append((long)h).Append(" is not a connection opened with connect");
                c.Emit();
                return -1;
            }
            return h;
        }

        private void Release(int h)
        {
            _phase[h] = Free;
            _closing[h] = false;
            _eofShown[h] = false;
        }

        /// <summary>Reports the console's connections: handshake outcome, received data, the peer's FIN, close.</summary>
        public void Poll(long nowMs)
        {
            if (_console == null)
            {
                return;
            }
            for (int h = 0; h < _phase.Length; h++)
            {
                if (_phase[h] != Free)
                {
                    PollOne(h);
                }
            }
        }

        private void PollOne(int h)
        {
            int ev = _tcp.GetEvents(h);
            if (_phase[h] == Connecting && (ev & TcpEvents.Connected) != 0)
            {
                _phase[h] = Open;
                Say(h, " connected");
            }
            if ((ev & TcpEvents.Readable) != 0 && !_eofShown[h])
            {
                while (true)
                {
                    int n = _tcp.Receive(h, _rx, 0, _rx.Length);
                    if (n == 0)
                    {
                        break;
                    }
                    if (n < 0)
                    {
                        FlushLine(h);
                        if (_phase[h] == Open)
                        {
                            _eofShown[h] = true;
                            Say(h, _closing[h] ? " peer closed too (FIN received)" : " peer closed (FIN received): close to finish");
                        }
                        break;
                    }
                    for (int i = 0; i < n; i++)
                    {
                        Take(h, _rx[i]);
                    }
                }
                FlushLine(h);
            }
            TcpState s = _tcp.GetState(h);
            if ((ev & TcpEvents.Closed) != 0)
            {
                ReportClosed(h);
                _tcp.Close(h);
                Release(h);
            }
            else if (s == TcpState.TimeWait)
            {
                // Our FIN was acknowledged and the peer's arrived: the stack finishes TIME-WAIT on its own.
                TextLine o = _console.Out;
                o.Clear();
                o.Append("tcp#").Append((long)h).Append(" closed (TIME-WAIT for ").Append(2L * _tcp.MslMs).Append(" ms)");
                _console.Emit();
                _tcp.Close(h);
                Release(h);
            }
        }

        private void ReportClosed(int h)
        {
            TcpCloseReason r = _tcp.GetCloseReason(h);
            bool connected = _phase[h] == Open;
            if (r == TcpCloseReason.Refused)
            {
                Say(h, " refused (RST: nothing listens on that port)");
            }
            else if (r == TcpCloseReason.TimedOut || r == TcpCloseReason.KeepaliveTimeout)
            {
                Say(h, " timed out");
            }
            else if (r == TcpCloseReason.ResetByPeer)
            {
                Say(h, connected ? " reset by the peer" : " reset");
            }
            else
            {
                TextLine o = _console.Out;
                o.Clear();
                o.Append("tcp#").Append((long)h).Append(" closed (").Append(TcpCloseReasons.Name(r)).Append(')');
                _console.Emit();
            }
        }

        private void Take(int h, byte b)
        {
            if (b == 10)
            {
                FlushLineAlways(h);
                return;
            }
            if (b == 13)
            {
                return;
            }
            _lineBytes[_lineLength++] = b >= 32 && b < 127 ? b : (byte)'.';
            if (_lineLength == _lineBytes.Length)
            {
                FlushLine(h);
            }
        }

        private void FlushLine(int h)
        {
            if (_lineLength > 0)
            {
                FlushLineAlways(h);
            }
        }

        private void FlushLineAlways(int h)
        {
            TextLine o = _console.Out;
            o.Clear();
            o.Append("tcp#").Append((long)h).Append(" < ");
            for (int i = 0; i < _lineLength; i++)
            {
                o.Append((char)_lineBytes[i]);
            }
            _lineLength = 0;
            _console.Emit();
        }

        private void Say(int h, string what)
        {
            TextLine o = _console.Out;
            o.Clear();
            o.Append("tcp#").Append((long)h).Append(what);
            _console.Emit();
        }
    }
}
