using NanoTcp.Hal;
using NanoTcp.Iface;
using NanoTcp.Leds;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Shell;
using NanoTcp.Tcp;
using NanoTcp.Trace;

namespace NanoTcp.Device
{
    /// <summary>
    /// The board's software, assembled once: interface + TCP + built-in services + serial
    /// console + LEDs over one network device. The firmware builds it over the ENC28J60 driver
    /// with nanoFramework adapters; the simulator builds the very same object over the emulated
    /// chip with virtual LEDs and a virtual serial line. Callers add their own command sets
    /// (the board's selftest, driver statistics) with <see cref="Console"/>.Add.
    /// <see cref="Poll"/> is the whole main loop body; it allocates nothing.
    /// </summary>
    public sealed class DeviceComposition : IStatsSource
    {
        private readonly DeviceConfig _config;
        private readonly NetInterface _iface;
        private readonly TcpStack _tcp;
        private readonly Tracer _tracer;
        private readonly SerialConsole _console;
        private readonly IpCommands _ipCommands;
        private readonly TcpCommands _tcpCommands;
        private readonly FaultInjector _faults;
        private readonly LabCommands _labCommands;
        private TcpDiscardService _discard;
        private readonly LedController _leds;
        private readonly UdpEchoService _udpEcho;
        private readonly TcpService[] _services;
        private int _serviceCount;
        private int _servicesNotStarted;
        private int _framesLastPoll;
        private readonly TcpCloseReason[] _lastReason;

        /// <param name="device">the network device (ENC28J60 driver, emulated chip, memory link)</param>
        /// <param name="serial">the console's serial line; null for none</param>
        /// <param name="ledOutputs">LED outputs in the layout's order; null entries (or null) for none</param>
        public DeviceComposition(INetworkDevice device, ISerialLine serial, IDigitalOutput[] ledOutputs, DeviceConfig config)
        {
            _config = config == null ? new DeviceConfig() : config;
            _tracer = new Tracer();
            _tracer.Level = _config.TraceLevel;
            if (_config.LabFaults)
            {
                // Queues only when `lab delay` first needs one: targeted drops need none, and the heap
                // it would take (LabDelayFrames + 1 frames) is the application's until then.
                _faults = new FaultInjector(device, 1, _config.LabDelayFrames, 1, false);
                _faults.FaultsOnReceive = false;
                device = _faults;
            }
            _iface = new NetInterface(device, _config.Interface, _tracer);
            _tcp = new TcpStack(_config.Tcp, _iface, _tracer);
            // TCP output (and its timers) runs after the services, not inside the interface's poll:
            // see Poll.
            _iface.AttachTransport(new TcpInputOnly(_tcp));
            _leds = new LedController(_config.Leds, ledOutputs);
            _lastReason = new TcpCloseReason[_tcp.ConnectionSlots];

            if (serial != null)
            {
                _console = new SerialConsole(serial);
                _tracer.Sink = _console;
                _ipCommands = new IpCommands(_iface);
                _console.Add(_ipCommands);
                _tcpCommands = new TcpCommands(_tcp);
                _console.Add(_tcpCommands);
                _ipCommands.AddStatsSource(_tcpCommands);
            }

            _services = new TcpService[4];
            int n = _config.ServiceConnections;
            // One buffer for UDP echo, echo, discard and chargen: each passes data through it only
            // while it polls, and they poll one after the other (1.5 KB less than one each).
            byte[] scratch = _config.Echo || _config.Discard || _config.Chargen ? new byte[_iface.MaxTransportLength] : null;
            if (_config.Echo)
            {
                _udpEcho = new UdpEchoService(_iface, UdpEchoService.DefaultPort, scratch);
                AddService(new TcpEchoService(_tcp, TcpEchoService.DefaultPort, n, scratch));
            }
            if (_config.Discard)
            {
                _discard = new TcpDiscardService(_tcp, TcpDiscardService.DefaultPort, n, scratch);
                AddService(_discard);
            }
            if (_config.Chargen)
            {
                AddService(new TcpChargenService(_tcp, TcpChargenService.DefaultPort, n, scratch));
            }
            if (_config.HttpStatus)
            {
                HttpStatusService http = new HttpStatusService(_tcp, 80, n, _config.StatusPageBytes);
                http.Counters = _iface.Counters;
                http.RequestTimeoutMs = _config.HttpRequestTimeoutMs;
                AddService(http);
            }

            if (_console != null && _faults != null)
            {
                _labCommands = new LabCommands(_faults, _tcp, _discard);
                _console.Add(_labCommands);
                _ipCommands.AddStatsSource(_labCommands);
            }
            if (_console != null)
            {
                _ipCommands.AddStatsSource(this);
            }
        }

