#nullable enable

using NanoTcp.Services;
using NanoTcp.Tcp;

namespace NanoTcp.Cli.Lab;

/// <summary>
/// The application on one side of the lab: a listener (reading everything) or the board's echo
/// service, the connection it opened or accepted, what it still has to send, and what it read.
/// Polled every millisecond of the bench.
/// </summary>
public sealed class LabApp
{
    private readonly TcpStack _tcp;
    private readonly byte[] _buffer = new byte[4096];
    private readonly List<byte> _received = new();
    private byte[] _pending = Array.Empty<byte>();
    private int _pendingAt;
    private int _listener = -1;
    private TcpEchoService? _echo;

    public LabApp(TcpStack tcp) => _tcp = tcp;

    /// <summary>The connection the application holds (opened or accepted last), -1 before any.</summary>
    public int Handle { get; private set; } = -1;
    /// <summary>False while the application does not read (its receive window fills).</summary>
    public bool Reading { get; set; } = true;
    /// <summary>True once the peer's FIN was read (end of stream).</summary>
    public bool EndOfStream { get; private set; }
    public int ReceivedBytes => _received.Count + (int)(_echo?.BytesEchoed ?? 0);
    public byte[] Received => _received.ToArray();

    public void Listen(int port) => _listener = _tcp.Listen(port);

    public void Echo(int port) => _echo = new TcpEchoService(_tcp, port, 1);

    /// <summary>Opens a connection; false when the stack refuses (port in use, table full).</summary>
    public bool Connect(uint remoteIp, int remotePort, int localPort)
    {
        if (Handle >= 0 && _tcp.GetState(Handle) == TcpState.Closed) _tcp.Close(Handle); // release the old incarnation's slot
        int h = _tcp.Connect(remoteIp, remotePort, localPort);
        if (h < 0) return false;
        Handle = h;
        EndOfStream = false;
        return true;
    }

    public void Send(byte[] data)
    {
        var rest = _pending[_pendingAt..];
        _pending = rest.Concat(data).ToArray();
        _pendingAt = 0;
        Write();
    }

    /// <summary>Sends FIN after what is queued (the application keeps reading what still arrives), or RST.</summary>
    public void Close(bool abort)
    {
        if (Handle < 0) return;
        if (abort) _tcp.Abort(Handle);
        else _tcp.Shutdown(Handle);
    }

    public void Poll(long nowMs)
    {
        _echo?.Poll(nowMs);
        if (_listener >= 0)
        {
            int h = _tcp.Accept(_listener);
            if (h >= 0)
            {
                if (Handle >= 0 && _tcp.GetState(Handle) == TcpState.Closed) _tcp.Close(Handle);
                Handle = h;
                EndOfStream = false;
            }
        }
        Write();
        if (Handle < 0 || !Reading) return;
        while (true)
        {
            int n = _tcp.Receive(Handle, _buffer, 0, _buffer.Length);
            if (n < 0) EndOfStream = true;
            if (n <= 0) break;
            for (int i = 0; i < n; i++) _received.Add(_buffer[i]);
        }
    }

    private void Write()
    {
        if (Handle < 0 || _pendingAt >= _pending.Length) return;
        int n = _tcp.Send(Handle, _pending, _pendingAt, _pending.Length - _pendingAt);
        if (n > 0) _pendingAt += n;
    }

    public TcpState State => Handle < 0 ? TcpState.Closed : _tcp.GetState(Handle);
    public TcpCloseReason CloseReason => Handle < 0 ? TcpCloseReason.Normal : _tcp.GetCloseReason(Handle);
}
