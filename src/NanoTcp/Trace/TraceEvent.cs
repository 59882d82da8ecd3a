namespace NanoTcp.Trace
{
    /// <summary>
    /// One structured trace event. A single instance is owned by the <see cref="Tracer"/>
    /// and reused, so tracing allocates nothing until a sink formats it. Which fields are
    /// meaningful depends on <see cref="Kind"/> (see <see cref="TraceKind"/>).
    /// IPv4 addresses are held as a 32-bit number, first octet in the high byte.
    /// </summary>
    public sealed class TraceEvent
    {
        public long TimeMs;
        public TraceKind Kind;
        /// <summary>Connection number (tcp#N), or -1.</summary>
        public int Connection;
        public int Code;
        public int From;
        public int To;
        public bool Outbound;
        public uint SrcIp;
        public uint DstIp;
        public int SrcPort;
        public int DstPort;
        public uint Seq;
        public uint Ack;
        public int Flags;
        public int Window;
        public int Length;
        /// <summary>MSS option carried by a TCP segment, 0 when absent.</summary>
        public int Mss;
        public long Value;
        /// <summary>Frame bytes for FrameIn/FrameOut (valid only during OnTrace).</summary>
        public byte[] Data;
        public int DataOffset;
        public int DataLength;

        internal void Reset(TraceKind kind, long nowMs)
        {
            TimeMs = nowMs;
            Kind = kind;
            Connection = -1;
            Code = 0;
            From = 0;
            To = 0;
            Outbound = false;
            SrcIp = 0;
            DstIp = 0;
            SrcPort = 0;
            DstPort = 0;
            Seq = 0;
            Ack = 0;
            Flags = 0;
            Window = 0;
            Length = 0;
            Mss = 0;
            Value = 0;
            Data = null;
            DataOffset = 0;
            DataLength = 0;
        }
    }
}
