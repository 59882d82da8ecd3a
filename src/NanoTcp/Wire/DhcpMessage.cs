using System;
using NanoTcp.Trace;

namespace NanoTcp.Wire
{
    /// <summary>
    /// A received DHCP message (RFC 2131 / 2132), parsed: the BOOTP fixed fields, the magic cookie
    /// and the options the client needs. One object is kept and refilled by <see cref="Parse"/>
    /// (no allocation per message); malformed option lengths make the message malformed.
    /// </summary>
    public sealed class DhcpMessage
    {
        public const int FixedLength = 236;
        public const int OptionsAt = 240;
        /// <summary>BOOTP minimum message size (RFC 1542); shorter requests are padded.</summary>
        public const int MinLength = 300;
        public const uint MagicCookie = 0x63825363;

        public const int OpRequest = 1;
        public const int OpReply = 2;

        public const int Discover = 1;
        public const int Offer = 2;
        public const int Request = 3;
        public const int Decline = 4;
        public const int Ack = 5;
        public const int Nak = 6;
        public const int Release = 7;

        public const int OptPad = 0;
        public const int OptSubnetMask = 1;
        public const int OptRouter = 3;
        public const int OptDns = 6;
        public const int OptHostName = 12;
        public const int OptRequestedIp = 50;
        public const int OptLeaseTime = 51;
        public const int OptMessageType = 53;
        public const int OptServerId = 54;
        public const int OptParameterList = 55;
        public const int OptRenewalTime = 58;
        public const int OptRebindingTime = 59;
        public const int OptClientId = 61;
        public const int OptEnd = 255;

        // Fixed fields and parsed options (0 when absent).
        public int Op;
        public uint TransactionId;
        public uint YourAddress;
        /// <summary>Where chaddr starts in the buffer given to Parse.</summary>
        public int ClientHardwareOffset;
        public int MessageType;
        public uint SubnetMask;
        public uint Router;
        public uint Dns;
        public uint ServerId;
        public uint LeaseSeconds;
        public uint RenewalSeconds;
        public uint RebindingSeconds;

        /// <summary>Checks the fixed part and cookie of the message of <paramref name="length"/> bytes at b[o], then parses options.</summary>
        public DropReason Parse(byte[] b, int o, int length)
        {
            Op = 0;
            TransactionId = 0;
            YourAddress = 0;
            ClientHardwareOffset = o + 28;
            MessageType = 0;
            SubnetMask = 0;
            Router = 0;
            Dns = 0;
            ServerId = 0;
            LeaseSeconds = 0;
            RenewalSeconds = 0;
            RebindingSeconds = 0;
            if (length < OptionsAt || b[o + 1] != 1 || b[o + 2] != 6
                || NetworkOrder.ReadUInt32(b, o + FixedLength) != MagicCookie)
            {
                return DropReason.DhcpMalformed;
            }
            Op = b[o];
            TransactionId = NetworkOrder.ReadUInt32(b, o + 4);
            YourAddress = NetworkOrder.ReadUInt32(b, o + 16);
            int i = o + OptionsAt;
            int end = o + length;
            while (i < end)
            {
                int code = b[i];
                if (code == OptEnd)
                {
                    break;
                }
                if (code == OptPad)
                {
                    i++;
                    continue;
                }
                if (i + 1 >= end)
                {
                    return DropReason.DhcpMalformed;
                }
                int len = b[i + 1];
                int v = i + 2;
                if (v + len > end)
                {
                    return DropReason.DhcpMalformed;
                }
                switch (code)
                {
                    case OptMessageType:
                        if (len != 1) return DropReason.DhcpMalformed;
                        MessageType = b[v];
                        break;
                    case OptSubnetMask:
                        if (len != 4) return DropReason.DhcpMalformed;
                        SubnetMask = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptRouter:
                        if (len < 4 || len % 4 != 0) return DropReason.DhcpMalformed;
                        Router = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptDns:
                        if (len < 4 || len % 4 != 0) return DropReason.DhcpMalformed;
                        Dns = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptServerId:
                        if (len != 4) return DropReason.DhcpMalformed;
                        ServerId = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptLeaseTime:
                        if (len != 4) return DropReason.DhcpMalformed;
                        LeaseSeconds = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptRenewalTime:
                        if (len != 4) return DropReason.DhcpMalformed;
                        RenewalSeconds = NetworkOrder.ReadUInt32(b, v);
                        break;
                    case OptRebindingTime:
                        if (len != 4) return DropReason.DhcpMalformed;
                        RebindingSeconds = NetworkOrder.ReadUInt32(b, v);
                        break;
                }
                i = v + len;
            }
            if (MessageType == 0)
            {
                return DropReason.DhcpMalformed;
            }
            return DropReason.None;
        }

        /// <summary>
        /// Writes the fixed part and cookie of a client message (broadcast flag set, so
        /// servers answer by broadcast before we have an address) and returns the options offset.
        /// </summary>
        public static int WriteFixed(byte[] b, int offset, uint xid, int secs, uint clientAddress, byte[] mac)
        {
            Array.Clear(b, offset, OptionsAt);
            b[offset] = OpRequest;
            b[offset + 1] = 1;
            b[offset + 2] = 6;
            NetworkOrder.WriteUInt32(b, offset + 4, xid);
            NetworkOrder.WriteUInt16(b, offset + 8, secs > 0xFFFF ? 0xFFFF : secs);
            NetworkOrder.WriteUInt16(b, offset + 10, clientAddress == 0 ? 0x8000 : 0);
            NetworkOrder.WriteUInt32(b, offset + 12, clientAddress);
            Array.Copy(mac, 0, b, offset + 28, 6);
            NetworkOrder.WriteUInt32(b, offset + FixedLength, MagicCookie);
            return offset + OptionsAt;
        }

        public static int WriteOptionByte(byte[] b, int at, int code, int value)
        {
            b[at] = (byte)code;
            b[at + 1] = 1;
            b[at + 2] = (byte)value;
            return at + 3;
        }

        public static int WriteOptionAddress(byte[] b, int at, int code, uint value)
        {
            b[at] = (byte)code;
            b[at + 1] = 4;
            NetworkOrder.WriteUInt32(b, at + 2, value);
            return at + 6;
        }
    }
}
