namespace NanoTcp.Sim.Board;

/// <summary>
/// Counts the TCP segments a stack sends again, seen from its side of the wire: a segment carrying
/// data (or SYN/FIN) whose end is at or below the highest sequence number already sent on its
/// flow. It does not need the stack's cooperation, so the side-by-side bench counts NanoTcp's
/// retransmissions and lwIP's (in its TAP server) the same way.
/// </summary>
public sealed class TcpRetransmissionCounter
{
    private readonly Dictionary<(uint Ip, uint Ports), uint> _highest = new();

    public long Segments { get; private set; }
    public long Retransmitted { get; private set; }

    /// <summary>Looks at one outgoing Ethernet frame; anything but IPv4/TCP is ignored.</summary>
    public void Observe(byte[] f, int length)
    {
        if (length < 54 || f[12] != 0x08 || f[13] != 0x00 || f[23] != 6) return;
        int ihl = (f[14] & 0x0F) * 4;
        int total = f[16] << 8 | f[17];
        int t = 14 + ihl;
        if (t + 20 > length) return;
        int payload = total - ihl - (f[t + 12] >> 4) * 4;
        bool synOrFin = (f[t + 13] & 0x03) != 0;
        if (payload <= 0 && !synOrFin) return;
        Segments++;
        uint seq = Read32(f, t + 4);
        uint end = seq + (uint)Math.Max(payload, 0) + (synOrFin ? 1u : 0u);
        var key = (Read32(f, 30), Read32(f, t));
        if ((f[t + 13] & 0x02) != 0 || !_highest.TryGetValue(key, out uint high))
        {
            _highest[key] = end; // a new flow, or a new incarnation of one
            return;
        }
        if ((int)(end - high) <= 0) Retransmitted++;
        else _highest[key] = end;
    }

    private static uint Read32(byte[] b, int o) => (uint)(b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]);
}
