using NanoTcp.Iface;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Shell
{
    /// <summary>
    /// Console commands of the interface layer: ifconfig, arp, stats, trace, ping.
    /// ping runs in the background (one echo request per second) and prints each reply or
    /// timeout as it happens; <see cref="Poll"/> drives it.
    /// </summary>
    public sealed class IpCommands : ICommandSet, IPingListener
    {
        private const int PingIdentifier = 0x4E54;
        private const int PingTimeoutMs = 1000;

        private const int MaxStatsSources = 6;

        private readonly NetInterface _iface;
        private readonly IStatsSource[] _statsSources = new IStatsSource[MaxStatsSources];
        private int _statsSourceCount;
        private SerialConsole _console;
        private uint _pingTarget;
        private int _pingCount;
        private int _pingSent;
        private int _pingReceived;
        private long _pingSentAt;
        private bool _pingAnswered;

        public IpCommands(NetInterface iface)
        {
            _iface = iface;
        }

        public bool PingRunning { get { return _pingTarget != 0; } }

        /// <summary>Adds lines to `stats` after the interface's own (other layers, the board's driver, totals).</summary>
        public void AddStatsSource(IStatsSource source)
        {
            if (_statsSourceCount < MaxStatsSources)
            {
                _statsSources[_statsSourceCount++] = source;
            }
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  ifconfig                  address, mask, gateway, MAC, DHCP state, link");
            c.WriteLine("  arp                       the ARP cache");
            c.WriteLine("  stats                     counters by layer and drop reason, memory footprint");
            c.WriteLine("  trace off|states|segments|frames   how much the stack reports");
            c.WriteLine("  ping <ip> [count]         ICMP echo, one per second (default 4)");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            _console = c;
            switch (name)
            {
                case "ifconfig": Ifconfig(c, nowMs); return true;
                case "arp": Arp(c, nowMs); return true;
                case "stats": Stats(c); return true;
                case "trace": TraceLevelCommand(args, c); return true;
                case "ping": Ping(args, c, nowMs); return true;
                default: return false;
            }
        }

        private void Ifconfig(SerialConsole c, long nowMs)
        {
            TextLine o = c.Out;
            o.Clear();
            o.Append("eth0  link ").Append(_iface.LinkUp ? "up" : "down").Append("  mac ").AppendMac(_iface.MacAddress, 0)
             .Append("  mtu ").Append((long)_iface.Config.Mtu);
            c.Emit();
            o.Clear();
            if (_iface.Address == 0)
            {
                o.Append("      inet (none)");
            }
            else
            {
                o.Append("      inet ").AppendIp(_iface.Address).Append('/').Append((long)Ipv4Address.PrefixLength(_iface.Netmask))
                 .Append("  mask ").AppendIp(_iface.Netmask).Append("  gateway ");
                if (_iface.Gateway == 0) o.Append("(none)"); else o.AppendIp(_iface.Gateway);
            }
            c.Emit();
            o.Clear();
            DhcpClient d = _iface.Dhcp;
            if (d == null)
            {
                o.Append("      dhcp off (static address)");
            }
            else
            {
                o.Append("      dhcp ").Append(DhcpTrace.StateName(d.State));
                if (d.State == DhcpState.Bound || d.State == DhcpState.Renewing || d.State == DhcpState.Rebinding)
                {
                    o.Append("  server ").AppendIp(d.Server).Append("  lease ").Append((long)d.LeaseSeconds)
                     .Append(" s, renew in ").Append((d.RenewAtMs - nowMs) / 1000).Append(" s");
                }
                if (d.FallbackApplied)
                {
                    o.Append("  (fallback address in use)");
                }
                Ipv4LinkLocal ll = _iface.LinkLocal;
                if (ll != null && ll.State != LinkLocalState.Off)
                {
                    o.Append(ll.State == LinkLocalState.Probing ? "  link-local: probing " : "  link-local: ").AppendIp(ll.Address);
                    if (ll.Conflicts > 0)
                    {
                        o.Append(" (").Append((long)ll.Conflicts).Append(" conflicts)");
                    }
                }
            }
            c.Emit();
        }

        private void Arp(SerialConsole c, long nowMs)
        {
            ArpCache arp = _iface.Arp;
            c.WriteLine("address          mac                state     age");
            int shown = 0;
            for (int i = 0; i < arp.Capacity; i++)
            {
                int state = arp.StateOf(i);
                if (state == ArpCache.StateFree)
                {
                    continue;
                }
                TextLine o = c.Out;
                o.Clear();
                int start = o.Length;
                o.AppendIp(arp.AddressOf(i));
                Pad(o, start + 17);
                if (state == ArpCache.StateResolved)
                {
                    // in use: the gateway or sent to lately (never evicted, a new MAC for it is checked first)
                    o.AppendMac(arp.MacTable, arp.MacOffsetOf(i))
                     .Append(arp.HasClaim(i) ? "  checking  " : arp.IsProtected(i, nowMs) ? "  in-use    " : "  resolved  ");
                }
                else
                {
                    o.Append("(incomplete)       pending   ");
                }
                o.Append(arp.AgeMs(i, nowMs) / 1000).Append(" s");
                if (arp.HasClaim(i))
                {
                    o.Append("  (claimed by ").AppendMac(arp.ClaimTable, arp.ClaimOffsetOf(i)).Append(')');
                }
                c.Emit();
                shown++;
            }
            if (shown == 0)
            {
                c.WriteLine("(empty)");
            }
        }

        private void Stats(SerialConsole c)
        {
            Counters k = _iface.Counters;
            TextLine o = c.Out;
            o.Clear();
            // Every frame received is either handled or dropped: in = handled + dropped, to check by eye.
            o.Append("frames  in ").Append(k.RxFrames).Append(" = handled ").Append(k.RxHandled).Append(" + dropped ").Append(k.RxDropped)
             .Append(" (").Append(k.RxBytes).Append(" bytes)  out ").Append(k.TxFrames)
             .Append(" (").Append(k.TxBytes).Append(" bytes), not sent ").Append(k.TxDropped);
            c.Emit();
            o.Clear();
            o.Append("arp     requests in ").Append(k.ArpRequestsIn).Append(" out ").Append(k.ArpRequestsOut).Append(" held ").Append(k.ArpRequestsHeld)
             .Append("  replies in ").Append(k.ArpRepliesIn).Append(" out ").Append(k.ArpRepliesOut)
             .Append("  mac changes refused ").Append(k.ArpMacChangesRefused).Append(" adopted ").Append(k.ArpMacChangesAdopted);
            c.Emit();
            o.Clear();
            o.Append("ipv4    in ").Append(k.Ipv4In).Append(" out ").Append(k.Ipv4Out);
            c.Emit();
            o.Clear();
            o.Append("icmp    echo requests in ").Append(k.IcmpEchoRequestsIn).Append(" out ").Append(k.IcmpEchoRequestsOut)
             .Append("  replies in ").Append(k.IcmpEchoRepliesIn).Append(" out ").Append(k.IcmpEchoRepliesOut)
             .Append("  unreachable in ").Append(k.IcmpUnreachableIn).Append(" out ").Append(k.IcmpUnreachableOut);
            c.Emit();
            o.Clear();
            o.Append("udp     in ").Append(k.UdpIn).Append(" out ").Append(k.UdpOut).Append("  dhcp in ").Append(k.DhcpIn).Append(" out ").Append(k.DhcpOut);
            c.Emit();
            o.Clear();
            o.Append("tcp     segments in ").Append(k.TcpIn);
            c.Emit();
            bool any = false;
            for (int r = 1; r < k.Drops.Length; r++)
            {
                if (k.Drops[r] == 0)
                {
                    continue;
                }
                if (!any)
                {
                    c.WriteLine("drops by reason:");
                    any = true;
                }
                o.Clear();
                o.AppendPadded(k.Drops[r], 10, ' ').Append("  ").Append(DropReasons.Name((DropReason)r));
                c.Emit();
            }
            if (!any)
            {
                c.WriteLine("drops   none");
            }
            o.Clear();
            o.Append("memory  interface ").Append((long)_iface.FootprintBytes).Append(" bytes (static, allocated at start-up)");
            c.Emit();
            for (int i = 0; i < _statsSourceCount; i++)
            {
                _statsSources[i].WriteStats(c);
            }
        }

        private void TraceLevelCommand(string[] args, SerialConsole c)
        {
            Tracer t = _iface.Tracer;
            if (args.Length == 0)
            {
                c.Out.Clear();
                c.Out.Append("trace ").Append(LevelName(t.Level));
                c.Emit();
                return;
            }
            int level = ParseLevel(args[0]);
            if (level < 0)
            {
                c.WriteLine("error: trace takes off, states, segments or frames");
                return;
            }
            t.Level = (TraceLevel)level;
            c.Out.Clear();
            c.Out.Append("trace ").Append(LevelName(t.Level));
            c.Emit();
        }

        public static int ParseLevel(string s)
        {
            switch (s.ToLower())
            {
                case "off": return (int)TraceLevel.Off;
                case "states": return (int)TraceLevel.States;
                case "segments": return (int)TraceLevel.Segments;
                case "frames": return (int)TraceLevel.Frames;
                default: return -1;
            }
        }

        public static string LevelName(TraceLevel level)
        {
            switch (level)
            {
                case TraceLevel.Off: return "off";
                case TraceLevel.States: return "states";
                case TraceLevel.Segments: return "segments";
                default: return "frames";
            }
        }

        private void Ping(string[] args, SerialConsole c, long nowMs)
        {
            uint target;
            if (args.Length < 1 || !Ipv4Address.TryParse(args[0], out target) || target == 0)
            {
                c.WriteLine("error: usage: ping <ip> [count]   e.g. ping 192.168.1.10");
                return;
            }
            int count = 4;
            if (args.Length > 1 && (!TryParseInt(args[1], out count) || count < 1 || count > 1000))
            {
                c.WriteLine("error: count must be 1..1000");
                return;
            }
            if (_iface.Address == 0)
            {
                c.WriteLine("error: no address yet (see ifconfig)");
                return;
            }
            _iface.PingListener = this;
            _pingTarget = target;
            _pingCount = count;
            _pingSent = 0;
            _pingReceived = 0;
            c.Out.Clear();
            c.Out.Append("PING ").AppendIp(target).Append(": 56 data bytes");
            c.Emit();
            SendNext(nowMs);
        }

        /// <summary>Sends the next echo request when due and reports timeouts.</summary>
        public void Poll(long nowMs)
        {
            if (_pingTarget == 0 || nowMs - _pingSentAt < PingTimeoutMs)
            {
                return;
            }
            if (!_pingAnswered && _console != null)
            {
                _console.Out.Clear();
                _console.Out.Append("request timeout for seq=").Append((long)_pingSent);
                _console.Emit();
            }
            if (_pingSent >= _pingCount)
            {
                Finish();
                return;
            }
            SendNext(nowMs);
        }

        public void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs)
        {
            if (_pingTarget == 0 || source != _pingTarget || identifier != PingIdentifier || sequence != _pingSent || _pingAnswered)
            {
                return;
            }
            _pingAnswered = true;
            _pingReceived++;
            if (_console != null)
            {
                TextLine o = _console.Out;
                o.Clear();
                o.Append((long)(payloadLength + 8)).Append(" bytes from ").AppendIp(source).Append(": seq=").Append((long)sequence)
                 .Append(" time=").Append(nowMs - _pingSentAt).Append(" ms");
                _console.Emit();
            }
        }

        private void SendNext(long nowMs)
        {
            _pingSent++;
            _pingSentAt = nowMs;
            _pingAnswered = false;
            _iface.SendPing(_pingTarget, PingIdentifier, _pingSent, 56, nowMs);
        }

        private void Finish()
        {
            if (_console != null)
            {
                TextLine o = _console.Out;
                o.Clear();
                o.Append("--- ").AppendIp(_pingTarget).Append(": ").Append((long)_pingSent).Append(" sent, ")
                 .Append((long)_pingReceived).Append(" received");
                _console.Emit();
            }
            _pingTarget = 0;
        }

        private static void Pad(TextLine o, int column)
        {
            while (o.Length < column)
            {
                o.Append(' ');
            }
        }

        /// <summary>Decimal without exceptions (int.Parse throws on the device as on .NET).</summary>
        public static bool TryParseInt(string s, out int value)
        {
            value = 0;
            if (s == null || s.Length == 0 || s.Length > 9)
            {
                return false;
            }
            for (int i = 0; i < s.Length; i++)
            {
                char ch = s[i];
                if (ch < '0' || ch > '9')
                {
                    return false;
                }
                value = value * 10 + (ch - '0');
            }
            return true;
        }
    }
}
