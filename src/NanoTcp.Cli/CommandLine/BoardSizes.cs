using System.CommandLine;
using NanoTcp.Device;

namespace NanoTcp.Cli.CommandLine;

/// <summary>
/// The board's table and buffer sizes from the command line (`tap`, `demo`): 0 keeps the board's
/// default (<see cref="DeviceConfig"/>). What each costs in RAM on a board is in the README.
/// </summary>
public sealed class BoardSizes
{
    public int Connections, RxRing, TxRing, OooRanges, Mss;

    /// <summary>The board's configuration with these sizes.</summary>
    public DeviceConfig DeviceConfig()
    {
        var cfg = new DeviceConfig();
        Apply(cfg);
        return cfg;
    }

    /// <summary>Puts the sizes given into <paramref name="cfg"/>.</summary>
    public void Apply(DeviceConfig cfg)
    {
        if (Connections > 0)
        {
            cfg.Tcp.Connections = Connections;
            if (cfg.Tcp.Backlog > Connections) cfg.Tcp.Backlog = Connections; // a backlog cannot exceed the table
        }
        if (RxRing > 0) cfg.Tcp.ReceiveBufferSize = RxRing;
        if (TxRing > 0) cfg.Tcp.SendBufferSize = TxRing;
        if (OooRanges > 0) cfg.Tcp.OutOfOrderRanges = OooRanges;
        if (Mss > 0) cfg.Tcp.Mss = Mss;
    }

    /// <summary>Null when the sizes make a valid board, else why not, naming the field (e.g. an MSS larger than the receive ring).</summary>
    public string Error()
    {
        try
        {
            DeviceConfig().Tcp.Validate(1460);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Split(" (Parameter")[0];
        }
    }

    /// <summary>The options, one set per command.</summary>
    public sealed class Symbols
    {
        public readonly Option<int> Connections = CliOptions.Int("--connections", "N", 1, 64, 0, "TCP connection slots (the board's default: 4)", "a whole number");
        public readonly Option<int> RxRing = CliOptions.Int("--rx-ring", "BYTES", 536, 65535, 0, "receive ring per connection, the window offered (default 2048)", "a whole number");
        public readonly Option<int> TxRing = CliOptions.Int("--tx-ring", "BYTES", 536, 1 << 20, 0, "send ring per connection (default 2048)", "a whole number");
        public readonly Option<int> OooRanges = CliOptions.Int("--ooo-ranges", "N", 1, 64, 0, "out-of-order ranges kept per connection, the holes a window can have (default 4; 8 bytes each)", "a whole number");
        public readonly Option<int> Mss = CliOptions.Int("--mss", "BYTES", 64, 1460, 0, "the MSS the board offers (default from the MTU: 1460)", "a whole number");

        public IEnumerable<Option> All => new Option[] { Connections, RxRing, TxRing, OooRanges, Mss };

        public BoardSizes Read(ParseResult r) => new()
        {
            Connections = r.GetValue(Connections),
            RxRing = r.GetValue(RxRing),
            TxRing = r.GetValue(TxRing),
            OooRanges = r.GetValue(OooRanges),
            Mss = r.GetValue(Mss),
        };
    }
}
