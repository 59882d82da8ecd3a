using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Shell
{
    /// <summary>Console commands of the TCP layer: `netstat` (connection table, listeners, counters).</summary>
    public sealed class TcpCommands : ICommandSet
    {
        private readonly TcpStack _tcp;

        public TcpCommands(TcpStack tcp)
        {
            _tcp = tcp;
        }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  netstat                   TCP connections (state, addresses, RTO, queues), listeners, counters");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name != "netstat")
            {
                return false;
            }
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
            return true;
        }
    }
}