        public DeviceConfig Config { get { return _config; } }
        public NetInterface Interface { get { return _iface; } }
        public TcpStack Tcp { get { return _tcp; } }
        public Tracer Tracer { get { return _tracer; } }
        public LedController Leds { get { return _leds; } }

        /// <summary>The serial console, or null when built without a serial line.</summary>
        public SerialConsole Console { get { return _console; } }

        /// <summary>Built-in services that could not start (no free listener); Start reports them on the console.</summary>
        public int ServicesNotStarted { get { return _servicesNotStarted; } }

        /// <summary>Static footprint of the stack's buffers and tables (interface + TCP).</summary>
        public int FootprintBytes { get { return _iface.FootprintBytes + _tcp.StaticFootprintBytes; } }

        /// <summary>The console's TCP commands (connect, send, close, abort, netstat), or null without a console.</summary>
        public TcpCommands TcpCommands { get { return _tcpCommands; } }

        /// <summary>The fault injector under the interface (the console's `lab`), or null when DeviceConfig.LabFaults is off.</summary>
        public FaultInjector LabFaults { get { return _faults; } }

        /// <summary>The built-in TCP service on <paramref name="port"/> (7, 9, 19, 80), or null when none runs there.</summary>
        public TcpService ServiceOn(int port)
        {
            for (int i = 0; i < _serviceCount; i++)
            {
                if (_services[i].Port == port)
                {
                    return _services[i];
                }
            }
            return null;
        }

        /// <summary>Adds lines to the console's `stats` (e.g. the board's SPI counters); ignored without a console.</summary>
        public void AddStatsSource(IStatsSource source)
        {
            if (_ipCommands != null)
            {
                _ipCommands.AddStatsSource(source);
            }
        }

        /// <summary>The `stats` lines of the composition: each service's connections and timeouts, the static footprint of interface + TCP.</summary>
        public void WriteStats(SerialConsole c)
        {
            TextLine o = c.Out;
            for (int i = 0; i < _serviceCount; i++)
            {
                TcpService s = _services[i];
                o.Clear();
                o.Append("service ").Append(s.Name).Append(' ').Append((long)s.Port).Append(": served ").Append(s.ConnectionsServed)
                 .Append(", idle-timeouts ").Append(s.IdleTimeouts);
                if (s.RequestTimeouts > 0 || s is HttpStatusService)
                {
                    o.Append(", request-timeouts ").Append(s.RequestTimeouts);
                }
                c.Emit();
            }
            o.Clear();
            o.Append("memory  total ").Append((long)FootprintBytes).Append(" bytes (interface + tcp)");
            if (_faults != null && _faults.FootprintBytes > 0)
            {
                o.Append(", ").Append((long)(FootprintBytes + _faults.FootprintBytes)).Append(" with the lab's delay queue");
            }
            c.Emit();
        }

        /// <summary>Shows the banner line and the prompt (call once after boot).</summary>
        public void Start(string banner)
        {
            if (_console != null)
            {
                _console.WriteLine(banner);
                for (int i = 0; i < _serviceCount; i++)
                {
                    if (!_services[i].IsRunning)
                    {
                        TextLine o = _console.Out;
                        o.Clear();
                        o.Append("error: service on port ").Append((long)_services[i].Port)
                         .Append(" not started: no free TCP listener (raise TcpConfig.Listeners)");
                        _console.Emit();
                    }
                }
                _console.ShowPrompt();
            }
        }

