namespace NanoTcp.Wire
{
    /// <summary>Helpers for 6-byte MAC addresses stored in byte arrays (no object per address).</summary>
    public static class MacAddress
    {
        public const int Length = 6;

        /// <summary>ff:ff:ff:ff:ff:ff.</summary>
        public static readonly byte[] Broadcast = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

        /// <summary>00:00:00:00:00:00 (ARP target hardware address in requests).</summary>
        public static readonly byte[] Zero = { 0, 0, 0, 0, 0, 0 };

        public static bool IsBroadcast(byte[] b, int offset)
        {
            return (b[offset] & b[offset + 1] & b[offset + 2] & b[offset + 3] & b[offset + 4] & b[offset + 5]) == 0xFF;
        }

        /// <summary>Group bit set (multicast or broadcast).</summary>
        public static bool IsGroup(byte[] b, int offset)
        {
            return (b[offset] & 0x01) != 0;
        }

        public static bool IsZero(byte[] b, int offset)
        {
            return (b[offset] | b[offset + 1] | b[offset + 2] | b[offset + 3] | b[offset + 4] | b[offset + 5]) == 0;
        }

        /// <summary>Written out, not looped: ARP compares a MAC per ARP frame (the interpreter's cost per loop step).</summary>
        public static bool Equal(byte[] a, int aOffset, byte[] b, int bOffset)
        {
            return a[aOffset] == b[bOffset] && a[aOffset + 1] == b[bOffset + 1] && a[aOffset + 2] == b[bOffset + 2]
                && a[aOffset + 3] == b[bOffset + 3] && a[aOffset + 4] == b[bOffset + 4] && a[aOffset + 5] == b[bOffset + 5];
        }

        /// <summary>"02:00:00:00:00:01" (allocates: console and trace use only).</summary>
        public static string Format(byte[] b, int offset)
        {
            string s = b[offset].ToString("x2");
            for (int i = 1; i < 6; i++)
            {
                s = s + ":" + b[offset + i].ToString("x2");
            }
            return s;
        }

        /// <summary>Parses "aa:bb:cc:dd:ee:ff" (or '-' separated); null when malformed.</summary>
        public static byte[] Parse(string text)
        {
            if (text == null || text.Length != 17)
            {
                return null;
            }
            byte[] mac = new byte[6];
            for (int i = 0; i < 6; i++)
            {
                int hi = HexValue(text[i * 3]);
                int lo = HexValue(text[i * 3 + 1]);
                if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-'))
                {
                    return null;
                }
                mac[i] = (byte)((hi << 4) | lo);
            }
            return mac;
        }

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }
    }
}
