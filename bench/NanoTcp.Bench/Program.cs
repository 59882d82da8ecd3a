namespace NanoTcp.Bench;

/// <summary>
/// Dispatches on the first argument; each bench lives in its own file and adds one line here.
/// Run: dotnet run -c Release --project bench/NanoTcp.Bench -- enc28j60
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, (string Help, Func<string[], int> Run)> Benches = new()
    {
        ["interface"] = ("interface layer: checksum MB/s, ping and UDP echo round trips/s, footprint, allocation", InterfaceBench.Run),
        ["enc28j60"] = ("ENC28J60 driver + emulator: SPI cost per frame, transaction sequences, frames/s", Enc28j60Bench.Run),
        ["lwip"] = ("side by side with lwIP 2.1.3 on TAPs, the kernel's TCP as client (root): conn/s, RTT, MiB/s, CPU/MiB, loss", SideBySideBench.Run),
        ["tcp"] = ("TCP: static footprint, two-stack bulk transfer MB/s and ns/segment, default and 64 KB rings", TcpBench.Run),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Benches.TryGetValue(args[0], out var bench))
        {
            Console.WriteLine("usage: NanoTcp.Bench <bench> [args]");
            foreach (var (name, b) in Benches)
            {
                Console.WriteLine($"  {name,-12} {b.Help}");
            }
            return args.Length == 0 ? 0 : 2;
        }
        return bench.Run(args[1..]);
    }
}
