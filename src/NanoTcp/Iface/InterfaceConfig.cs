namespace NanoTcp.Iface
{
    /// <summary>
    /// Sizes and settings of the interface layer. Every buffer the layer uses is allocated
    /// once, from these numbers, when the <see cref="NetInterface"/> is built.
    /// </summary>
    public sealed class InterfaceConfig
    {
        /// <summary>Our MAC address. The default is locally administered (02:...).</summary>
        public byte[] MacAddress = { 0x02, 0x4E, 0x54, 0x00, 0x00, 0x01 };

        /// <summary>Static address, mask and gateway; used at start-up unless <see cref="UseDhcp"/>.</summary>
        public uint Address;
        public uint Netmask = 0xFFFFFF00;
        public uint Gateway;

        /// <summary>Obtain the address with the DHCP client (RFC 2131).</summary>
        public bool UseDhcp;

        /// <summary>
        /// DHCP fallback: after this many unanswered DISCOVERs the static Address/Netmask/Gateway
        /// above are applied (when Address is non-zero) while the client keeps trying at its
        /// longest back-off; a later lease replaces them. 0 = never fall back.
        /// </summary>
        public int DhcpFallbackAfterAttempts = 4;

        /// <summary>
        /// IPv4 link-local fallback (RFC 3927, <see cref="Ipv4LinkLocal"/>): after this many unanswered
        /// DISCOVERs a 169.254/16 address is probed for and taken while discovery goes on (a later
        /// lease replaces it), as PCs do on a direct cable; the static fallback above is then not used.
        /// 0 = off (the static fallback applies).
        /// </summary>
        public int LinkLocalAfterAttempts;

        /// <summary>First DHCP retransmission timeout; doubles per attempt up to the maximum (RFC 2131 §4.1).</summary>
        public int DhcpInitialTimeoutMs = 4000;
        public int DhcpMaxTimeoutMs = 64000;

        /// <summary>Host name sent in DHCP option 12 (ASCII).</summary>
        public string HostName = "nanotcp";

        /// <summary>IP MTU of the link; 1500 for Ethernet.</summary>
        public int Mtu = 1500;

        /// <summary>ARP cache entries.</summary>
        public int ArpEntries = 8;

        /// <summary>Outgoing packets kept while their next hop is being resolved (one per unresolved entry at most).</summary>
        public int ArpPendingFrames = 2;

        /// <summary>
        /// Entries that may wait for a reply at once (RFC 1122 §2.3.2.2). A packet to a new address
        /// beyond them is dropped (`tx arp-cache-full`) instead of taking an entry someone uses: a flood
        /// of spoofed sources costs other pending entries, never the neighbours in use.
        /// </summary>
        public int ArpPendingEntries = 2;

        /// <summary>An entry used for sending within this long is in use: never evicted, and a different
        /// MAC claimed for it is held until the old MAC has been asked (ArpCache).</summary>
        public int ArpInUseMs = 60000;

        /// <summary>
        /// ARP requests for resolution and refresh sent per second at most, over all addresses (each
        /// address is asked at most once per ArpRetryMs anyway). A request held back is counted
        /// (`Counters.ArpRequestsHeld`) and traced; a new address finding the limit reached is not
        /// resolved (`tx arp-rate-limited`). RFC 3927 probes and announcements are not limited.
        /// </summary>
        public int ArpRequestsPerSecond = 5;

        /// <summary>ARP request retransmission interval and attempts before the pending packet is dropped.</summary>
        public int ArpRetryMs = 1000;
        public int ArpRetries = 3;

        /// <summary>A resolved entry older than this is refreshed (unicast requests, ArpRetries of them ArpRetryMs apart) while it is used.</summary>
        public int ArpRefreshMs = 60000;

        /// <summary>A resolved entry not confirmed for this long is forgotten.</summary>
        public int ArpExpireMs = 120000;

        /// <summary>
        /// UDP ports that can be bound at once, and the receive queue of each (bytes, 8 bytes
        /// overhead per datagram). The default queue holds one largest datagram (1472 + 8).
        /// </summary>
        public int UdpBindings = 2;
        public int UdpQueueBytes = 1536;

        /// <summary>
        /// IPv4 reassembly: the largest datagram payload one slot rebuilds from fragments (RFC 1122 3.3.2
        /// asks for at least 576-byte datagrams; 2048 takes a `ping -s 2000`), 0 = no reassembly
        /// (fragments dropped). The same buffer sends the fragmented echo reply.
        /// </summary>
        public int ReassemblyBytes = 2048;
        /// <summary>An incomplete datagram is given up after this long (RFC 1122 3.3.2: a fixed timeout).</summary>
        public int ReassemblyTimeoutMs = 30000;

        /// <summary>Most frames taken from the device in one Poll (bounds the time one Poll takes).</summary>
        public int RxFramesPerPoll = 8;

        /// <summary>ICMP errors (port unreachable) sent per second at most (RFC 1812 §4.3.2.8 rate limiting).</summary>
        public int IcmpErrorsPerSecond = 10;

        /// <summary>TTL of packets we send.</summary>
        public int Ttl = 64;

        /// <summary>Seed for values that must differ between boards (DHCP transaction id, IPv4 identification).</summary>
        public uint Seed = 1;
    }
}
