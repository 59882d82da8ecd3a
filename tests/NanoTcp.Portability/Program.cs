namespace NanoTcp.Portability;

/// <summary>
/// Console entry point:
///   dotnet run --project tests/NanoTcp.Portability -- [--api DIR] Assembly.dll [More.dll ...]
/// Prints every offender and exits 1 when there is any, 0 when all assemblies are portable,
/// 2 on usage errors. DIR defaults to the firmware/api copy next to the tool.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string apiDir = null;
        var assemblies = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--api" && i + 1 < args.Length) apiDir = args[++i];
            else if (args[i] == "-h" || args[i] == "--help") return Usage(0);
            else assemblies.Add(args[i]);
        }
        if (assemblies.Count == 0) return Usage(2);

        apiDir ??= ApiCatalogue.FindApiDirectory();
        if (apiDir == null || !Directory.Exists(apiDir))
        {
            Console.Error.WriteLine("nanoFramework API directory not found (use --api firmware/api)");
            return 2;
        }
        var api = ApiCatalogue.Load(apiDir);
        var gate = new PortabilityGate(api);

        int total = 0;
        foreach (var path in assemblies)
        {
            if (!File.Exists(path))
            {
                Console.Error.WriteLine("no such assembly: " + path);
                return 2;
            }
            var offenders = gate.Check(path);
            total += offenders.Count;
            Console.WriteLine(PortabilityGate.Report(Path.GetFileName(path), offenders));
        }
        return total == 0 ? 0 : 1;
    }

    private static int Usage(int code)
    {
        Console.Error.WriteLine("usage: NanoTcp.Portability [--api DIR] Assembly.dll [More.dll ...]");
        return code;
    }
}
