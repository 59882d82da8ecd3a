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
        /// A fault injector between the network device and the interface, driven by the console's
        /// `lab` command. Frames pass straight through while nothing is armed (no copy, no allocation).
        /// </summary>
        public bool LabFaults = true;

        /// <summary>
        /// Frames `lab delay` can hold back at once (each costs one full frame of RAM). The queues are
        /// allocated by the first `lab delay`, not at boot.
        /// </summary>
        public int LabDelayFrames = 4;

        /// <summary>Bytes of one HTTP status page.</summary>
        public int StatusPageBytes = 2048;

        private static TcpConfig DefaultTcp()
        {
            TcpConfig tcp = new TcpConfig();
            tcp.Listeners = 5;
            return tcp;
        }
    }
}
