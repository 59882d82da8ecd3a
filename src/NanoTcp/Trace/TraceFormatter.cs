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
    /// Formatting writes into a <see cref="TextLine"/>: no allocation.
    /// </summary>
    public static class TraceFormatter
    {
        /// <summary>Formats <paramref name="e"/> into <paramref name="line"/> (cleared first), without a line end.</summary>
        public static void Format(TraceEvent e, TextLine line)
        {
            line.Clear();
            line.Append('[').AppendPadded(e.TimeMs, 7, ' ').Append("] ");
            switch (e.Kind)
            {
                case TraceKind.FrameIn:
                case TraceKind.FrameOut:
                    line.Append("frame ").Append(e.Outbound ? "> " : "< ").Append((long)e.DataLength).Append(' ');
                    line.AppendHex(e.Data, e.DataOffset, e.DataLength);
                    break;
                case TraceKind.Drop:
                    line.Append("drop ").Append(DropReasons.Name((DropReason)e.Code));
                    if (e.SrcIp != 0)
                    {
                        line.Append(" from ").AppendIp(e.SrcIp);
                    }
                    break;
                case TraceKind.Arp:
                    FormatArp(e, line);
                    break;
                case TraceKind.Icmp:
                    line.Append("icmp ").Append(e.Outbound ? "> " : "< ").AppendIp(e.SrcIp).Append(" > ").AppendIp(e.DstIp).Append(' ');
                    line.Append(IcmpTypeName(e.Code));
                    if (e.Code == IcmpPacket.TypeEchoRequest || e.Code == IcmpPacket.TypeEchoReply)
                    {
                        line.Append(" seq=").Append((long)e.Seq);
                    }
                    line.Append(" len=").Append((long)e.Length);
                    break;
                case TraceKind.Udp:
                    line.Append("udp ").Append(e.Outbound ? "> " : "< ");
                    line.AppendIp(e.SrcIp).Append(':').Append((long)e.SrcPort).Append(" > ");
                    line.AppendIp(e.DstIp).Append(':').Append((long)e.DstPort).Append(" len=").Append((long)e.Length);
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
                    line.Append(TcpStates.Name((TcpState)e.From)).Append(" -> ").Append(TcpStates.Name((TcpState)e.To));
                    break;
                case TraceKind.TcpSegment:
                    AppendConnection(e, line);
                    FormatSegment(e, line);
                    break;
                case TraceKind.TcpTimer:
                    AppendConnection(e, line);
                    line.Append("timer ").Append(TcpTimerCode.Name(e.Code)).Append(' ').Append(e.Value);
                    if (TcpTimerCode.ValueIsMilliseconds(e.Code))
                    {
                        line.Append(" ms");
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
                line.Append("tcp#").Append((long)e.Connection).Append(' ');
            }
            else
            {
                line.Append("tcp ");
            }
        }

        /// <summary>"&lt;  10.0.0.1:5000 &gt; 10.0.0.2:7 [S.] seq=1 ack=2 win=3 len=4 mss=1460"</summary>
        private static void FormatSegment(TraceEvent e, TextLine line)
        {
            line.Append(e.Outbound ? ">  " : "<  ");
            line.AppendIp(e.SrcIp).Append(':').Append((long)e.SrcPort).Append(" > ");
            line.AppendIp(e.DstIp).Append(':').Append((long)e.DstPort);
            line.Append(" [").Append(TcpFlags.Format(e.Flags)).Append("] seq=").Append((long)e.Seq);
            if ((e.Flags & TcpFlags.Ack) != 0)
            {
                line.Append(" ack=").Append((long)e.Ack);
            }
            line.Append(" win=").Append((long)e.Window);
            if (e.Length > 0)
            {
                line.Append(" len=").Append((long)e.Length);
            }
            if (e.Mss > 0)
            {
                line.Append(" mss=").Append((long)e.Mss);
            }
        }

        private static void FormatArp(TraceEvent e, TextLine line)
        {
            line.Append("arp ");
            switch (e.Code)
            {
                case ArpTrace.RequestIn:
                    line.Append("< who-has ").AppendIp(e.DstIp).Append(" tell ").AppendIp(e.SrcIp);
                    break;
                case ArpTrace.ReplyIn:
                    line.Append("< reply ").AppendIp(e.SrcIp);
                    break;
                case ArpTrace.RequestOut:
                    line.Append("> who-has ").AppendIp(e.DstIp).Append(" tell ").AppendIp(e.SrcIp);
                    break;
                case ArpTrace.ReplyOut:
                    line.Append("> reply ").AppendIp(e.SrcIp).Append(" to ").AppendIp(e.DstIp);
                    break;
                default:
                    line.Append("unresolved ").AppendIp(e.DstIp);
                    break;
            }
        }

        private static string IcmpTypeName(int type)
        {
            switch (type)
            {
                case IcmpPacket.TypeEchoReply: return "echo-reply";
                case IcmpPacket.TypeEchoRequest: return "echo-request";
                case IcmpPacket.TypeDestinationUnreachable: return "unreachable";
                default: return "type-" + type.ToString();
            }
        }
    }
}
