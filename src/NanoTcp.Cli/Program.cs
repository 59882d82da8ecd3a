namespace NanoTcp.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "demo";
        switch (command)
        {
            case "demo":
                return IpDemo.Run(Console.Out);
            case "-h":
            case "--help":
            case "help":
                Console.WriteLine("usage: nanotcp [demo]");
                Console.WriteLine();
                Console.WriteLine("  demo   a virtual board and PC on an in-memory link: ARP, ping, UDP echo, with the serial trace");
                return 0;
            default:
                Console.Error.WriteLine($"nanotcp: unknown command '{command}' (try --help)");
                return 2;
        }
    }
}
