using NanoTcp.Wire;

namespace NanoTcp.Tests.Support;

/// <summary>Builds complete Ethernet frames for tests (a peer host's view of the wire).</summary>
public static class Frames
{
    public static byte[] Arp(int op, byte[] senderMac, uint senderIp, byte[] targetMac, uint targetIp, byte[] dstMac = null)
    {
        var f = new byte[60];
        EthernetFrame.WriteHeader(f, 0, dstMac ?? (op == ArpPacket.OpRequest ? MacAddress.Broadcast : targetMac), 0, senderMac, EtherType.Arp);
        ArpPacket.Write(f, 14, op, senderMac, 0, senderIp, targetMac, 0, targetIp);
        return f;
    }

    public static byte[] Ipv4(byte[] srcMac, byte[] dstMac, uint src, uint dst, int protocol, byte[] transport, int id = 1)
    {
        int len = 14 + 20 + transport.Length;
        var f = new byte[len < 60 ? 60 : len];
        EthernetFrame.WriteHeader(f, 0, dstMac, 0, srcMac, EtherType.Ipv4);
        Ipv4Packet.WriteHeader(f, 14, src, dst, protocol, transport.Length, id, 64);
        transport.CopyTo(f, 34);
        return f;
    }

    public static byte[] Icmp(int type, int code, int w1, int w2, byte[] payload)
    {
        var b = new byte[8 + payload.Length];
        payload.CopyTo(b, 8);
        IcmpPacket.WriteHeaderAndChecksum(b, 0, type, code, w1, w2, payload.Length);
        return b;
    }

    public static byte[] EchoRequest(byte[] srcMac, byte[] dstMac, uint src, uint dst, int id, int seq, int payloadLength)
    {
        var payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)(i * 7);
        return Ipv4(srcMac, dstMac, src, dst, IpProtocol.Icmp, Icmp(IcmpPacket.TypeEchoRequest, 0, id, seq, payload));
    }

    public static byte[] Udp(byte[] srcMac, byte[] dstMac, uint src, int sport, uint dst, int dport, byte[] payload)
    {
        var b = new byte[8 + payload.Length];
        payload.CopyTo(b, 8);
        UdpDatagram.WriteHeaderAndChecksum(b, 0, src, sport, dst, dport, payload.Length);
        return Ipv4(srcMac, dstMac, src, dst, IpProtocol.Udp, b);
    }

    public static byte[] Tcp(byte[] srcMac, byte[] dstMac, uint src, int sport, uint dst, int dport, uint seq, uint ack, int flags, int window, byte[] options = null, byte[] payload = null)
    {
        options ??= [];
        payload ??= [];
        var b = new byte[20 + options.Length + payload.Length];
        TcpPacket.WriteHeader(b, 0, sport, dport, seq, ack, flags, window, options.Length);
        options.CopyTo(b, 20);
        payload.CopyTo(b, 20 + options.Length);
        TcpPacket.WriteChecksum(b, 0, b.Length, src, dst);
        return Ipv4(srcMac, dstMac, src, dst, IpProtocol.Tcp, b);
    }

    public static byte[] Hex(string hex)
    {
        hex = hex.Replace(" ", "").Replace("\n", "").Replace("\r", "");
        return Convert.FromHexString(hex);
    }
}
