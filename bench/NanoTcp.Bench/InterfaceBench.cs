using System.Diagnostics;
using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Bench;

/// <summary>
/// The interface layer on this machine: Internet checksum throughput, ping and UDP echo
/// round trips per second through Poll on a memory link, static footprint, and bytes
/// allocated per packet after warm-up.
/// </summary>
public static class InterfaceBench
{
    public static int Run(string[] args)
    {
        Checksums();
        RoundTrips("ping (56 bytes)", udp: false, 56);
        RoundTrips("ping (1472 bytes)", udp: false, 1472);
        RoundTrips("udp echo (64 bytes)", udp: true, 64);
        RoundTrips("udp echo (1472 bytes)", udp: true, 1472);
        var iface = new NetInterface(new MemoryLink().A, new InterfaceConfig(), null);
        Console.WriteLine($"static footprint, default InterfaceConfig: {iface.FootprintBytes:N0} bytes");
        return 0;
    }

    private static void Checksums()
    {
        var data = new byte[1500];
        new Random(1).NextBytes(data);
        int sink = 0;
        for (int i = 0; i < 20_000; i++) sink ^= Checksum.Compute(data, 0, data.Length);
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        while (sw.ElapsedMilliseconds < 1000)
        {
            for (int i = 0; i < 1000; i++) sink ^= Checksum.Compute(data, 0, data.Length);
            bytes += 1000L * data.Length;
        }
        double mbs = bytes / sw.Elapsed.TotalSeconds / 1e6;
        Console.WriteLine($"checksum, 1500-byte buffers:        {mbs,10:N0} MB/s   (checksum {sink & 1})");
    }

    private static void RoundTrips(string name, bool udp, int payload)
    {
        var link = new MemoryLink(16, 1514);
        uint stackIp = Ipv4Address.Make(192, 168, 7, 50), peerIp = Ipv4Address.Make(192, 168, 7, 10);
        byte[] peerMac = { 2, 0, 0, 0, 0, 0x10 };
        var iface = new NetInterface(link.A, new InterfaceConfig { Address = stackIp }, new Tracer());
        var echo = new UdpEchoService(iface, 7);
        iface.Arp.Update(peerIp, peerMac, 0, 0, true);
        byte[] frame = udp ? BuildUdp(iface.MacAddress, peerMac, peerIp, stackIp, payload) : BuildPing(iface.MacAddress, peerMac, peerIp, stackIp, payload);
        var rx = new byte[1514];
        long now = 0;
        long count = 0;
        void Batch(int n)
        {
            for (int i = 0; i < n; i++)
            {
                link.B.Transmit(frame, 0, frame.Length, now);
                iface.Poll(now);
                echo.Poll(now);
                while (link.B.Receive(rx, 0, rx.Length, now) > 0) count++;
            }
        }
        Batch(10_000);
        count = 0;
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 1000) Batch(10_000);
        double seconds = sw.Elapsed.TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        Console.WriteLine($"{name,-34} {count / seconds,10:N0} round trips/s  {seconds * 1e9 / count,7:N0} ns each  {allocated / (double)count:N1} bytes allocated per packet");
    }

    private static byte[] BuildPing(byte[] dstMac, byte[] srcMac, uint src, uint dst, int payload)
    {
        var f = new byte[34 + 8 + payload];
        EthernetFrame.WriteHeader(f, 0, dstMac, 0, srcMac, EtherType.Ipv4);
        Ipv4Packet.WriteHeader(f, 14, src, dst, IpProtocol.Icmp, 8 + payload, 1, 64);
        IcmpPacket.WriteHeaderAndChecksum(f, 34, IcmpPacket.TypeEchoRequest, 0, 1, 1, payload);
        return f;
    }

    private static byte[] BuildUdp(byte[] dstMac, byte[] srcMac, uint src, uint dst, int payload)
    {
        var f = new byte[34 + 8 + payload];
        EthernetFrame.WriteHeader(f, 0, dstMac, 0, srcMac, EtherType.Ipv4);
        Ipv4Packet.WriteHeader(f, 14, src, dst, IpProtocol.Udp, 8 + payload, 1, 64);
        UdpDatagram.WriteHeaderAndChecksum(f, 34, src, 4000, dst, 7, payload);
        return f;
    }
}
