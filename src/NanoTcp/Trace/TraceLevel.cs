namespace NanoTcp.Trace
{
    /// <summary>How much the stack reports. Each level includes the ones before it.</summary>
    public enum TraceLevel
    {
        /// <summary>Nothing.</summary>
        Off = 0,
        /// <summary>TCP state changes, timers that change state, link, DHCP, driver recovery.</summary>
        States = 1,
        /// <summary>Plus every TCP segment, ARP/ICMP/UDP packet and every drop with its reason.</summary>
        Segments = 2,
        /// <summary>Plus a hex dump of every frame in and out (host tools turn it back into pcap).</summary>
        Frames = 3,
    }
}
