namespace NanoTcp.Trace
{
    /// <summary>
    /// Why a frame, packet or segment was discarded. Every drop is counted under one of
    /// these (Counters.Drops[reason]) and traced. Names for the console are in
    /// <see cref="DropReasons"/>; keep both lists in the same order, <see cref="Count"/> last.
    /// </summary>
    public enum DropReason
    {
        None = 0,

        // Ethernet
        FrameTooShort,
        FrameTooLong,
        FrameNotForUs,
        EtherTypeUnknown,

        // ARP
        ArpTruncated,
        ArpUnsupported,
        ArpNotForUs,
        ArpBadSender,

        // IPv4
        Ipv4Truncated,
        Ipv4BadVersion,
        Ipv4BadHeaderLength,
        Ipv4BadTotalLength,
        Ipv4BadChecksum,
        Ipv4Fragment,
        Ipv4FragmentOverlap,
        Ipv4FragmentTooBig,
        Ipv4FragmentMisaligned,
        Ipv4ReassemblyBusy,
        Ipv4ReassemblyTimeout,
        Ipv4NotForUs,
        Ipv4BadSource,
        Ipv4ProtocolUnknown,

        // ICMP
        IcmpTruncated,
        IcmpBadChecksum,
        IcmpTypeIgnored,

        // UDP
        UdpTruncated,
        UdpBadLength,
        UdpBadChecksum,
        UdpPortClosed,
        UdpQueueFull,

        // TCP (header level; the TCP layer adds its own below)
        TcpTruncated,
        TcpBadDataOffset,
        TcpBadChecksum,
        TcpBadOption,
        TcpNotUnicast,
        TcpPortClosed,
        TcpNoStack,

        // DHCP
        DhcpMalformed,
        DhcpNotOurs,

        // Transmit path
        ArpQueueReplaced,
        ArpUnresolved,
        ArpCacheFull,
        ArpRateLimited,
        TxTooLong,
        TxDeviceRefused,
        NoRoute,

        // Driver
        DriverRxError,
        DriverRxTooLong,
        DriverRxOverflow,

        // TCP layer (src/NanoTcp/Tcp): segments the state machine discarded
        TcpNotAcceptable,
        TcpChallengeAck,
        TcpRstIgnored,
        TcpBadAck,
        TcpNoAck,
        TcpUnexpected,
        TcpBacklogFull,
        TcpTableFull,
        TcpOutOfOrderDropped,

        /// <summary>Number of reasons: the size of counter arrays. Keep last.</summary>
        Count,
    }

    /// <summary>Console names of <see cref="DropReason"/>: "layer reason", stable for host tools.</summary>
    public static class DropReasons
    {
        private static readonly string[] Names =
        {
            "none",
            "eth too-short",
            "eth too-long",
            "eth not-for-us",
            "eth unknown-ethertype",
            "arp truncated",
            "arp unsupported",
            "arp not-for-us",
            "arp bad-sender",
            "ipv4 truncated",
            "ipv4 bad-version",
            "ipv4 bad-ihl",
            "ipv4 bad-total-length",
            "ipv4 bad-checksum",
            "ipv4 fragment",
            "ipv4 fragment-overlap",
            "ipv4 fragment-too-big",
            "ipv4 fragment-misaligned",
            "ipv4 reassembly-busy",
            "ipv4 reassembly-timeout",
            "ipv4 not-for-us",
            "ipv4 bad-source",
            "ipv4 unknown-protocol",
            "icmp truncated",
            "icmp bad-checksum",
            "icmp type-ignored",
            "udp truncated",
            "udp bad-length",
            "udp bad-checksum",
            "udp port-closed",
            "udp queue-full",
            "tcp truncated",
            "tcp bad-data-offset",
            "tcp bad-checksum",
            "tcp bad-option",
            "tcp not-unicast",
            "tcp port-closed",
            "tcp no-stack",
            "dhcp malformed",
            "dhcp not-ours",
            "tx arp-queue-replaced",
            "tx arp-unresolved",
            "tx arp-cache-full",
            "tx arp-rate-limited",
            "tx too-long",
            "tx device-refused",
            "tx no-route",
            "driver rx-error",
            "driver rx-too-long",
            "driver rx-overflow",
            "tcp not-acceptable",
            "tcp challenge-ack",
            "tcp rst-ignored",
            "tcp bad-ack",
            "tcp no-ack",
            "tcp unexpected",
            "tcp backlog-full",
            "tcp table-full",
            "tcp ooo-dropped",
        };

        public static string Name(DropReason reason)
        {
            int i = (int)reason;
            if (i < 0 || i >= Names.Length)
            {
                return "unknown";
            }
            return Names[i];
        }

        /// <summary>Number of names: tests check it equals DropReason.Count.</summary>
        public static int NameCount
        {
            get { return Names.Length; }
        }
    }
}
