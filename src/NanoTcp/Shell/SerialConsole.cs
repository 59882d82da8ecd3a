using NanoTcp.Hal;
using NanoTcp.Trace;

namespace NanoTcp.Shell
{
    /// <summary>
    /// The serial console: a prompt, line editing (backspace, Ctrl-U, CR/LF/CRLF), command
    /// dispatch to <see cref="ICommandSet"/>s, and the trace sink, so trace lines and the
    /// prompt share one serial line (a line that arrives while the prompt shows is written
    /// over it, and the prompt with any half-typed command follows on the next line). Output is built in a preallocated
    /// <see cref="TextLine"/>; tracing allocates nothing. Commands themselves may allocate
    /// (splitting the line), which is fine: they run when a person presses Enter.
    /// </summary>
    public sealed class SerialConsole : ITraceSink
    {
        public const string Prompt = "nanotcp> ";
        private const int MaxSets = 8;

        private readonly ISerialLine _serial;
        private readonly TextLine _out = new TextLine(512);
        private readonly byte[] _in = new byte[64];
        private readonly char[] _line = new char[120];
        private readonly ICommandSet[] _sets = new ICommandSet[MaxSets];
        private static readonly byte[] Newline = { (byte)'\r', (byte)'\n' };
        private static readonly byte[] CarriageReturn = { (byte)'\r' };
        private static readonly byte[] Erase = { 8, (byte)' ', 8 };
        private static readonly char[] Space = { ' ' };
        private int _setCount;
        private int _length;
        private bool _lastWasCr;
        private bool _promptShown;

        public SerialConsole(ISerialLine serial)
        {
            _serial = serial;
        }

        /// <summary>The line being built by a command (Clear, Append…, then <see cref="Emit"/>).</summary>
        public TextLine Out { get { return _out; } }

        public void Add(ICommandSet set)
        {
            if (_setCount < MaxSets)
            {
                _sets[_setCount++] = set;
            }
        }

        /// <summary>Writes the line in <see cref="Out"/> followed by CRLF, and clears it.</summary>
        public void Emit()
        {
            if (_promptShown)
            {
                // Something arrived while the prompt is showing (a trace, a ping reply): write it
                // over the prompt line from column 0, blank out the rest of what was there, then
                // show the prompt and any half-typed command again below it.
                _serial.Write(CarriageReturn, 0, 1);
                int covered = Prompt.Length + _length;
                while (_out.Length < covered)
                {
                    _out.Append(' ');
                }
                _serial.Write(_out.Buffer, 0, _out.Length);
                _serial.Write(Newline, 0, 2);
                _out.Clear();
                ShowPrompt();
                return;
            }
            _serial.Write(_out.Buffer, 0, _out.Length);
            _serial.Write(Newline, 0, 2);
            _out.Clear();
        }

        /// <summary>Writes a whole line of text.</summary>
        public void WriteLine(string text)
        {
            _out.Clear();
            _out.Append(text);
            Emit();
        }

        /// <summary>Shows the prompt (once at start-up; afterwards after every command).</summary>
        public void ShowPrompt()
        {
            _out.Clear();
            _out.Append(Prompt);
            for (int i = 0; i < _length; i++)
            {
                _out.Append(_line[i]);
            }
            _serial.Write(_out.Buffer, 0, _out.Length);
            _out.Clear();
            _promptShown = true;
        }

        /// <summary>Reads pending input and runs completed lines.</summary>
        public void Poll(long nowMs)
        {
            while (true)
            {
                int n = _serial.Read(_in, 0, _in.Length);
                if (n <= 0)
                {
                    return;
                }
                for (int i = 0; i < n; i++)
                {
                    Key(_in[i], nowMs);
                }
            }
        }

        private void Key(byte b, long nowMs)
        {
            if (b == '\n' && _lastWasCr)
            {
                _lastWasCr = false;
                return;
            }
            _lastWasCr = b == '\r';
            if (b == '\r' || b == '\n')
            {
                _serial.Write(Newline, 0, 2);
                _promptShown = false;
                string line = new string(_line, 0, _length);
                _length = 0;
                Execute(line, nowMs);
                ShowPrompt();
                return;
            }
            if (b == 8 || b == 127)
            {
                if (_length > 0)
                {
                    _length--;
                    _serial.Write(Erase, 0, 3);
                }
                return;
            }
            if (b == 21)
            {
                // Ctrl-U: erase the whole line.
                while (_length > 0)
                {
                    _length--;
                    _serial.Write(Erase, 0, 3);
                }
                return;
            }
            if (b < 32 || b > 126 || _length == _line.Length)
            {
                return;
            }
            _line[_length++] = (char)b;
            _in[0] = b;
            _serial.Write(_in, 0, 1);
        }

        /// <summary>Runs one command line (also used by the simulator and tests).</summary>
        public void Execute(string line, long nowMs)
        {
            string[] words = Split(line);
            if (words.Length == 0)
            {
                return;
            }
            string name = words[0].ToLower();
            string[] args = new string[words.Length - 1];
            for (int i = 1; i < words.Length; i++)
            {
                args[i - 1] = words[i];
            }
            if (name == "help" || name == "?")
            {
                WriteLine("commands:");
                WriteLine("  help                      this list");
                for (int i = 0; i < _setCount; i++)
                {
                    _sets[i].WriteHelp(this);
                }
                return;
            }
            for (int i = 0; i < _setCount; i++)
            {
                if (_sets[i].TryRun(name, args, this, nowMs))
                {
                    return;
                }
            }
            _out.Clear();
            _out.Append("error: unknown command '").Append(name).Append("' (type help)");
            Emit();
        }

        /// <summary>Trace lines go out on the same serial line, without breaking a half-typed command.</summary>
        public void OnTrace(TraceEvent e)
        {
            TraceFormatter.Format(e, _out);
            Emit();
        }

        /// <summary>Splits on spaces, dropping empty words.</summary>
        private static string[] Split(string line)
        {
            string[] raw = line.Trim().Split(Space);
            int count = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i].Length > 0) count++;
            }
            string[] words = new string[count];
            count = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i].Length > 0) words[count++] = raw[i];
            }
            return words;
        }
    }
}
