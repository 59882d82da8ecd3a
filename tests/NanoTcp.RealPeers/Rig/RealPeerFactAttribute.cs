using System.Runtime.CompilerServices;
using NanoTcp.Sim.Tap;

namespace NanoTcp.RealPeers.Rig;

/// <summary>
/// A real-peer test: run when this process can create TAP devices and namespaces (Linux, root,
/// /dev/net/tun) and the programs it needs are installed (<see cref="Needs"/>, besides
/// <see cref="HostTools.Always"/>), otherwise reported as skipped with the reason. The reason is
/// also in the test's name, because `dotnet test` prints skipped tests by name only.
/// </summary>
public sealed class RealPeerFactAttribute : FactAttribute
{
    private readonly string _name;

    public RealPeerFactAttribute([CallerFilePath] string file = "", [CallerMemberName] string test = "")
    {
        _name = RealPeerSkip.Name(file, test);
        (Skip, DisplayName) = RealPeerSkip.For(_name, "");
    }

    /// <summary>Host programs this case runs besides the ones every case runs, separated by spaces ("nmap ping").</summary>
    public string Needs
    {
        get => "";
        set => (Skip, DisplayName) = RealPeerSkip.For(_name, value);
    }
}

/// <summary>The <see cref="RealPeerFactAttribute"/> for theories.</summary>
public sealed class RealPeerTheoryAttribute : TheoryAttribute
{
    private readonly string _name;

    public RealPeerTheoryAttribute([CallerFilePath] string file = "", [CallerMemberName] string test = "")
    {
        _name = RealPeerSkip.Name(file, test);
        (Skip, DisplayName) = RealPeerSkip.For(_name, "");
    }

    /// <summary>Host programs this case runs besides the ones every case runs, separated by spaces.</summary>
    public string Needs
    {
        get => "";
        set => (Skip, DisplayName) = RealPeerSkip.For(_name, value);
    }
}

/// <summary>Why a real-peer case cannot run here (null: it can), and the name it is then reported under.</summary>
internal static class RealPeerSkip
{
    public static string Name(string file, string test) => $"NanoTcp.RealPeers.{Path.GetFileNameWithoutExtension(file)}.{test}";

    public static (string Skip, string DisplayName) For(string name, string needs)
    {
        string skip = RealPeerRig.SkipReason ?? HostTools.Missing(HostTools.Always + " " + needs);
        return (skip, skip == null ? null : $"{name} (skipped: {skip})");
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
