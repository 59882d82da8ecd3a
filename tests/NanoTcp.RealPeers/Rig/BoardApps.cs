using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using NanoTcp.Wire;

namespace NanoTcp.RealPeers.Rig;

/// <summary>
/// The board as a TCP client of a kernel server (an application on the board's loop, through
/// the socket API the firmware's applications use): connects, sends <c>sendBytes</c> of the
/// pattern (byte i = i % 251, as peers/peer.py checks), checks every byte it receives against
/// the same pattern, and closes either as soon as everything is sent (the board closes first
/// and keeps receiving in FIN-WAIT-2) or after the kernel's FIN (the kernel closes first).
/// </summary>
public sealed class BoardClient : IBoardApp
{
    private readonly uint _ip;
    private readonly int _port;
    private readonly long _sendBytes;
    private readonly bool _closeFirst;
    private readonly byte[] _buffer = new byte[1460];
    private bool _started, _shutdown;

    public BoardClient(string ip, int port, long sendBytes, bool boardClosesFirst)
    {
        Ipv4Address.TryParse(ip, out _ip);
        _port = port;
        _sendBytes = sendBytes;
        _closeFirst = boardClosesFirst;
    }

    public int Handle { get; private set; } = -1;
    public volatile bool Connected;
    public volatile bool Eof;
    public volatile bool Finished;
    public long Sent;
    public long Received;
    public long FirstBadByte = -1;
    /// <summary>The connection's state when the application let go of it (after EOF and its own close).</summary>
    public volatile string FinalState = "";
    public volatile string CloseReason = "";

    public void Poll(VirtualBoard board, long nowMs)
    {
        TcpStack tcp = board.Device.Tcp;
        if (!_started)
        {
            _started = true;
            Handle = tcp.Connect(_ip, _port, 0);
            if (Handle < 0)
            {
                CloseReason = "no free connection";
                Finished = true;
            }
            return;
        }
        if (Finished) return;
        int h = Handle;
        int ev = tcp.GetEvents(h);
        if ((ev & TcpEvents.Connected) != 0) Connected = true;
        while (!Eof)
        {
            int n = tcp.Receive(h, _buffer, 0, _buffer.Length);
            if (n == 0) break;
            if (n < 0)
            {
                Eof = true;
                break;
            }
            for (int i = 0; i < n && FirstBadByte < 0; i++)
            {
                if (_buffer[i] != (byte)((Received + i) % 251)) FirstBadByte = Received + i;
            }
            Received += n;
        }
        while (Connected && Sent < _sendBytes)
        {
            int n = (int)Math.Min(_buffer.Length, _sendBytes - Sent);
            for (int i = 0; i < n; i++) _buffer[i] = (byte)((Sent + i) % 251);
            int taken = tcp.Send(h, _buffer, 0, n);
            if (taken <= 0) break;
            Sent += taken;
        }
        if (!_shutdown && Connected && Sent == _sendBytes && (_closeFirst || Eof))
        {
            tcp.Shutdown(h);
            _shutdown = true;
        }
        if ((ev & TcpEvents.Closed) != 0 || (Eof && _shutdown && tcp.GetState(h) != TcpState.FinWait1 && tcp.GetState(h) != TcpState.Closing))
        {
            FinalState = TcpStates.Name(tcp.GetState(h));
            CloseReason = TcpCloseReasons.Name(tcp.GetCloseReason(h));
            tcp.Close(h); // the stack finishes TIME-WAIT or LAST-ACK on its own
            Finished = true;
        }
    }
}

/// <summary>
/// Records, on the board's loop, how long each connection slot stays in TIME-WAIT and how it
/// leaves it: expired (back to free) or reclaimed for a new connection when the table was full.
/// </summary>
public sealed class TimeWaitWatcher : IBoardApp
{
    private long[] _since = Array.Empty<long>();
    private TcpState[] _last = Array.Empty<TcpState>();
    private readonly List<long> _expired = new();
    private int _reclaimed;
    private readonly object _gate = new();

    public void Poll(VirtualBoard board, long nowMs)
    {
        TcpStack tcp = board.Device.Tcp;
        if (_since.Length != tcp.ConnectionSlots)
        {
            _since = new long[tcp.ConnectionSlots];
            _last = new TcpState[tcp.ConnectionSlots];
        }
        for (int i = 0; i < _since.Length; i++)
        {
            TcpConnection c = tcp.ConnectionAt(i);
            TcpState s = c.IsInUse ? c.CurrentState : TcpState.Closed;
            if (s == _last[i]) continue;
            if (s == TcpState.TimeWait) _since[i] = nowMs;
            else if (_last[i] == TcpState.TimeWait)
            {
                lock (_gate)
                {
                    if (s == TcpState.Closed) _expired.Add(nowMs - _since[i]);
                    else _reclaimed++;
                }
            }
            _last[i] = s;
        }
    }

    /// <summary>Milliseconds each expired TIME-WAIT lasted.</summary>
    public long[] ExpiredAfterMs
    {
        get { lock (_gate) return _expired.ToArray(); }
    }

    /// <summary>TIME-WAIT slots handed to a new connection before they expired.</summary>
    public int Reclaimed
    {
        get { lock (_gate) return _reclaimed; }
    }
}
