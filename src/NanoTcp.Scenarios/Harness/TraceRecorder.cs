using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Scenarios
{
    /// <summary>
    /// Keeps the last trace events of a run as short text lines ("tcp#0 LISTEN -> SYN-RECEIVED",
    /// "tcp#0 timer retransmit 2000") so scenarios can assert on transitions and timers and print
    /// the tail of the trace when they fail. Allocates (test harness only).
    /// </summary>
    public sealed class TraceRecorder : ITraceSink
    {
        private readonly string[] _lines;
        private int _count;
        private int _next;

        public TraceRecorder(int capacity)
        {
            _lines = new string[capacity];
        }

        public int Count { get { return _count; } }

        public void OnTrace(TraceEvent e)
        {
            string line = Format(e);
            if (line == null)
            {
                return;
            }
            _lines[_next] = line;
            _next = (_next + 1) % _lines.Length;
            if (_count < _lines.Length) _count++;
        }

        public static string Format(TraceEvent e)
        {
            string conn = "tcp#" + e.Connection.ToString() + " ";
            switch (e.Kind)
            {
                case TraceKind.TcpState:
                    return "[" + e.TimeMs.ToString() + "] " + conn + TcpStates.Name((TcpState)e.From) + " -> " + TcpStates.Name((TcpState)e.To);
                case TraceKind.TcpTimer:
                    return "[" + e.TimeMs.ToString() + "] " + conn + "timer " + TcpTimerCode.Name(e.Code) + " " + e.Value.ToString();
                case TraceKind.TcpSegment:
                    string s = "[" + e.TimeMs.ToString() + "] " + conn + (e.Outbound ? "> " : "< ")
                        + Ipv4Address.Format(e.SrcIp) + ":" + e.SrcPort.ToString() + " > "
                        + Ipv4Address.Format(e.DstIp) + ":" + e.DstPort.ToString()
                        + " [" + TcpFlags.Format(e.Flags) + "] seq=" + e.Seq.ToString() + " ack=" + e.Ack.ToString()
                        + " win=" + e.Window.ToString() + " len=" + e.Length.ToString();
                    if (e.Mss != 0) s = s + " mss=" + e.Mss.ToString();
                    return s;
                case TraceKind.Drop:
                    return "[" + e.TimeMs.ToString() + "] drop " + DropReasons.Name((DropReason)e.Code);
                default:
                    return null;
            }
        }

        /// <summary>True when a recorded line contains the text.</summary>
        public bool Contains(string text)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_lines[i] != null && _lines[i].IndexOf(text) >= 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>How many recorded lines contain the text.</summary>
        public int CountOf(string text)
        {
            int n = 0;
            for (int i = 0; i < _count; i++)
            {
                if (_lines[i] != null && _lines[i].IndexOf(text) >= 0) n++;
            }
            return n;
        }

        /// <summary>The last n lines, oldest first, one per line.</summary>
        public string Tail(int n)
        {
            if (n > _count) n = _count;
            string s = "";
            for (int i = 0; i < n; i++)
            {
                int idx = (_next - n + i + _lines.Length) % _lines.Length;
                s = s + "\n  " + _lines[idx];
            }
            return s;
        }

        public void Clear()
        {
            _count = 0;
            _next = 0;
            for (int i = 0; i < _lines.Length; i++) _lines[i] = null;
        }
    }
}
