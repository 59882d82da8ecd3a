using NanoTcp.Trace;

namespace NanoTcp.Iface
{
    /// <summary>
    /// Everything the interface counts. Every received frame ends exactly once either in
    /// <see cref="RxHandled"/> or in <see cref="RxDropped"/> (with its reason in
    /// <see cref="Drops"/>), so RxFrames == RxHandled + RxDropped always holds.
    /// </summary>
    public sealed class Counters
    {
        public long RxFrames;
        public long RxBytes;
        public long RxHandled;
        public long RxDropped;
        public long TxFrames;
        public long TxBytes;
        public long TxDropped;

        public long ArpRequestsIn;
        public long ArpRepliesIn;
        public long ArpRequestsOut;
        public long ArpRepliesOut;
        /// <summary>Requests the global rate limit held back (InterfaceConfig.ArpRequestsPerSecond).</summary>
        public long ArpRequestsHeld;
        /// <summary>Different MACs claimed for an entry in use: refused (the old MAC answered) and adopted (it did not).</summary>
        public long ArpMacChangesRefused;
        public long ArpMacChangesAdopted;
        public long Ipv4In;
        public long Ipv4Out;
        /// <summary>Datagrams rebuilt from fragments, and fragments sent.</summary>
        public long Ipv4Reassembled;
        public long Ipv4FragmentsOut;
        /// <summary>Incomplete datagrams given up (their fragments were counted as handled on arrival).</summary>
        public long ReassemblyTimeouts;
        public long IcmpEchoRequestsIn;
        public long IcmpEchoRepliesIn;
        public long IcmpEchoRequestsOut;
        public long IcmpEchoRepliesOut;
        public long IcmpUnreachableIn;
        public long IcmpUnreachableOut;
        public long UdpIn;
        public long UdpOut;
        public long TcpIn;
        public long DhcpIn;
        public long DhcpOut;

        /// <summary>Drops by <see cref="DropReason"/>, received and transmitted.</summary>
        public readonly long[] Drops = new long[(int)DropReason.Count];

        public long TotalDrops
        {
            get
            {
                long n = 0;
                for (int i = 0; i < Drops.Length; i++)
                {
                    n += Drops[i];
                }
                return n;
            }
        }

        public void Clear()
        {
            RxFrames = RxBytes = RxHandled = RxDropped = TxFrames = TxBytes = TxDropped = 0;
            ArpRequestsIn = ArpRepliesIn = ArpRequestsOut = ArpRepliesOut = 0;
            ArpRequestsHeld = ArpMacChangesRefused = ArpMacChangesAdopted = 0;
            Ipv4In = Ipv4Out = Ipv4Reassembled = Ipv4FragmentsOut = ReassemblyTimeouts = 0;
            IcmpEchoRequestsIn = IcmpEchoRepliesIn = IcmpEchoRequestsOut = IcmpEchoRepliesOut = 0;
            IcmpUnreachableIn = IcmpUnreachableOut = 0;
            UdpIn = UdpOut = TcpIn = DhcpIn = DhcpOut = 0;
            for (int i = 0; i < Drops.Length; i++)
            {
                Drops[i] = 0;
            }
        }
    }
}
