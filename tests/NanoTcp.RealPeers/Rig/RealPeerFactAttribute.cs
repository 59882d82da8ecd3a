using NanoTcp.Sim.Tap;

namespace NanoTcp.RealPeers.Rig;

/// <summary>
/// A real-peer test: run when this process can create TAP devices and namespaces (Linux, root,
/// /dev/net/tun), otherwise reported as skipped with the reason.
/// </summary>
public sealed class RealPeerFactAttribute : FactAttribute
{
    public RealPeerFactAttribute()
    {
        if (RealPeerRig.SkipReason != null) Skip = RealPeerRig.SkipReason;
    }
}

/// <summary>The <see cref="RealPeerFactAttribute"/> for theories.</summary>
public sealed class RealPeerTheoryAttribute : TheoryAttribute
{
    public RealPeerTheoryAttribute()
    {
        if (RealPeerRig.SkipReason != null) Skip = RealPeerRig.SkipReason;
    }
}

/// <summary>
/// Every real-peer test runs alone: they run on the wall clock against the kernel, and two cores
/// shared by a 4 MB transfer and a SYN flood would test the machine, not the stack.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealPeersCollection
{
    public const string Name = "real peers";
}
