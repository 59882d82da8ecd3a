using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoTcp.Portability.Tests;

/// <summary>Shared test fixtures: the real catalogue, the gate, and a snippet compiler.</summary>
internal static class Gate
{
    private static readonly Lazy<ApiCatalogue> LazyApi = new Lazy<ApiCatalogue>(() =>
        ApiCatalogue.Load(ApiCatalogue.FindApiDirectory()));

    public static ApiCatalogue Api => LazyApi.Value;

    public static PortabilityGate Instance => new PortabilityGate(Api);

    private static readonly Lazy<MetadataReference[]> References = new Lazy<MetadataReference[]>(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES"))
            .Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>
    /// Compiles C# source the way src/NanoTcp is compiled (C# 9, library, nullable off)
    /// against the running .NET's assemblies, and returns the gate's offenders.
    /// </summary>
    public static IReadOnlyList<Offender> CheckSource(string source, bool genericsOnly = false)
    {
        var compilation = CSharpCompilation.Create(
            "Snippet",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp9)) },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success)
            throw new InvalidOperationException("snippet does not compile:\n" + string.Join("\n", errors));
        stream.Position = 0;
        return new PortabilityGate(Api) { GenericsOnly = genericsOnly }.Check(stream);
    }

    public static string Describe(IReadOnlyList<Offender> offenders) => PortabilityGate.Report("Snippet", offenders);
}