        /// <summary>
        /// One turn of the main loop: frames in (TCP input), the services and the console, then TCP's
        /// timers and output, so that whatever they queued in this turn leaves in this turn (an echo,
        /// an HTTP page) and the ACK for what arrived carries the window as it is after they read
        /// (one ACK with the window open again, not a shrunken window followed by an update). Then
        /// the LEDs. Returns the frames the interface took from the device.
        /// </summary>
        public int Poll(long nowMs)
        {
            _framesLastPoll = _iface.Poll(nowMs);
            if (_udpEcho != null)
            {
                _udpEcho.Poll(nowMs);
            }
            for (int i = 0; i < _serviceCount; i++)
            {
                _services[i].Poll(nowMs);
            }
            if (_console != null)
            {
                _console.Poll(nowMs);
                _ipCommands.Poll(nowMs);
                _tcpCommands.Poll(nowMs);
            }
            _tcp.Poll(nowMs);
            UpdateLeds(nowMs);
            return _framesLastPoll;
        }

        /// <summary>
        /// When the next Poll has work: <paramref name="nowMs"/> when it has some already (the last
        /// Poll stopped at RxFramesPerPoll with frames possibly still in the device, or an ACK is owed),
        /// else the earliest TCP timer or frame held back by `lab delay`; -1 when nothing is scheduled
        /// (sleep until a frame arrives). The main loop sleeps until then, never past it.
        /// </summary>
        public long NextDeadlineMs(long nowMs)
        {
            if (_framesLastPoll >= _iface.Config.RxFramesPerPoll)
            {
                return nowMs;
            }
            long t = _tcp.NextTimerMs();
            if (_faults != null)
            {
                long held = _faults.NextDueMs; // long.MaxValue when nothing is held
                if (held != long.MaxValue && (t < 0 || held < t))
                {
                    t = held;
                }
            }
            if (t < 0)
            {
                return -1;
            }
            return t < nowMs ? nowMs : t;
        }

        private void AddService(TcpService service)
        {
            service.IdleTimeoutMs = _config.ServiceIdleTimeoutMs;
            _services[_serviceCount++] = service;
            if (!service.IsRunning)
            {
                _servicesNotStarted++;
            }
        }

        /// <summary>
        /// TCP as the interface sees it inside the composition: segments go straight in; the
        /// interface's per-poll call does nothing, because the composition runs TCP's timers and
        /// output itself once the services have had their turn.
        /// </summary>
        private sealed class TcpInputOnly : ITransportLayer
        {
            private readonly TcpStack _tcp;

            public TcpInputOnly(TcpStack tcp)
            {
                _tcp = tcp;
            }

            public int Protocol { get { return _tcp.Protocol; } }

            public DropReason Input(uint source, uint destination, byte[] buffer, int offset, int length, long nowMs)
            {
                return _tcp.Input(source, destination, buffer, offset, length, nowMs);
            }

            public void Poll(long nowMs)
            {
            }

            public void IcmpError(int type, int code, int nextHopMtu, byte[] b, int ipOffset, int length, long nowMs)
            {
                _tcp.IcmpError(type, code, nextHopMtu, b, ipOffset, length, nowMs);
            }

            public void AddressChanged(uint oldAddress, uint newAddress, long nowMs)
            {
                _tcp.AddressChanged(oldAddress, newAddress, nowMs);
            }
        }

        private void UpdateLeds(long nowMs)
        {
            _leds.SetLinkUp(_iface.LinkUp);
            _leds.Begin();
            for (int i = 0; i < _tcp.ListenerSlots; i++)
            {
                TcpListener l = _tcp.ListenerAt(i);
                if (l != null && l.IsActive)
                {
                    _leds.Observe(TcpState.Listen);
                }
            }
            for (int i = 0; i < _tcp.ConnectionSlots; i++)
            {
                TcpConnection c = _tcp.ConnectionAt(i);
                if (c == null)
                {
                    continue;
                }
                // A connection that just ended badly (reset, refused, timed out) shows as an error.
                TcpCloseReason reason = c.Reason;
                if (reason != _lastReason[i])
                {
                    _lastReason[i] = reason;
                    if (reason == TcpCloseReason.ResetByPeer || reason == TcpCloseReason.Refused
                        || reason == TcpCloseReason.TimedOut || reason == TcpCloseReason.KeepaliveTimeout)
                    {
                        _leds.ObserveError(nowMs);
                    }
                }
                if (c.IsInUse)
                {
                    _leds.Observe(c.State);
                }
            }
            _leds.Apply(nowMs);
        }
    }
}
