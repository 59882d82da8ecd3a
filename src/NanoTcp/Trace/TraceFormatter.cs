using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Iface;
using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.Trace
{
    /// <summary>
    /// Turns trace events into the serial-console lines documented in the README
    /// ("Trace lines"): one event per line, "[  time ms] subject text". Host tools parse
    /// these lines back (monitor, ladder diagrams, pcap from frame dumps), so the format is
    /// stable: change it only together with the parser and the README.
    /// Formatting writes into a <see cref="TextLine"/>: no allocation. In nanoCLR every string
    /// literal (ldstr) is a new heap object each time it runs, so the text of the per-frame
    /// lines comes from static fields (<see cref="T"/>), made once.
    /// </summary>
    public static class TraceFormatter
    {
        /// <summary>The words of per-frame trace lines, allocated once.</summary>
        private static class T
        {
            public static readonly string In = "< ";
            public static readonly string Out = "> ";
            public static readonly string SegmentIn = "<  ";
            public static readonly string SegmentOut = ">  ";
            public static readonly string To = " > ";
            public static readonly string Frame = "frame ";
            public static readonly string Drop = "drop ";
            public static readonly string From = " from ";
            public static readonly string Icmp = "icmp ";
            public static readonly string Udp = "udp ";
            public static readonly string Arp = "arp ";
            public static readonly string Tcp = "tcp ";
            public static readonly string TcpNumber = "tcp#";
            public static readonly string Seq = " seq=";
            public static readonly string Ack = " ack=";
            public static readonly string Win = " win=";
            public static readonly string Len = " len=";
            public static readonly string Mss = " mss=";
            public static readonly string WhoHas = "who-has ";
            public static readonly string Tell = " tell ";
            public static readonly string Reply = "reply ";
            public static readonly string ReplyTo = " to ";
            public static readonly string Unresolved = "unresolved ";
            public static readonly string Held = "held who-has ";
            public static readonly string RateLimit = " (rate limit)";
            public static readonly string ClaimedBy = " claimed by ";
            public static readonly string InUseAt = ", in use at ";
            public static readonly string AskingOld = ": held, asking the old MAC";
            public static readonly string ClaimOf = " claim of ";
            public static readonly string RefusedOld = " refused: the old MAC ";
            public static readonly string Answered = " answered";
            public static readonly string MovedTo = " moved to ";
            public static readonly string OldSilent = " (the old MAC did not answer)";
            public static readonly string EchoReply = "echo-reply";
            public static readonly string EchoRequest = "echo-request";
            public static readonly string Unreachable = "unreachable";
            public static readonly string NoFlags = "none";
            public static readonly string Timer = "timer ";
            public static readonly string Ms = " ms";
            public static readonly string Arrow = " -> ";
        }

        /// <summary>Formats <paramref name="e"/> into <paramref name="line"/> (cleared first), without a line end.</summary>
        public static void Format(TraceEvent e, TextLine line)
        {
            line.Clear();
            line.Append('[').AppendPadded(e.TimeMs, 7, ' ').Append(']').Append(' ');
            switch (e.Kind)
            {
                case TraceKind.FrameIn:
                case TraceKind.FrameOut:
                    line.Append(T.Frame).Append(e.Outbound ? T.Out : T.In).Append((long)e.DataLength).Append(' ');
                    line.AppendHex(e.Data, e.DataOffset, e.DataLength);
                    break;
                case TraceKind.Drop:
                    line.Append(T.Drop).Append(DropReasons.Name((DropReason)e.Code));
                    if (e.SrcIp != 0)
                    {
                        line.Append(e.Outbound ? T.ReplyTo : T.From).AppendIp(e.SrcIp);
                    }
                    break;
                case TraceKind.Arp:
                    FormatArp(e, line);
                    break;
                case TraceKind.Icmp:
                    line.Append(T.Icmp).Append(e.Outbound ? T.Out : T.In).AppendIp(e.SrcIp).Append(T.To).AppendIp(e.DstIp).Append(' ');
                    line.Append(IcmpTypeName(e.Code));
                    if (e.Code == IcmpPacket.TypeEchoRequest || e.Code == IcmpPacket.TypeEchoReply)
                    {
                        line.Append(T.Seq).Append((long)e.Seq);
                    }
                    line.Append(T.Len).Append((long)e.Length);
                    break;
                case TraceKind.Udp:
                    line.Append(T.Udp).Append(e.Outbound ? T.Out : T.In);
                    line.AppendIp(e.SrcIp).Append(':').Append((long)e.SrcPort).Append(T.To);
                    line.AppendIp(e.DstIp).Append(':').Append((long)e.DstPort).Append(T.Len).Append((long)e.Length);
                    break;
                case TraceKind.Dhcp:
                    line.Append("dhcp ").Append(DhcpTrace.CodeName(e.Code));
                    if (e.SrcIp != 0)
                    {
                        line.Append(' ').AppendIp(e.SrcIp);
                    }
                    if (e.Code == DhcpTrace.Bound)
                    {
                        line.Append(" lease=").Append(e.Value).Append('s');
                    }
                    else if (e.Value != 0)
                    {
                        line.Append(" attempt=").Append(e.Value);
                    }
                    break;
                case TraceKind.Link:
                    line.Append(e.Code != 0 ? "link up" : "link down");
                    break;
                case TraceKind.Address:
                    if (e.SrcIp == 0)
                    {
                        line.Append("ip none");
                    }
                    else
                    {
                        line.Append("ip ").AppendIp(e.SrcIp).Append('/').Append(e.Value);
                        if (e.DstIp != 0)
                        {
                            line.Append(" gw ").AppendIp(e.DstIp);
                        }
                    }
                    break;
                case TraceKind.TcpState:
                    AppendConnection(e, line);
                    line.Append(TcpStates.Name((TcpState)e.From)).Append(T.Arrow).Append(TcpStates.Name((TcpState)e.To));
                    break;
                case TraceKind.TcpSegment:
                    AppendConnection(e, line);
                    FormatSegment(e, line);
                    break;
                case TraceKind.TcpTimer:
                    AppendConnection(e, line);
                    line.Append(T.Timer).Append(TcpTimerCode.Name(e.Code)).Append(' ').Append(e.Value);
                    if (TcpTimerCode.ValueIsMilliseconds(e.Code))
                    {
                        line.Append(T.Ms);
                    }
                    break;
                case TraceKind.Driver:
                    // Rare events (bring-up, recovery): a composed string is fine here.
                    line.Append(Enc28j60TraceNames.Format(e.Code, e.Value));
                    break;
                default:
                    line.Append("event ").Append((long)e.Kind);
                    break;
            }
        }

        private static void AppendConnection(TraceEvent e, TextLine line)
        {
            if (e.Connection >= 0)
            {
                line.Append(T.TcpNumber).Append((long)e.Connection).Append(' ');
            }
            else
            {
                line.Append(T.Tcp);
            }
        }

        /// <summary>"&lt;  10.0.0.1:5000 &gt; 10.0.0.2:7 [S.] seq=1 ack=2 win=3 len=4 mss=1460"</summary>
        private static void FormatSegment(TraceEvent e, TextLine line)
        {
            line.Append(e.Outbound ? T.SegmentOut : T.SegmentIn);
            line.AppendIp(e.SrcIp).Append(':').Append((long)e.SrcPort).Append(T.To);
            line.AppendIp(e.DstIp).Append(':').Append((long)e.DstPort);
            line.Append(' ').Append('[');
            AppendFlags(e.Flags, line);
            line.Append(']').Append(T.Seq).Append((long)e.Seq);
            if ((e.Flags & TcpFlags.Ack) != 0)
            {
                line.Append(T.Ack).Append((long)e.Ack);
            }
            line.Append(T.Win).Append((long)e.Window);
            if (e.Length > 0)
            {
                line.Append(T.Len).Append((long)e.Length);
            }
            if (e.Mss > 0)
            {
                line.Append(T.Mss).Append((long)e.Mss);
            }
        }

        /// <summary>The flags as <see cref="TcpFlags.Format"/> spells them ("S.", "FP.", "none"), without building a string.</summary>
        private static void AppendFlags(int flags, TextLine line)
        {
            int start = line.Length;
            if ((flags & TcpFlags.Syn) != 0) line.Append('S');
            if ((flags & TcpFlags.Fin) != 0) line.Append('F');
            if ((flags & TcpFlags.Rst) != 0) line.Append('R');
            if ((flags & TcpFlags.Psh) != 0) line.Append('P');
            if ((flags & TcpFlags.Urg) != 0) line.Append('U');
            if ((flags & TcpFlags.Ece) != 0) line.Append('E');
            if ((flags & TcpFlags.Cwr) != 0) line.Append('W');
            if ((flags & TcpFlags.Ack) != 0) line.Append('.');
            if (line.Length == start) line.Append(T.NoFlags);
        }

        private static void FormatArp(TraceEvent e, TextLine line)
        {
            line.Append(T.Arp);
            switch (e.Code)
            {
                case ArpTrace.RequestIn:
                    line.Append(T.In).Append(T.WhoHas).AppendIp(e.DstIp).Append(T.Tell).AppendIp(e.SrcIp);
                    break;
                case ArpTrace.ReplyIn:
                    line.Append(T.In).Append(T.Reply).AppendIp(e.SrcIp);
                    break;
                case ArpTrace.RequestOut:
                    line.Append(T.Out).Append(T.WhoHas).AppendIp(e.DstIp).Append(T.Tell).AppendIp(e.SrcIp);
                    break;
                case ArpTrace.ReplyOut:
                    line.Append(T.Out).Append(T.Reply).AppendIp(e.SrcIp).Append(T.ReplyTo).AppendIp(e.DstIp);
                    break;
                case ArpTrace.RequestHeld:
                    line.Append(T.Held).AppendIp(e.DstIp).Append(T.RateLimit);
                    break;
                case ArpTrace.ClaimHeld:
                    // "arp 192.168.7.10 claimed by 02:..:66, in use at 02:..:10: held, asking the old MAC"
                    line.AppendIp(e.SrcIp).Append(T.ClaimedBy).AppendMac(e.Data, e.DataOffset + 6)
                        .Append(T.InUseAt).AppendMac(e.Data, e.DataOffset).Append(T.AskingOld);
                    break;
                case ArpTrace.ClaimRefused:
                    line.AppendIp(e.SrcIp).Append(T.ClaimOf).AppendMac(e.Data, e.DataOffset + 6)
                        .Append(T.RefusedOld).AppendMac(e.Data, e.DataOffset).Append(T.Answered);
                    break;
                case ArpTrace.ClaimAdopted:
                case ArpTrace.Changed:
                    line.AppendIp(e.SrcIp).Append(T.MovedTo).AppendMac(e.Data, e.DataOffset);
                    if (e.Code == ArpTrace.ClaimAdopted)
                    {
                        line.Append(T.OldSilent);
                    }
                    break;
                default:
                    line.Append(T.Unresolved).AppendIp(e.DstIp);
                    break;
            }
        }

        private static string IcmpTypeName(int type)
        {
            switch (type)
            {
                case IcmpPacket.TypeEchoReply: return T.EchoReply;
                case IcmpPacket.TypeEchoRequest: return T.EchoRequest;
                case IcmpPacket.TypeDestinationUnreachable: return T.Unreachable;
                default: return "type-" + type.ToString();
            }
        }
    }
}
