namespace NanoTcp.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "demo";
        switch (command)
        {
            case "demo":
                string pcap = null;
                for (int i = 1; i < args.Length; i++)
                {
                    if (args[i] == "--pcap" && i + 1 < args.Length) pcap = args[++i];
                    else
                    {
                        Console.Error.WriteLine($"nanotcp demo: unknown option '{args[i]}' (try --help)");
                        return 2;
                    }
                }
                return IpDemo.Run(Console.Out, pcap);
            case "lab":
                if (args.Length == 1) return Lab.LabCommand.List(Console.Out);
                string labPcap = null;
                for (int i = 2; i < args.Length; i++)
                {
                    if (args[i] == "--pcap" && i + 1 < args.Length) labPcap = args[++i];
                    else
                    {
                        Console.Error.WriteLine($"nanotcp lab: unknown option '{args[i]}' (try --help)");
                        return 2;
                    }
                }
                return Lab.LabCommand.Run(args[1], Console.Out, labPcap);
            case "-h":
            case "--help":
            case "help":
                Console.WriteLine("usage: nanotcp [demo [--pcap FILE]]");
                Console.WriteLine();
                Console.WriteLine("  demo   a virtual board and PC on an in-memory link: ARP, ping, UDP echo, with the serial trace;\n         --pcap FILE writes the board's side of the wire for Wireshark");
                return 0;
            default:
                Console.Error.WriteLine($"nanotcp: unknown command '{command}' (try --help)");
                return 2;
        }
    }
}
