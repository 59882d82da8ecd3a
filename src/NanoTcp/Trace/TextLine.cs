namespace NanoTcp.Trace
{
    /// <summary>
    /// A preallocated ASCII line under construction: trace lines and console output are
    /// built here and written to the serial port as bytes, so formatting allocates nothing
    /// on the device. Text past the capacity is cut (never an exception).
    /// </summary>
    public sealed class TextLine
    {
        private static readonly byte[] HexDigits =
        {
            (byte)'0', (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7',
            (byte)'8', (byte)'9', (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f',
        };

        private readonly byte[] _buffer;
        private readonly byte[] _digits = new byte[20];
        private int _length;

        public TextLine(int capacity)
        {
            _buffer = new byte[capacity];
        }

        public byte[] Buffer { get { return _buffer; } }
        public int Length { get { return _length; } }
        public int Capacity { get { return _buffer.Length; } }

        public void Clear()
        {
            _length = 0;
        }

        public TextLine Append(char c)
        {
            if (_length < _buffer.Length)
            {
                _buffer[_length++] = (byte)c;
            }
            return this;
        }

        public TextLine Append(string s)
        {
            if (s != null)
            {
                for (int i = 0; i < s.Length; i++)
                {
                    Append(s[i]);
                }
            }
            return this;
        }

        public TextLine Append(long value)
        {
            return AppendPadded(value, 0, ' ');
        }

        /// <summary>Decimal, right-aligned in <paramref name="width"/> characters.</summary>
        public TextLine AppendPadded(long value, int width, char pad)
        {
            bool negative = value < 0;
            ulong v = negative ? (ulong)(-value) : (ulong)value;
            int n = 0;
            do
            {
                _digits[n++] = (byte)('0' + (int)(v % 10));
                v /= 10;
            }
            while (v != 0);
            int total = n + (negative ? 1 : 0);
            for (int i = total; i < width; i++)
            {
                Append(pad);
            }
            if (negative)
            {
                Append('-');
            }
            while (n > 0)
            {
                Append((char)_digits[--n]);
            }
            return this;
        }

        /// <summary>Decimal left-aligned and padded with spaces to <paramref name="width"/>.</summary>
        public TextLine AppendLeft(string s, int width)
        {
            Append(s);
            for (int i = s == null ? 0 : s.Length; i < width; i++)
            {
                Append(' ');
            }
            return this;
        }

        public TextLine AppendHex(int b)
        {
            Append((char)HexDigits[(b >> 4) & 0xF]);
            return Append((char)HexDigits[b & 0xF]);
        }

        public TextLine AppendHex(byte[] data, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                AppendHex(data[offset + i]);
            }
            return this;
        }

        /// <summary>Dotted quad of an address held as a uint (first octet high).</summary>
        public TextLine AppendIp(uint ip)
        {
            Append((long)((ip >> 24) & 0xFF)).Append('.');
            Append((long)((ip >> 16) & 0xFF)).Append('.');
            Append((long)((ip >> 8) & 0xFF)).Append('.');
            return Append((long)(ip & 0xFF));
        }

        public TextLine AppendMac(byte[] mac, int offset)
        {
            for (int i = 0; i < 6; i++)
            {
                if (i > 0)
                {
                    Append(':');
                }
                AppendHex(mac[offset + i]);
            }
            return this;
        }

        /// <summary>The line as a string (allocates: host tools and tests).</summary>
        public override string ToString()
        {
            char[] chars = new char[_length];
            for (int i = 0; i < _length; i++)
            {
                chars[i] = (char)_buffer[i];
            }
            return new string(chars);
        }
    }
}
