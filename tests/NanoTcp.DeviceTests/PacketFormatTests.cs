using nanoFramework.TestFramework;
using NanoTcp.Wire;

namespace NanoTcp.DeviceTests
{
    /// <summary>Packet formats and checksums on the device: byte order, shifts and unsigned
    /// arithmetic must behave exactly as on .NET.</summary>
    [TestClass]
    public class PacketFormatTests
    {
        [TestMethod]
        public void Checksum_matches_the_RFC_1071_example()
        {
            // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2; the checksum is its complement.
            byte[] b = new byte[] { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
            Assert.AreEqual(0x220d, Checksum.Compute(b, 0, b.Length), "RFC 1071 checksum");
        }

        [TestMethod]
        public void Ipv4_header_checksum_of_a_captured_header()
        {
            // A captured IPv4/UDP header 192.168.0.1 > 192.168.0.199, checksum 0xb861.
            byte[] h = new byte[] { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
                                    0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
            Assert.AreEqual(0, Checksum.Compute(h, 0, h.Length), "a valid header sums to zero");
            h[10] = 0;
            h[11] = 0;
            Assert.AreEqual(0xb861, Checksum.Compute(h, 0, h.Length), "computed header checksum");
        }

        [TestMethod]
        public void Odd_length_checksum_pads_with_zero()
        {
            byte[] b = new byte[] { 0x01, 0x02, 0x03 };
            // 0x0102 + 0x0300 = 0x0402, complement 0xfbfd.
            Assert.AreEqual(0xfbfd, Checksum.Compute(b, 0, 3), "odd length");
        }

        [TestMethod]
        public void Ipv4_address_round_trip()
        {
            uint ip;
            Assert.IsTrue(Ipv4Address.TryParse("192.168.7.50", out ip), "parse");
            Assert.IsTrue(ip == Ipv4Address.Make(192, 168, 7, 50), "value");
            Assert.AreEqual("192.168.7.50", Ipv4Address.Format(ip), "format");
            Assert.IsFalse(Ipv4Address.TryParse("192.168.7.256", out ip), "out of range");
            Assert.IsFalse(Ipv4Address.TryParse("1.2.3", out ip), "too short");
        }

        [TestMethod]
        public void Ipv4_address_read_write_network_order()
        {
            byte[] b = new byte[6];
            NetworkOrder.WriteUInt32(b, 1, Ipv4Address.Make(10, 0, 255, 1));
            Assert.AreEqual((byte)10, b[1], "first octet");
            Assert.AreEqual((byte)255, b[3], "third octet");
            Assert.AreEqual((byte)1, b[4], "last octet");
            Assert.IsTrue(NetworkOrder.ReadUInt32(b, 1) == Ipv4Address.Make(10, 0, 255, 1), "read back");
        }
    }
}
