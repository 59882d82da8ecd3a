using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NanoTcp.Portability.Tests;

/// <summary>
/// src/NanoTcp/BannedSymbols.txt: the analyzer silently ignores an ID that matches nothing,
/// so a typo would quietly disarm a ban. Every entry must name a real .NET symbol, carry a
/// reason, and ban something that nanoFramework indeed lacks.
/// </summary>
public class BannedSymbolsTests
{
    private static string BannedSymbolsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "NanoTcp", "BannedSymbols.txt");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("src/NanoTcp/BannedSymbols.txt not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_entry_resolves_to_a_dotnet_symbol_and_has_a_reason()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES"))
            .Split(Path.PathSeparator).Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Probe", null, references);

        var problems = new List<string>();
        var entries = File.ReadAllLines(BannedSymbolsPath())
            .Where(l => l.Trim().Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToList();
        foreach (var line in entries)
        {
            var semicolon = line.IndexOf(';');
            var id = semicolon < 0 ? line : line.Substring(0, semicolon);
            if (semicolon < 0 || line.Substring(semicolon + 1).Trim().Length == 0)
                problems.Add(id + ": no reason given");
            if (DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation) == null)
                problems.Add(id + ": matches no .NET symbol (typo?)");
            // A banned type must really be missing on the device (else the ban is wrong).
            if (id.StartsWith("T:", StringComparison.Ordinal) && Gate.Api.HasType(id.Substring(2)) && !id.Contains('`'))
                problems.Add(id + ": nanoFramework has this type");
        }
        Assert.True(entries.Count > 30, "only " + entries.Count + " entries");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
