using System.Text;
using NanoTcp.Hal;

namespace NanoTcp.Sim.Board;

/// <summary>
/// The board's serial port in the simulator: what the firmware writes is collected as text
/// (and optionally echoed to a writer); what a person or a test types is queued as input.
/// </summary>
public sealed class VirtualSerialLine : ISerialLine
{
    private readonly Queue<byte> _input = new();
    private readonly StringBuilder _output = new();
    private readonly TextWriter? _echo;

    public VirtualSerialLine(TextWriter? echo = null)
    {
        _echo = echo;
    }

    /// <summary>Everything written so far, CRLF as written.</summary>
    public string Output => _output.ToString();

    /// <summary>Queues typed text (use "\r" for Enter).</summary>
    public void Type(string text)
    {
        foreach (char c in text) _input.Enqueue((byte)c);
    }

    /// <summary>Returns and forgets the output so far.</summary>
    public string TakeOutput()
    {
        string s = _output.ToString();
        _output.Clear();
        return s;
    }

    /// <summary>Told of everything the firmware writes, as it writes it.</summary>
    public event Action<string>? Written;

    public void Write(byte[] buffer, int offset, int count)
    {
        string s = Encoding.ASCII.GetString(buffer, offset, count);
        _output.Append(s);
        _echo?.Write(s);
        Written?.Invoke(s);
    }

    public int Read(byte[] buffer, int offset, int count)
    {
        int n = 0;
        while (n < count && _input.Count > 0) buffer[offset + n++] = _input.Dequeue();
        return n;
    }
}
