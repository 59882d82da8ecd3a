using NanoTcp.Iface;
using NanoTcp.Phy;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Support;

/// <summary>
/// A NanoTcp interface on one end of a memory link, and a test peer on the other end that
/// injects frames and reads what the stack sends, on a virtual clock.
/// </summary>
public sealed class Host
{
    public static readonly byte[] PeerMac = { 0x02, 0, 0, 0, 0, 0x10 };
    public static readonly uint PeerIp = Ipv4Address.Make(192, 168, 7, 10);
    public static readonly uint StackIp = Ipv4Address.Make(192, 168, 7, 50);

    public readonly MemoryLink Link = new(64, 1514);
    public readonly NetInterface Iface;
    public readonly CapturingSink Sink = new();
    public readonly Tracer Tracer;
    public long Now;
    private readonly byte[] _rx = new byte[1514];

    public Host(InterfaceConfig config = null, TraceLevel level = TraceLevel.Frames, INetworkDevice device = null)
    {
        config ??= new InterfaceConfig { Address = StackIp, Netmask = 0xFFFFFF00, Gateway = Ipv4Address.Make(192, 168, 7, 1) };
        Tracer = new Tracer(Sink, level);
        Iface = new NetInterface(device ?? Link.A, config, Tracer);
    }

    public byte[] StackMac => Iface.MacAddress;

    public void Send(byte[] frame) => Assert.True(Link.B.Transmit(frame, 0, frame.Length, Now));

    public int Poll() => Iface.Poll(Now);

    /// <summary>Polls, then returns every frame the stack sent.</summary>
    public List<byte[]> Exchange(byte[] frame = null)
    {
        if (frame != null) Send(frame);
        Poll();
        return Drain();
    }

    public List<byte[]> Drain()
    {
        var list = new List<byte[]>();
        int n;
        while ((n = Link.B.Receive(_rx, 0, _rx.Length, Now)) > 0)
        {
            list.Add(_rx.AsSpan(0, n).ToArray());
        }
        return list;
    }

    public void Advance(long ms)
    {
        Now += ms;
        Poll();
    }
}
