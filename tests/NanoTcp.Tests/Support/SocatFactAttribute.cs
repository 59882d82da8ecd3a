namespace NanoTcp.Tests.Support;

/// <summary>A test that needs socat (a pseudo-terminal pair): skipped, naming the package, where it is missing.</summary>
public sealed class SocatFactAttribute : FactAttribute
{
    public SocatFactAttribute()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Skip = "pseudo-terminals need Linux or macOS";
        else if (!Installed("socat")) Skip = "socat is not installed: apt-get install socat (.ci/run installs it)";
    }

    public static bool Installed(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
}
