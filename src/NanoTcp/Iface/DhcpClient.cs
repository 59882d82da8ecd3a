using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Iface
{
    /// <summary>
    /// DHCP client (RFC 2131 §4.4): INIT → SELECTING (DISCOVER) → REQUESTING (REQUEST) →
    /// BOUND; RENEWING at T1 (unicast REQUEST to the server), REBINDING at T2 (broadcast),
    /// back to INIT when the lease expires or a NAK arrives. Retransmissions back off
    /// exponentially (4, 8, 16, 32, 64 s by default). Fallback: after
    /// <see cref="InterfaceConfig.DhcpFallbackAfterAttempts"/> unanswered DISCOVERs the
    /// static address of the configuration (if any) is applied while discovery goes on.
    /// Driven by <see cref="NetInterface.Poll"/>; builds messages in the interface's
    /// transmit buffer, so it allocates nothing after start-up.
    /// </summary>
    public sealed class DhcpClient
    {
        public const int ClientPort = 68;
        public const int ServerPort = 67;

        private readonly NetInterface _iface;
        private readonly InterfaceConfig _config;
        private readonly Rand _rand;
        private readonly DhcpMessage _msg = new DhcpMessage();

        private DhcpState _state = DhcpState.Init;
        private uint _xid;
        private long _nextAt;
        private int _timeoutMs;
        private int _attempts;
        private long _startedAt;
        private uint _offered;
        private uint _server;
        private uint _offerMask;
        private uint _offerRouter;
        private long _boundAt;
        private long _t1At;
        private long _t2At;
        private long _expiresAt;
        private uint _leaseSeconds;
        private bool _fallbackApplied;
        private uint _dns;

        internal DhcpClient(NetInterface iface, InterfaceConfig config)
        {
            _iface = iface;
            _config = config;
            _rand = new Rand(config.Seed ^ 0x44484350u);
            _nextAt = 0;
        }

        public DhcpState State { get { return _state; } }
        public uint LeaseSeconds { get { return _leaseSeconds; } }
        public uint Server { get { return _server; } }
        public uint Dns { get { return _dns; } }
        public long RenewAtMs { get { return _t1At; } }
        public long RebindAtMs { get { return _t2At; } }
        public long ExpiresAtMs { get { return _expiresAt; } }
        public bool FallbackApplied { get { return _fallbackApplied; } }
        internal int FootprintBytes { get { return 128 + 16 * 12; } }

        internal void Poll(long nowMs)
        {
            switch (_state)
            {
                case DhcpState.Init:
                    _xid = _rand.NextUInt();
                    _attempts = 0;
                    _timeoutMs = _config.DhcpInitialTimeoutMs;
                    _startedAt = nowMs;
                    Enter(DhcpState.Selecting, nowMs, 0);
                    SendDiscover(nowMs);
                    break;
                case DhcpState.Selecting:
                    if (nowMs >= _nextAt)
                    {
                        MaybeFallBack(nowMs);
                        Backoff();
                        SendDiscover(nowMs);
                    }
                    break;
                case DhcpState.Requesting:
                    if (nowMs >= _nextAt)
                    {
                        if (_attempts >= 4)
                        {
                            Enter(DhcpState.Init, nowMs, 0);
                            return;
                        }
                        Backoff();
                        SendRequest(nowMs, false);
                    }
                    break;
                case DhcpState.Bound:
                    if (nowMs >= _t1At)
                    {
                        Enter(DhcpState.Renewing, nowMs, 0);
                        _xid = _rand.NextUInt();
                        SendRequest(nowMs, false);
                        _nextAt = RetransmitAt(nowMs, _t2At);
                    }
                    break;
                case DhcpState.Renewing:
                case DhcpState.Rebinding:
                    if (nowMs >= _expiresAt)
                    {
                        // Lease gone: stop using the address (RFC 2131 §4.4.5).
                        _iface.SetAddress(0, 0, 0, nowMs);
                        Enter(DhcpState.Init, nowMs, 0);
                        return;
                    }
                    if (_state == DhcpState.Renewing && nowMs >= _t2At)
                    {
                        Enter(DhcpState.Rebinding, nowMs, 0);
                        SendRequest(nowMs, true);
                        _nextAt = RetransmitAt(nowMs, _expiresAt);
                    }
                    else if (nowMs >= _nextAt)
                    {
                        SendRequest(nowMs, _state == DhcpState.Rebinding);
                        _nextAt = RetransmitAt(nowMs, _state == DhcpState.Renewing ? _t2At : _expiresAt);
                    }
                    break;
            }
        }

        internal DropReason Input(byte[] b, int offset, int length, long nowMs)
        {
            DhcpMessage m = _msg;
            DropReason r = m.Parse(b, offset, length);
            if (r != DropReason.None)
            {
                return r;
            }
            if (m.Op != DhcpMessage.OpReply || m.TransactionId != _xid
                || !MacAddress.Equal(b, m.ClientHardwareOffset, _iface.MacAddress, 0))
            {
                return DropReason.DhcpNotOurs;
            }
            int type = m.MessageType;
            if (_state == DhcpState.Selecting && type == DhcpMessage.Offer && m.YourAddress != 0)
            {
                _offered = m.YourAddress;
                _server = m.ServerId;
                _offerMask = m.SubnetMask;
                _offerRouter = m.Router;
                TraceDhcp(DhcpTrace.Offer, _offered, 0, nowMs);
                _attempts = 0;
                _timeoutMs = _config.DhcpInitialTimeoutMs;
                Enter(DhcpState.Requesting, nowMs, _timeoutMs);
                SendRequest(nowMs, false);
                return DropReason.None;
            }
            bool waiting = _state == DhcpState.Requesting || _state == DhcpState.Renewing || _state == DhcpState.Rebinding;
            if (waiting && type == DhcpMessage.Ack && m.YourAddress != 0)
            {
                Bind(m, nowMs);
                return DropReason.None;
            }
            if (waiting && type == DhcpMessage.Nak)
            {
                TraceDhcp(DhcpTrace.Nak, _offered, 0, nowMs);
                if (_state != DhcpState.Requesting)
                {
                    _iface.SetAddress(0, 0, 0, nowMs);
                }
                Enter(DhcpState.Init, nowMs, 0);
                return DropReason.None;
            }
            return DropReason.DhcpNotOurs;
        }

        private void Bind(DhcpMessage m, long nowMs)
        {
            uint lease = m.LeaseSeconds == 0 ? 3600u : m.LeaseSeconds;
            uint t1 = m.RenewalSeconds != 0 ? m.RenewalSeconds : lease / 2;
            uint t2 = m.RebindingSeconds != 0 ? m.RebindingSeconds : lease / 8 * 7;
            _leaseSeconds = lease;
            _boundAt = nowMs;
            _t1At = nowMs + (long)t1 * 1000;
            _t2At = nowMs + (long)t2 * 1000;
            _expiresAt = nowMs + (long)lease * 1000;
            if (m.ServerId != 0)
            {
                _server = m.ServerId;
            }
            _dns = m.Dns;
            uint address = m.YourAddress;
            uint mask = m.SubnetMask != 0 ? m.SubnetMask : (_offerMask != 0 ? _offerMask : 0xFFFFFF00u);
            uint router = m.SubnetMask != 0 ? m.Router : _offerRouter;
            _offered = address;
            _fallbackApplied = false;
            Enter(DhcpState.Bound, nowMs, 0);
            TraceDhcp(DhcpTrace.Bound, address, lease, nowMs);
            if (address != _iface.Address || mask != _iface.Netmask || router != _iface.Gateway)
            {
                _iface.SetAddress(address, mask, router, nowMs);
            }
        }

        private void MaybeFallBack(long nowMs)
        {
            if (!_fallbackApplied && _config.DhcpFallbackAfterAttempts > 0 && _config.Address != 0
                && _attempts >= _config.DhcpFallbackAfterAttempts)
            {
                _fallbackApplied = true;
                TraceDhcp(DhcpTrace.Fallback, _config.Address, 0, nowMs);
                _iface.SetAddress(_config.Address, _config.Netmask, _config.Gateway, nowMs);
            }
        }

        private void Backoff()
        {
            _timeoutMs *= 2;
            if (_timeoutMs > _config.DhcpMaxTimeoutMs)
            {
                _timeoutMs = _config.DhcpMaxTimeoutMs;
            }
        }

        /// <summary>RFC 2131 §4.4.5: wait half the time left until the deadline, at least 60 s (or the rest).</summary>
        private static long RetransmitAt(long nowMs, long deadline)
        {
            long left = deadline - nowMs;
            long wait = left / 2;
            if (wait < 60000)
            {
                wait = left < 60000 ? left : 60000;
            }
            return nowMs + (wait < 1 ? 1 : wait);
        }

        private void Enter(DhcpState state, long nowMs, int timeoutMs)
        {
            _state = state;
            _nextAt = nowMs + timeoutMs;
        }

        private void SendDiscover(long nowMs)
        {
            _attempts++;
            _nextAt = nowMs + _timeoutMs;
            int at = Begin(nowMs, 0);
            at = DhcpMessage.WriteOptionByte(_iface.TxBuffer, at, DhcpMessage.OptMessageType, DhcpMessage.Discover);
            at = WriteCommonOptions(at);
            TraceDhcp(DhcpTrace.Discover, 0, (uint)_attempts, nowMs);
            Send(at, Ipv4Address.Broadcast, nowMs);
        }

        /// <summary>REQUEST: selecting (requested IP + server id, broadcast), renewing (unicast, ciaddr), rebinding (broadcast, ciaddr).</summary>
        private void SendRequest(long nowMs, bool rebinding)
        {
            _attempts++;
            if (_state == DhcpState.Requesting)
            {
                _nextAt = nowMs + _timeoutMs;
            }
            bool selecting = _state == DhcpState.Requesting;
            int at = Begin(nowMs, selecting ? 0 : _iface.Address);
            byte[] b = _iface.TxBuffer;
            at = DhcpMessage.WriteOptionByte(b, at, DhcpMessage.OptMessageType, DhcpMessage.Request);
            if (selecting)
            {
                at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptRequestedIp, _offered);
                if (_server != 0)
                {
                    at = DhcpMessage.WriteOptionAddress(b, at, DhcpMessage.OptServerId, _server);
                }
            }
            at = WriteCommonOptions(at);
            TraceDhcp(selecting ? DhcpTrace.Request : (rebinding ? DhcpTrace.Rebinding : DhcpTrace.Renewing), _offered, (uint)_attempts, nowMs);
            uint destination = !selecting && !rebinding && _server != 0 ? _server : Ipv4Address.Broadcast;
            Send(at, destination, nowMs);
        }

        private int Begin(long nowMs, uint clientAddress)
        {
            int secs = (int)((nowMs - _startedAt) / 1000);
            return DhcpMessage.WriteFixed(_iface.TxBuffer, PayloadAt, _xid, secs < 0 ? 0 : secs, clientAddress, _iface.MacAddress);
        }

        private int WriteCommonOptions(int at)
        {
            byte[] b = _iface.TxBuffer;
            string name = _config.HostName;
            if (name != null && name.Length > 0 && name.Length < 64)
            {
                b[at++] = DhcpMessage.OptHostName;
                b[at++] = (byte)name.Length;
                for (int i = 0; i < name.Length; i++)
                {
                    b[at++] = (byte)name[i];
                }
            }
            b[at++] = DhcpMessage.OptParameterList;
            b[at++] = 5;
            b[at++] = DhcpMessage.OptSubnetMask;
            b[at++] = DhcpMessage.OptRouter;
            b[at++] = DhcpMessage.OptDns;
            b[at++] = DhcpMessage.OptRenewalTime;
            b[at++] = DhcpMessage.OptRebindingTime;
            b[at++] = DhcpMessage.OptEnd;
            return at;
        }

        private int PayloadAt
        {
            get { return _iface.TransportOffset + UdpDatagram.HeaderLength; }
        }

        private void Send(int end, uint destination, long nowMs)
        {
            int length = end - PayloadAt;
            if (length < DhcpMessage.MinLength)
            {
                System.Array.Clear(_iface.TxBuffer, end, DhcpMessage.MinLength - length);
                length = DhcpMessage.MinLength;
            }
            _iface.Counters.DhcpOut++;
            _iface.SendUdpInPlace(ClientPort, destination, ServerPort, length, nowMs);
        }

        private void TraceDhcp(int code, uint address, uint value, long nowMs)
        {
            Tracer t = _iface.Tracer;
            if (t.Wants(TraceLevel.States))
            {
                TraceEvent e = t.Begin(TraceKind.Dhcp, nowMs);
                e.Code = code;
                e.SrcIp = address;
                e.Value = value;
                t.Emit();
            }
        }
    }

    public enum DhcpState
    {
        Init = 0,
        Selecting = 1,
        Requesting = 2,
        Bound = 3,
        Renewing = 4,
        Rebinding = 5,
    }

    /// <summary>Codes of TraceKind.Dhcp events and the console names of <see cref="DhcpState"/>.</summary>
    public static class DhcpTrace
    {
        public const int Discover = 0;
        public const int Offer = 1;
        public const int Request = 2;
        public const int Bound = 3;
        public const int Nak = 4;
        public const int Renewing = 5;
        public const int Rebinding = 6;
        public const int Fallback = 7;

        private static readonly string[] CodeNames = { "discover", "offer", "request", "bound", "nak", "renew", "rebind", "fallback" };
        private static readonly string[] StateNames = { "INIT", "SELECTING", "REQUESTING", "BOUND", "RENEWING", "REBINDING" };

        public static string CodeName(int code)
        {
            return code >= 0 && code < CodeNames.Length ? CodeNames[code] : "?";
        }

        public static string StateName(DhcpState state)
        {
            int i = (int)state;
            return i >= 0 && i < StateNames.Length ? StateNames[i] : "?";
        }
    }
}
