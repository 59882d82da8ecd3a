#nullable enable

using System.Reflection;
using NanoTcp.Cli.Lab.Script;

namespace NanoTcp.Cli.Lab;

/// <summary>
/// The built-in scenarios: the textbook questions of the lab kit, written in the lab's scenario
/// format (Lab/Scenarios/*.lab, embedded in the command), in teaching order.
/// </summary>
public static class LabScenarios
{
    /// <summary>Teaching order: opening, losses while opening, closing (four, three, half), TIME-WAIT, the rare states, resets, flow control.</summary>
    private static readonly string[] Order =
    {
        "handshake", "three-handshakes", "data-in-handshake", "lost-syn-ack",
        "normal-close", "time-wait", "four-way-close", "three-way-close", "half-close", "old-duplicate",
        "simultaneous-open", "simultaneous-close", "closed-port", "reset", "zero-window",
    };

    private static readonly Lazy<LabScript[]> Loaded = new(Load);

    public static LabScript[] All => Loaded.Value;

    public static LabScript? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>The text of a built-in scenario (what `lab show NAME` prints, a starting point for a teacher's own).</summary>
    public static string? Text(string name)
    {
        using var stream = typeof(LabScenarios).Assembly.GetManifestResourceStream($"lab/{name}.lab");
        return stream == null ? null : new StreamReader(stream).ReadToEnd();
    }

    private static LabScript[] Load()
    {
        var asm = typeof(LabScenarios).Assembly;
        var names = asm.GetManifestResourceNames().Where(n => n.StartsWith("lab/", StringComparison.Ordinal)).Select(n => n[4..^4]).ToList();
        var missing = Order.Except(names).Concat(names.Except(Order)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException("built-in lab scenarios out of step with their order: " + string.Join(", ", missing));
        return Order.Select(n => LabScriptParser.Parse(Text(n)!, $"built-in {n}.lab", n)).ToArray();
    }
}
