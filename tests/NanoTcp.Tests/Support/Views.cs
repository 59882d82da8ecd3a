using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Support;

// Test-side conveniences over the stack's static packet accessors: a (buffer, offset, length)
// triple with the fields as properties, so assertions read like the packet. The stack itself
// uses the static accessors directly (a struct view would be a heap object per call on the board).

public readonly record struct EthView(byte[] B, int O, int Len)
{
    public DropReason Validate() => EthernetFrame.Validate(B, O, Len);
    public int EtherType => EthernetFrame.Type(B, O);
    public int PayloadOffset => O + EthernetFrame.HeaderLength;
    public int PayloadLength => Len - EthernetFrame.HeaderLength;
}

public readonly record struct Ipv4View(byte[] B, int O, int Available)
{
    public DropReason Validate() => Ipv4Packet.Validate(B, O, Available);
    public int HeaderLengthBytes => Ipv4Packet.HeaderBytes(B, O);
    public int TotalLength => Ipv4Packet.TotalLength(B, O);
    public int Identification => Ipv4Packet.Identification(B, O);
    public bool DontFragment => Ipv4Packet.DontFragment(B, O);
    public bool MoreFragments => Ipv4Packet.MoreFragments(B, O);
    public int FragmentOffset => Ipv4Packet.FragmentOffset(B, O);
    public bool IsFragment => Ipv4Packet.IsFragment(B, O);
    public int Ttl => Ipv4Packet.Ttl(B, O);
    public int Protocol => Ipv4Packet.Protocol(B, O);
    public uint Source => Ipv4Packet.Source(B, O);
    public uint Destination => Ipv4Packet.Destination(B, O);
    public int PayloadOffset => Ipv4Packet.PayloadOffset(B, O);
    public int PayloadLength => Ipv4Packet.PayloadLength(B, O);
}

public readonly record struct TcpView(byte[] B, int O, int Len)
{
    public DropReason Validate(uint src, uint dst) => TcpPacket.Validate(B, O, Len, src, dst);
    public int SourcePort => TcpPacket.SourcePort(B, O);
    public int DestinationPort => TcpPacket.DestinationPort(B, O);
    public uint SequenceNumber => TcpPacket.SequenceNumber(B, O);
    public uint AckNumber => TcpPacket.AckNumber(B, O);
    public int HeaderLengthBytes => TcpPacket.DataOffset(B, O);
    public int Flags => TcpPacket.Flags(B, O);
    public bool Syn => (Flags & TcpFlags.Syn) != 0;
    public bool Ack => (Flags & TcpFlags.Ack) != 0;
    public bool Fin => (Flags & TcpFlags.Fin) != 0;
    public bool Rst => (Flags & TcpFlags.Rst) != 0;
    public int Window => TcpPacket.Window(B, O);
    public int OptionsOffset => O + TcpPacket.HeaderLength;
    public int OptionsLength => HeaderLengthBytes - TcpPacket.HeaderLength;
    public int PayloadOffset => O + HeaderLengthBytes;
    public int PayloadLength => Len - HeaderLengthBytes;
}

public readonly record struct UdpView(byte[] B, int O, int Available)
{
    public DropReason Validate(uint src, uint dst) => UdpDatagram.Validate(B, O, Available, src, dst);
    public int SourcePort => UdpDatagram.SourcePort(B, O);
    public int DestinationPort => UdpDatagram.DestinationPort(B, O);
    public int Length => UdpDatagram.Length(B, O);
    public int PayloadOffset => O + UdpDatagram.HeaderLength;
    public int PayloadLength => UdpDatagram.PayloadLength(B, O);
}

public readonly record struct IcmpView(byte[] B, int O, int Len)
{
    public DropReason Validate() => IcmpPacket.Validate(B, O, Len);
    public int Type => IcmpPacket.Type(B, O);
    public int Code => IcmpPacket.Code(B, O);
    public int EchoIdentifier => IcmpPacket.EchoIdentifier(B, O);
    public int EchoSequence => IcmpPacket.EchoSequence(B, O);
    public int PayloadOffset => O + IcmpPacket.HeaderLength;
    public int PayloadLength => Len - IcmpPacket.HeaderLength;
}

public readonly record struct ArpView(byte[] B, int O, int Available)
{
    public DropReason Validate() => ArpPacket.Validate(B, O, Available);
    public int Operation => ArpPacket.Operation(B, O);
    public int SenderHardwareOffset => O + ArpPacket.SenderHardwareAt;
    public uint SenderProtocolAddress => ArpPacket.SenderProtocolAddress(B, O);
    public int TargetHardwareOffset => O + ArpPacket.TargetHardwareAt;
    public uint TargetProtocolAddress => ArpPacket.TargetProtocolAddress(B, O);
}
