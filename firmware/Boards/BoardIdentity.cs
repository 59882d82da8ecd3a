using System;
using NanoTcp.Wire;

namespace NanoTcp.Firmware.Boards
{
    /// <summary>
    /// The board's Ethernet (MAC) address. The ENC28J60 has none of its own, and the nanoFramework
    /// API for the ESP32 (firmware/api) offers no unique chip ID to derive one from, so it comes from
    /// configuration: <see cref="ConfiguredMac"/> gives this board a fixed address (one per board on
    /// a network: a classroom keeps a list). Left empty, every boot draws a locally administered
    /// address, 02:4e:54 and three random bytes, so two boards flashed with the same image do not
    /// share one; the price is a new address, and a new DHCP lease, after each reboot.
    /// </summary>
    public static class BoardIdentity
    {
        /// <summary>"02:4e:54:00:00:07" for a fixed address; "" for a random one at each boot.</summary>
        public const string ConfiguredMac = "";

        /// <summary>The configured address, or a fresh locally administered unicast one.</summary>
        public static byte[] MacAddress(Random random)
        {
            byte[] mac = MacAddressOf(ConfiguredMac, random);
            return mac;
        }

        /// <summary><paramref name="configured"/> parsed when it is a unicast address, else 02:4e:54 plus three random bytes.</summary>
        public static byte[] MacAddressOf(string configured, Random random)
        {
            byte[] mac = configured.Length > 0 ? Wire.MacAddress.Parse(configured) : null;
            if (mac != null && !Wire.MacAddress.IsGroup(mac, 0) && !Wire.MacAddress.IsZero(mac, 0))
            {
                return mac;
            }
            mac = new byte[] { 0x02, 0x4E, 0x54, 0, 0, 0 };
            for (int i = 3; i < 6; i++)
            {
                mac[i] = (byte)random.Next(256);
            }
            return mac;
        }
    }
}
