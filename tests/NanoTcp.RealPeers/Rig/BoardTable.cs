using NanoTcp.Sim.Board;
using NanoTcp.Tcp;

namespace NanoTcp.RealPeers.Rig;

/// <summary>Questions about the board's connection table (ask them inside <see cref="RealPeerRig.Invoke{T}"/>).</summary>
public static class BoardTable
{
    /// <summary>No slot in use: every connection closed and every TIME-WAIT over.</summary>
    public static bool Idle(VirtualBoard b) => CountState(b, null) == 0;

    /// <summary>Slots in use in <paramref name="state"/> (any state when null).</summary>
    public static int CountState(VirtualBoard b, TcpState? state)
    {
        int n = 0;
        for (int i = 0; i < b.Device.Tcp.ConnectionSlots; i++)
        {
            TcpConnection c = b.Device.Tcp.ConnectionAt(i);
            if (c.IsInUse && (state == null || c.CurrentState == state)) n++;
        }
        return n;
    }

    /// <summary>The connection with the kernel's port <paramref name="remotePort"/>, or null.</summary>
    public static TcpConnection? ConnectionFrom(VirtualBoard b, int remotePort)
    {
        for (int i = 0; i < b.Device.Tcp.ConnectionSlots; i++)
        {
            TcpConnection c = b.Device.Tcp.ConnectionAt(i);
            if (c.IsInUse && c.RemotePortNumber == remotePort) return c;
        }
        return null;
    }
}
