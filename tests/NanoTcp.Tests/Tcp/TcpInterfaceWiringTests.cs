using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Tcp;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Tcp;

/// <summary>
/// What crosses between the interface and TCP besides segments: ICMP errors quoting our segments
/// (path MTU, unreachable), the address-change notice, and the device refusing frames (back-pressure).
/// </summary>
public class TcpInterfaceWiringTests
{
    private sealed class Rig
    {
        public readonly Host H;
        public readonly TcpStack Tcp;
        public int Handle;
        public uint PeerNxt = 1000;
        public uint StackNxt;

        public Rig(INetworkDevice device = null, TcpConfig config = null)
        {
            H = new Host(device: device);
            Tcp = new TcpStack(config ?? new TcpConfig { SendBufferSize = 8192 }, H.Iface, H.Tracer);
            H.Iface.AttachTransport(Tcp);
            H.Iface.Arp.Update(Host.PeerIp, Host.PeerMac, 0, 0, true);
        }

        public byte[] Segment(int flags, uint seq, uint ack, byte[] payload = null, byte[] options = null) =>
            Frames.Tcp(Host.PeerMac, H.StackMac, Host.PeerIp, 40000, Host.StackIp, 80, seq, ack, flags, 65535, options, payload);

        public void Open()
        {
            int l = Tcp.Listen(80);
            var synAck = H.Exchange(Segment(TcpFlags.Syn, PeerNxt, 0, options: new byte[] { 2, 4, 5, 180 })).Single();
            StackNxt = NetworkOrder.ReadUInt32(synAck, 34 + 4) + 1;
            PeerNxt++;
            H.Exchange(Segment(TcpFlags.Ack, PeerNxt, StackNxt));
            Handle = Tcp.Accept(l);
            Assert.True(Handle >= 0);
        }
    }

    [Fact]
    public void FragmentationNeededFromARouterLowersTheMssAndTheDataIsResentSmaller()
    {
        var r = new Rig();
        r.Open();
        r.Tcp.Send(r.Handle, new byte[1460], 0, 1460);
        byte[] big = r.H.Exchange().Single();
        Assert.Equal(14 + 20 + 20 + 1460, big.Length);
        Assert.True(new Ipv4View(big, 14, big.Length - 14).DontFragment, "DF on every segment");
        // A router one hop away: ICMP type 3 code 4, next-hop MTU 1200, quoting our IPv4 header + 8 bytes.
        var quote = big.AsSpan(14, 28).ToArray();
        var icmp = Frames.Icmp(3, 4, 0, 1200, quote);
        var router = Ipv4Address.Make(192, 168, 7, 1);
        var resent = r.H.Exchange(Frames.Ipv4(Host.PeerMac, r.H.StackMac, router, Host.StackIp, IpProtocol.Icmp, icmp));
        Assert.Equal(1160, r.Tcp.GetConnection(r.Handle).SendMss);
        Assert.Equal(new[] { 1160, 300 }, resent.Select(f => new Ipv4View(f, 14, f.Length - 14).PayloadLength - 20).ToArray());
        Assert.Equal(1, r.Tcp.IcmpErrorsIn);
    }

    [Fact]
    public void ChangingTheAddressClosesConnectionsBoundToTheOldOne()
    {
        var r = new Rig();
        r.Open();
        r.H.Iface.SetAddress(Ipv4Address.Make(192, 168, 7, 99), 0xFFFFFF00, 0, r.H.Now);
        Assert.Equal(TcpState.Closed, r.Tcp.GetState(r.Handle));
        Assert.Equal(TcpCloseReason.AddressChanged, r.Tcp.GetCloseReason(r.Handle));
        Assert.DoesNotContain(r.H.Drain(), f => NetworkOrder.ReadUInt16(f, 12) == EtherType.Ipv4 && f[23] == IpProtocol.Tcp);
    }

    /// <summary>A device whose transmit queue is full until told otherwise.</summary>
    private sealed class Refusing : INetworkDevice
    {
        private readonly INetworkDevice _inner;
        public bool Full;
        public int Refused;
        public Refusing(INetworkDevice inner) => _inner = inner;
        public int MaxFrameLength => _inner.MaxFrameLength;
        public bool LinkUp => _inner.LinkUp;
        public int Receive(byte[] buffer, int offset, int capacity, long nowMs) => _inner.Receive(buffer, offset, capacity, nowMs);
        public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
        {
            if (Full) { Refused++; return false; }
            return _inner.Transmit(buffer, offset, length, nowMs);
        }
    }

    [Fact]
    public void DataTheDeviceRefusesIsSentLaterNotLost()
    {
        var link = new MemoryLink(64, 1514);
        var dev = new Refusing(link.A);
        var h = new Host(device: dev);
        var tcp = new TcpStack(new TcpConfig { SendBufferSize = 8192 }, h.Iface, h.Tracer);
        h.Iface.AttachTransport(tcp);
        h.Iface.Arp.Update(Host.PeerIp, Host.PeerMac, 0, 0, true);
        int l = tcp.Listen(80);
        byte[] Seg(int flags, uint seq, uint ack) => Frames.Tcp(Host.PeerMac, h.StackMac, Host.PeerIp, 40000, Host.StackIp, 80, seq, ack, flags, 65535, new byte[] { 2, 4, 5, 180 });
        link.B.Transmit(Seg(TcpFlags.Syn, 1000, 0), 0, 58, 0);
        h.Poll();
        var synAck = new byte[1514];
        int n = link.B.Receive(synAck, 0, synAck.Length, 0);
        uint iss = NetworkOrder.ReadUInt32(synAck, 38);
        link.B.Transmit(Seg(TcpFlags.Ack, 1001, iss + 1), 0, 58, 0);
        h.Poll();
        int handle = tcp.Accept(l);
        dev.Full = true;
        tcp.Send(handle, new byte[2920], 0, 2920); // two full segments (Nagle would hold a partial third)
        h.Advance(1);
        Assert.True(dev.Refused > 0);
        var c = tcp.GetConnection(handle);
        Assert.Equal(c.SendUnacknowledged, c.SendNext); // nothing counted as sent
        Assert.True(tcp.TransmitRefused > 0);
        Assert.Equal(h.Now + 1, tcp.NextTimerMs()); // tries again a millisecond later, not in a spin
        dev.Full = false;
        h.Advance(1);
        var f = new byte[1514];
        int bytes = 0;
        while ((n = link.B.Receive(f, 0, f.Length, h.Now)) > 0)
        {
            bytes += new Ipv4View(f, 14, n - 14).PayloadLength - 20;
        }
        Assert.Equal(2920, bytes);
        Assert.Equal(0, c.Retransmits);
    }
}
