using System.CommandLine;
using System.CommandLine.Parsing;
using NanoTcp.Trace;

namespace NanoTcp.Cli.CommandLine;

/// <summary>`nanotcp tap`: its options and how they reach <see cref="TapCommand"/>.</summary>
public static class TapCommandLine
{
    private sealed class Symbols
    {
        public readonly Option<string> Name = NameOption("--name", 15, "the TAP interface (default nt0)", "1 to 15 letters, digits, '-', '_', '.'", "bad interface name");
        public readonly Option<string> Netns = NameOption("--netns", 64, "put the host side in a network namespace NAME, created now and deleted on exit", "letters, digits, '-', '_', '.'", "bad namespace name");
        public readonly Option<double> Drop = CliOptions.Percent("--drop", "percent of frames the bridge drops, each way");
        public readonly Option<double> Duplicate = CliOptions.Percent("--duplicate", "percent of frames the bridge duplicates");
        public readonly Option<double> Reorder = CliOptions.Percent("--reorder", "percent of frames the bridge delivers late");
        public readonly Option<double> Corrupt = CliOptions.Percent("--corrupt", "percent of frames the bridge corrupts (one bit)");
        public readonly Option<int> Delay = CliOptions.Int("--delay", "MS", 0, 60000, 0, "delay every frame by MS milliseconds", "milliseconds");
        public readonly Option<uint> Seed = CliOptions.Seed(1, "seed of the fault injector");
        public readonly Option<string> Pcap = CliOptions.OutputFile("--pcap", "record the board's side of the wire, frame by frame with wall-clock times (a .pcapng name gets a comment per frame)");
        public readonly Option<TraceLevel?> Trace = CliOptions.Trace("what the board's console reports (default segments)");
        public readonly Option<int> WireMbps = CliOptions.Int("--wire-mbps", "N", 0, 10_000, 0,
            "pace the emulated cable at N Mbit/s (10: the ENC28J60's line rate); 0 (default) runs it at host speed", "a whole number");

        public readonly BoardSizes.Symbols Sizes = new();

        public IEnumerable<Option> All => new Option[] { Name, Netns, Drop, Duplicate, Reorder, Corrupt, Delay, Seed, Pcap, Trace, WireMbps }
            .Concat(Sizes.All);
    }

    public static Command Create()
    {
        var s = new Symbols();
        var command = new Command("tap",
            "The virtual board bridged to a Linux TAP device (root), for ping, curl, nc and Wireshark: board 192.168.77.2/24.");
        foreach (var o in s.All) command.Options.Add(o);
        command.SetAction(r =>
        {
            TapOptions o = Read(s, r);
            OutputFile.Check(o.Pcap, "--pcap");
            return TapCommand.Execute(o, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>The options of a `nanotcp tap` command line (the words after "tap"); null and a one-line error when they are wrong.</summary>
    public static TapOptions Parse(string[] args, out string error)
    {
        var s = new Symbols();
        var command = new Command("tap");
        foreach (var o in s.All) command.Options.Add(o);
        return CliOptions.ParseAlone(command, args, r => Read(s, r), out error);
    }

    private static TapOptions Read(Symbols s, ParseResult r) => new()
    {
        Name = r.GetValue(s.Name) ?? "nt0",
        Netns = r.GetValue(s.Netns),
        Drop = r.GetValue(s.Drop),
        Duplicate = r.GetValue(s.Duplicate),
        Reorder = r.GetValue(s.Reorder),
        Corrupt = r.GetValue(s.Corrupt),
        DelayMs = r.GetValue(s.Delay),
        Seed = r.GetValue(s.Seed),
        Pcap = r.GetValue(s.Pcap),
        Trace = r.GetValue(s.Trace) ?? TraceLevel.Segments,
        Sizes = s.Sizes.Read(r),
        WireMbps = r.GetValue(s.WireMbps),
    };

    private static Option<string> NameOption(string name, int max, string description, string rule, string what) => new(name)
    {
        HelpName = "NAME",
        Description = description,
        CustomParser = r =>
        {
            string v = r.Tokens[0].Value;
            if (ValidName(v, max)) return v;
            r.AddError($"{what} '{v}' ({rule})");
            return null;
        },
    };

    private static bool ValidName(string v, int max)
    {
        if (v.Length == 0 || v.Length > max || v == "." || v == "..") return false;
        foreach (char c in v)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) return false;
        }
        return true;
    }
}
