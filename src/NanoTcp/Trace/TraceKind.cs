namespace NanoTcp.Trace
{
    /// <summary>What a <see cref="TraceEvent"/> reports; decides which fields are meaningful.</summary>
    public enum TraceKind
    {
        /// <summary>A frame received from the device (Data = the frame). Level Frames.</summary>
        FrameIn = 0,
        /// <summary>A frame handed to the device (Data = the frame). Level Frames.</summary>
        FrameOut = 1,
        /// <summary>Something was discarded: Code = DropReason, SrcIp = its sender when known. Level Segments.</summary>
        Drop = 2,
        /// <summary>ARP: Code = ArpTraceCode, SrcIp/DstIp = the addresses involved. Level Segments.</summary>
        Arp = 3,
        /// <summary>ICMP in or out: Outbound, SrcIp, DstIp, Code = type, Seq = echo sequence, Length = payload. Level Segments.</summary>
        Icmp = 4,
        /// <summary>UDP in or out: Outbound, SrcIp, SrcPort, DstIp, DstPort, Length = payload. Level Segments.</summary>
        Udp = 5,
        /// <summary>DHCP client: Code = DhcpTraceCode, SrcIp = address concerned, Value = seconds or attempt. Level States.</summary>
        Dhcp = 6,
        /// <summary>Link went up (Code 1) or down (Code 0). Level States.</summary>
        Link = 7,
        /// <summary>TCP state change on connection Connection: From -> To (TcpState values). Level States.</summary>
        TcpState = 8,
        /// <summary>TCP segment in or out on Connection (-1 none): addresses, ports, Flags, Seq, Ack, Window, Length, Mss. Level Segments.</summary>
        TcpSegment = 9,
        /// <summary>TCP timer on Connection: Code = timer kind, Value = milliseconds or attempt. Level States.</summary>
        TcpTimer = 10,
        /// <summary>Driver event: Code = driver-specific event, Value = detail. Level States.</summary>
        Driver = 11,
        /// <summary>Interface address configured: SrcIp = address, DstIp = gateway, Value = prefix length. Level States.</summary>
        Address = 12,
    }
}
