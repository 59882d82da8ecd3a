using NanoTcp.Iface;
using NanoTcp.Leds;
using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Device
{
    /// <summary>Everything the device composition needs to know: the layers' configurations and what to run.</summary>
    public sealed class DeviceConfig
    {
        public InterfaceConfig Interface = new InterfaceConfig();
        /// <summary>TCP sizes; the device default has a listener for each built-in service plus one for the application.</summary>
        public TcpConfig Tcp = DefaultTcp();

        /// <summary>Trace level at boot (the console's trace command changes it).</summary>
        public TraceLevel TraceLevel = TraceLevel.States;

        /// <summary>The LED hardware (see README "What the LEDs mean").</summary>
        public LedLayout Leds = LedLayout.Single;

        /// <summary>Built-in services: echo (UDP and TCP 7), discard (9), chargen (19), HTTP status page (80).</summary>
        public bool Echo = true;
        public bool Discard = true;
        public bool Chargen = true;
        public bool HttpStatus = true;

        /// <summary>Connections each TCP service serves at once.</summary>
        public int ServiceConnections = 2;

        /// <summary>
        /// The TCP services end a connection that has moved no data for this long (RST, reason
        /// idle-timeout; 0 = never): 5 minutes leaves a person at an `nc` prompt time to think, and gets
        /// the board's few slots back from clients that went quiet or vanished.
        /// </summary>
        public int ServiceIdleTimeoutMs = 300000;

        /// <summary>
        /// The status page's request must be complete (the header's blank line) this long after accept:
        /// 10 s is ample for any client on a LAN and cuts a slowloris client that sends one header line
        /// every few seconds. 0 = no limit.
        /// </summary>
        public int HttpRequestTimeoutMs = 10000;

        /// <summary>
        /// A fault injector between the network device and the interface, driven by the console's
        /// `lab` command. Frames pass straight through while nothing is armed (no copy, no allocation).
        /// </summary>
        public bool LabFaults = true;

        /// <summary>
        /// Frames `lab delay` can hold back at once (each costs one full frame of RAM). The queues are
        /// allocated by the first `lab delay`, not at boot.
        /// </summary>
        public int LabDelayFrames = 4;

        /// <summary>Bytes of the HTTP status page: one page, which the service's connections take in turn.</summary>
        public int StatusPageBytes = 2048;

        /// <summary>
        /// The board's TCP: a listener per service plus one; keepalive on (RFC 1122 §4.2.3.6 keeps it off
        /// with a 2-hour interval by default, both configurable): after 2 minutes of silence, 5 probes 15 s
        /// apart, so a vanished peer gives its slot back in under 4 minutes, before the services' idle
        /// limit; and a new client may take the slot of a passive connection idle for a minute (the
        /// proven client of a SYN cookie, TcpConfig.ReclaimIdleMs) when no slot is free.
        /// </summary>
        private static TcpConfig DefaultTcp()
        {
            TcpConfig tcp = new TcpConfig();
            tcp.Listeners = 5;
            tcp.Keepalive = true;
            tcp.KeepaliveIdleMs = 120000;
            tcp.KeepaliveIntervalMs = 15000;
            tcp.KeepaliveProbes = 5;
            tcp.ReclaimIdleMs = 60000;
            return tcp;
        }
    }
}
