using System.Diagnostics;

namespace NanoTcp.Tests.Support;

/// <summary>Runs the built `nanotcp` (NanoTcp.Cli.dll next to the tests) as its own process, as a user would.</summary>
public static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "NanoTcp.Cli.dll");

    /// <summary>A start description for `dotnet NanoTcp.Cli.dll ARGS` in <paramref name="workingDirectory"/>,
    /// optionally wrapped in another command (<paramref name="wrapper"/> + its arguments, then dotnet ...).</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, params string[] wrapper)
    {
        var psi = new ProcessStartInfo(wrapper.Length > 0 ? wrapper[0] : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string w in wrapper.Skip(1)) psi.ArgumentList.Add(w);
        if (wrapper.Length > 0) psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(Dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return psi;
    }

    /// <summary>Runs to the end (at most <paramref name="timeoutMs"/>); exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(ProcessStartInfo psi, int timeoutMs = 120_000)
    {
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish in {timeoutMs} ms");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
