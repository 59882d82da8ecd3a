using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Iface;

/// <summary>
/// The data path allocates nothing after start-up: nanoFramework's GC stops the world, so
/// a packet must never cost an allocation. Measured with the runtime's per-thread counter.
/// </summary>
public class AllocationTests
{
    [Theory]
    [InlineData(TraceLevel.Off)]
    [InlineData(TraceLevel.Frames)] // traces formatted into the preallocated line, as the serial console does
    public void ArpPingAndUdpEchoAllocateNothingAfterWarmUp(TraceLevel level)
    {
        var link = new MemoryLink(16, 1514);
        var sink = new FormattingSink();
        var iface = new NetInterface(link.A, new InterfaceConfig { Address = Host.StackIp }, new Tracer(sink, level));
        var echo = new UdpEchoService(iface, 7);
        byte[] arp = Frames.Arp(ArpPacket.OpRequest, Host.PeerMac, Host.PeerIp, MacAddress.Zero, Host.StackIp);
        byte[] ping = Frames.EchoRequest(Host.PeerMac, iface.MacAddress, Host.PeerIp, Host.StackIp, 1, 1, 56);
        byte[] udp = Frames.Udp(Host.PeerMac, iface.MacAddress, Host.PeerIp, 4000, Host.StackIp, 7, new byte[64]);
        byte[] rx = new byte[1514];
        long replies = 0;

        long Run(int packets, long now)
        {
            for (int i = 0; i < packets; i++)
            {
                byte[] f = (i % 3) switch { 0 => arp, 1 => ping, _ => udp };
                link.B.Transmit(f, 0, f.Length, now);
                iface.Poll(now);
                echo.Poll(now);
                while (link.B.Receive(rx, 0, rx.Length, now) > 0) replies++;
                now += 1;
            }
            return now;
        }

        long t = 0;
        long allocated = Allocations.SteadyState(() => t = Run(10_000, t));

        Assert.Equal(0, allocated);
        Assert.True(replies >= 20_000 && replies % 10_000 == 0, replies.ToString()); // every packet answered
        Assert.Equal(0, iface.Counters.RxDropped);
        Assert.True(level == TraceLevel.Off || sink.Events > 40_000);
    }
}
