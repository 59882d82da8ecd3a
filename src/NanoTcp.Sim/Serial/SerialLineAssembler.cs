using System.Text;

namespace NanoTcp.Sim.Serial;

/// <summary>
/// Turns the raw byte stream of a board's serial console into lines, the way a terminal shows
/// it. The console writes a trace line over its prompt ("nanotcp> " then CR, the line, CRLF),
/// erases with BS-space-BS, and a board that resets sends a half line and then a glitch; so a
/// lone CR returns to column 0 and what follows overwrites, BS moves back, and a run of bytes
/// that are neither printable ASCII nor CR/LF/BS/TAB (line noise, a reset) ends the current
/// line as cut off. Only LF completes a line. Never throws, whatever it is fed.
/// </summary>
public sealed class SerialLineAssembler
{
    /// <summary>Longer lines are cut (a frame dump of a 1514-byte frame is about 3,050 characters).</summary>
    public const int MaxLineLength = 8192;

    private readonly char[] _line = new char[MaxLineLength];
    private int _length;
    private int _cursor;
    private bool _inGarbage;

    /// <summary>Bytes dropped as line noise.</summary>
    public long GarbageBytes { get; private set; }

    /// <summary>Lines ended by noise or by their length rather than by LF.</summary>
    public long CutLines { get; private set; }

    /// <summary>Lines completed so far.</summary>
    public long Lines { get; private set; }

    /// <summary>The line being received, as a terminal shows it now (the prompt and what is typed after it).</summary>
    public string Partial => new string(_line, 0, _length).TrimEnd();

    /// <summary>Feeds bytes; <paramref name="onLine"/> gets each completed line (without its line end and
    /// trailing blanks) and whether it was cut off.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, Action<string, bool> onLine)
    {
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                _inGarbage = false;
                Complete(onLine, cut: false);
            }
            else if (b == (byte)'\r')
            {
                _inGarbage = false;
                _cursor = 0;
            }
            else if (b == 8)
            {
                _inGarbage = false;
                if (_cursor > 0) _cursor--;
            }
            else if ((b >= 0x20 && b < 0x7F) || b == (byte)'\t')
            {
                _inGarbage = false;
                if (_cursor == MaxLineLength) Complete(onLine, cut: true);
                _line[_cursor++] = b == (byte)'\t' ? ' ' : (char)b;
                if (_cursor > _length) _length = _cursor;
            }
            else
            {
                GarbageBytes++;
                if (!_inGarbage && _length > 0 && _line.AsSpan(0, _length).Trim(' ').Length > 0) Complete(onLine, cut: true);
                _inGarbage = true;
            }
        }
    }

    /// <summary>Ends the input: a partial line that is not just blanks is delivered (not cut: the input simply ended).</summary>
    public void End(Action<string, bool> onLine)
    {
        if (Partial.Length > 0) Complete(onLine, cut: false);
        _length = _cursor = 0;
    }

    private void Complete(Action<string, bool> onLine, bool cut)
    {
        string text = new string(_line, 0, _length).TrimEnd();
        _length = _cursor = 0;
        Lines++;
        if (cut) CutLines++;
        onLine(text, cut);
    }

    /// <summary>Convenience for tests and tools: every line of a byte stream, cut lines included.</summary>
    public static List<string> Split(ReadOnlySpan<byte> bytes)
    {
        var lines = new List<string>();
        var a = new SerialLineAssembler();
        a.Feed(bytes, (l, _) => lines.Add(l));
        a.End((l, _) => lines.Add(l));
        return lines;
    }

    /// <summary>Convenience: the bytes of a string as the serial line carries them (Latin-1).</summary>
    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);
}
