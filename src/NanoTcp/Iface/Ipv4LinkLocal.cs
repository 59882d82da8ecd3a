using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Iface
{
    /// <summary>
    /// IPv4 link-local addressing (RFC 3927), the fallback after DHCP gets no answer — what
    /// Windows, macOS and Linux do on a direct cable, so the board and a PC find each other with no
    /// configuration. Picks an address in 169.254.1.0–169.254.254.255 from a generator seeded with
    /// the MAC address (the same board tries the same address first, §2.1), waits 0–1 s, sends three
    /// ARP probes 1–2 s apart (sender address 0), and if nobody claims it within 2 s after the last,
    /// takes it (/16, no gateway) and announces it twice, 2 s apart (§2.2–2.4). A conflict while probing
    /// (an ARP from the address, or another host probing for it) means another address; after ten
    /// conflicts, one attempt a minute (§2.2.1). Once bound, a conflicting ARP is defended with one
    /// announcement, unless one was sent in the last 10 s: then the address is given up and a new one
    /// chosen (§2.5, choice b). Driven by <see cref="NetInterface.Poll"/>; allocates nothing.
    /// </summary>
    public sealed class Ipv4LinkLocal
    {
        // RFC 3927 §9.
        public const int ProbeWaitMs = 1000;
        public const int ProbeNum = 3;
        public const int ProbeMinMs = 1000;
        public const int ProbeMaxMs = 2000;
        public const int AnnounceWaitMs = 2000;
        public const int AnnounceNum = 2;
        public const int AnnounceIntervalMs = 2000;
        public const int MaxConflicts = 10;
        public const int RateLimitIntervalMs = 60000;
        public const int DefendIntervalMs = 10000;

        /// <summary>169.254.0.0/16.</summary>
        public const uint Network = 0xA9FE0000u;
        public const uint Netmask = 0xFFFF0000u;
        private const uint FirstUsable = 0xA9FE0100u; // 169.254.1.0
        private const uint Usable = 254 * 256;        // up to 169.254.254.255

        private readonly NetInterface _iface;
        private readonly Rand _rand;
        private LinkLocalState _state = LinkLocalState.Off;
        private uint _candidate;
        private long _nextAt;
        private int _sent;
        private int _conflicts;
        private long _lastDefendAt = long.MinValue / 2;

        internal Ipv4LinkLocal(NetInterface iface, byte[] mac)
        {
            _iface = iface;
            _rand = new Rand(Seed(mac));
        }

        /// <summary>The address a board with this MAC tries first (it is the same at every boot).</summary>
        public static uint FirstAddress(byte[] mac)
        {
            return FirstUsable + new Rand(Seed(mac)).NextUInt() % Usable;
        }

        private static uint Seed(byte[] mac)
        {
            uint seed = 0x4C4C3339u;
            for (int i = 0; i < 6; i++)
            {
                seed = seed * 31 + mac[i];
            }
            return seed;
        }

        public LinkLocalState State { get { return _state; } }

        /// <summary>The address being probed or held (0 when off).</summary>
        public uint Address { get { return _state == LinkLocalState.Off ? 0 : _candidate; } }

        /// <summary>Conflicts since the start: addresses someone else had or took.</summary>
        public int Conflicts { get { return _conflicts; } }

        /// <summary>True for 169.254.0.0/16.</summary>
        public static bool IsLinkLocal(uint address)
        {
            return (address & Netmask) == Network;
        }

        /// <summary>Starts probing for an address (nothing when already started).</summary>
        internal void Start(long nowMs)
        {
            if (_state != LinkLocalState.Off)
            {
                return;
            }
            _candidate = NextCandidate();
            Restart(nowMs, (long)_rand.Next(ProbeWaitMs));
        }

        /// <summary>Stops (a DHCP lease arrived); the caller puts its own address in place.</summary>
        internal void Stop()
        {
            _state = LinkLocalState.Off;
        }

        internal void Poll(long nowMs)
        {
            if (_state == LinkLocalState.Off || nowMs < _nextAt)
            {
                return;
            }
            if (_state == LinkLocalState.Probing)
            {
                if (_sent < ProbeNum)
                {
                    _iface.SendArpProbe(_candidate, nowMs);
                    _sent++;
                    _nextAt = nowMs + (_sent < ProbeNum ? ProbeMinMs + _rand.Next(ProbeMaxMs - ProbeMinMs) : AnnounceWaitMs);
                    return;
                }
                // Nobody answered: the address is ours. Setting it sends the first announcement.
                Trace(DhcpTrace.LinkLocalClaim, _candidate, nowMs);
                _iface.SetAddress(_candidate, Netmask, 0, nowMs);
                _state = LinkLocalState.Announcing;
                _sent = 1;
                _nextAt = nowMs + AnnounceIntervalMs;
                return;
            }
            if (_state == LinkLocalState.Announcing)
            {
                _iface.SendArpAnnouncement(_candidate, nowMs);
                _sent++;
                if (_sent >= AnnounceNum)
                {
                    _state = LinkLocalState.Bound;
                }
                else
                {
                    _nextAt = nowMs + AnnounceIntervalMs;
                }
            }
        }

        /// <summary>An ARP packet from another host (sender address, target address, operation).</summary>
        internal void OnArp(int operation, uint senderIp, uint targetIp, long nowMs)
        {
            if (_state == LinkLocalState.Off)
            {
                return;
            }
            if (_state == LinkLocalState.Probing)
            {
                bool taken = senderIp == _candidate;
                bool probedByAnother = senderIp == 0 && targetIp == _candidate && operation == ArpPacket.OpRequest;
                if (taken || probedByAnother)
                {
                    Conflict(nowMs);
                }
                return;
            }
            if (senderIp != _candidate)
            {
                return;
            }
            // Someone else uses our address (§2.5): defend once per DEFEND_INTERVAL, else give it up.
            if (nowMs - _lastDefendAt >= DefendIntervalMs)
            {
                _lastDefendAt = nowMs;
                Trace(DhcpTrace.LinkLocalDefend, _candidate, nowMs);
                _iface.SendArpAnnouncement(_candidate, nowMs);
                return;
            }
            _iface.SetAddress(0, 0, 0, nowMs);
            Conflict(nowMs);
        }

        private void Conflict(long nowMs)
        {
            _conflicts++;
            Trace(DhcpTrace.LinkLocalConflict, _candidate, nowMs);
            _candidate = NextCandidate();
            Restart(nowMs, _conflicts >= MaxConflicts ? RateLimitIntervalMs : (long)_rand.Next(ProbeWaitMs));
        }

        private void Restart(long nowMs, long waitMs)
        {
            _state = LinkLocalState.Probing;
            _sent = 0;
            _nextAt = nowMs + waitMs;
        }

        private uint NextCandidate()
        {
            return FirstUsable + _rand.NextUInt() % Usable;
        }

        private void Trace(int code, uint address, long nowMs)
        {
            Tracer t = _iface.Tracer;
            if (t.Wants(TraceLevel.States))
            {
                TraceEvent e = t.Begin(TraceKind.Dhcp, nowMs);
                e.Code = code;
                e.SrcIp = address;
                e.Value = 0;
                t.Emit();
            }
        }
    }

    public enum LinkLocalState
    {
        Off,
        Probing,
        Announcing,
        Bound,
    }
}
