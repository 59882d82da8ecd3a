namespace NanoTcp.Wire
{
    /// <summary>
    /// IPv4 addresses are plain uints, first octet in the high byte (192.168.1.10 = 0xC0A8010A):
    /// no object per address, cheap comparison, the same number the trace prints.
    /// </summary>
    public static class Ipv4Address
    {
        public const uint Any = 0;
        public const uint Broadcast = 0xFFFFFFFF;

        public static uint Make(int a, int b, int c, int d)
        {
            return ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | (uint)d;
        }

        public static bool IsMulticast(uint ip)
        {
            return (ip >> 28) == 0xE;
        }

        /// <summary>
        /// Whether a datagram may come from <paramref name="ip"/> (RFC 1122 3.2.1.3): not "this network"
        /// (0/8), not loopback (127/8), not multicast (224/4), not reserved or limited broadcast (240/4).
        /// </summary>
        public static bool IsValidSource(uint ip)
        {
            uint first = ip >> 24;
            return first != 0 && first != 127 && first < 224;
        }

        /// <summary>Limited broadcast, or the directed broadcast of a subnet with this mask.</summary>
        public static bool IsBroadcast(uint ip, uint netmask)
        {
            return ip == Broadcast || (netmask != 0 && netmask != Broadcast && (ip | netmask) == Broadcast);
        }

        /// <summary>Prefix length of a contiguous mask, or -1.</summary>
        public static int PrefixLength(uint netmask)
        {
            int n = 0;
            uint m = netmask;
            while ((m & 0x80000000) != 0)
            {
                n++;
                m <<= 1;
            }
            return m == 0 ? n : -1;
        }

        /// <summary>"192.168.1.10" (allocates: console and trace use only).</summary>
        public static string Format(uint ip)
        {
            return ((ip >> 24) & 0xFF).ToString() + "." + ((ip >> 16) & 0xFF).ToString() + "."
                + ((ip >> 8) & 0xFF).ToString() + "." + (ip & 0xFF).ToString();
        }

        /// <summary>Parses dotted-quad text. Returns false (and 0) when malformed.</summary>
        public static bool TryParse(string text, out uint ip)
        {
            ip = 0;
            if (text == null)
            {
                return false;
            }
            int octets = 0;
            int value = -1;
            for (int i = 0; i <= text.Length; i++)
            {
                char c = i < text.Length ? text[i] : '.';
                if (c >= '0' && c <= '9')
                {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                    if (value > 255)
                    {
                        return false;
                    }
                }
                else if (c == '.')
                {
                    if (value < 0 || octets == 4)
                    {
                        return false;
                    }
                    ip = (ip << 8) | (uint)value;
                    octets++;
                    value = -1;
                }
                else
                {
                    return false;
                }
            }
            if (octets != 4)
            {
                ip = 0;
                return false;
            }
            return true;
        }
    }
}
