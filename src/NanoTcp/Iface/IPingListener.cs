namespace NanoTcp.Iface
{
    /// <summary>Told about ICMP echo replies (the console's ping command).</summary>
    public interface IPingListener
    {
        void OnEchoReply(uint source, int identifier, int sequence, int payloadLength, long nowMs);
    }
}
