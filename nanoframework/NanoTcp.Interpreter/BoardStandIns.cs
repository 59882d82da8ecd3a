using System;
using NanoTcp.Hal;

namespace NanoTcp.Interpreter
{
    /// <summary>
    /// The ENC28J60's SPI bus on a machine without one: every byte clocked in is 0, so the driver
    /// finds no chip ("NOT ANSWERING") but is allocated and polled exactly as on the board.
    /// </summary>
    public sealed class AbsentSpiBus : ISpiBus
    {
        public void TransferFullDuplex(byte[] write, byte[] read, int count)
        {
            if (read != null)
            {
                Array.Clear(read, 0, count);
            }
        }
    }

    /// <summary>The INT line of a chip that never asks for attention.</summary>
    public sealed class QuietInterruptLine : IInterruptLine
    {
        public bool IsAsserted { get { return false; } }
    }

    /// <summary>An LED or reset pin that goes nowhere.</summary>
    public sealed class UnconnectedOutput : IDigitalOutput
    {
        public void Write(bool high)
        {
        }
    }

    /// <summary>A millisecond clock that the program moves on; Sleep advances it at once.</summary>
    public sealed class SteppedClock : IClock
    {
        private long _now;

        public long NowMs { get { return _now; } }

        public void Sleep(int milliseconds)
        {
            _now += milliseconds;
        }

        public void Advance(long ms)
        {
            _now += ms;
        }
    }

    /// <summary>
    /// The console's serial line: what the program types is read by the console; what the board
    /// writes is printed to the interpreter's stdout line by line, prefixed "board| ", or
    /// thrown away when <see cref="Silent"/> (the allocation checks: printing allocates).
    /// The board's serial port keeps no managed buffers, so this stand-in keeps small ones: a
    /// command line and a piece of an output line (a longer line is printed in pieces), not
    /// whole lines, which would take heap the selftest's scenarios need beside the firmware.
    /// </summary>
    public sealed class ConsoleSerialLine : ISerialLine
    {
        public const string Prefix = "board| ";

        private readonly byte[] _input = new byte[128];
        private int _inputLength;
        private int _inputRead;
        private readonly char[] _piece = new char[64];
        private int _pieceLength;
        private bool _lineStarted;

        public bool Silent;

        /// <summary>Queues a command line (with its carriage return) for the console to read.</summary>
        public void Type(string command)
        {
            _inputLength = 0;
            _inputRead = 0;
            for (int i = 0; i < command.Length && _inputLength < _input.Length - 1; i++)
            {
                _input[_inputLength++] = (byte)command[i];
            }
            _input[_inputLength++] = (byte)'\r';
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            int n = _inputLength - _inputRead;
            if (n > count) n = count;
            if (n <= 0)
            {
                return 0;
            }
            Array.Copy(_input, _inputRead, buffer, offset, n);
            _inputRead += n;
            return n;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            if (Silent)
            {
                return;
            }
            for (int i = 0; i < count; i++)
            {
                byte b = buffer[offset + i];
                if (b == '\n')
                {
                    Flush();
                }
                else if (b != '\r')
                {
                    if (_pieceLength == _piece.Length)
                    {
                        WritePiece();
                    }
                    _piece[_pieceLength++] = (char)b;
                }
            }
        }

        /// <summary>Ends the line: prints what is left of it (an unfinished line: the prompt).</summary>
        public void Flush()
        {
            if (_pieceLength > 0 || _lineStarted)
            {
                WritePiece();
                Console.WriteLine();
                _lineStarted = false;
            }
        }

        private void WritePiece()
        {
            if (!_lineStarted)
            {
                Console.Write(Prefix);
                _lineStarted = true;
            }
            Console.Write(new string(_piece, 0, _pieceLength));
            _pieceLength = 0;
        }
    }
}
