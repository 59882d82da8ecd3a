using NanoTcp.Cli;
using NanoTcp.Cli.CommandLine;
using NanoTcp.Sim.Tap;
using NanoTcp.Trace;

namespace NanoTcp.Tests.Tap;

/// <summary>`nanotcp tap` arguments and errors: none of these need root.</summary>
public class TapOptionsTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        TapOptions o = TapCommandLine.Parse(Array.Empty<string>(), out string error);
        Assert.Null(error);
        Assert.Equal("nt0", o.Name);
        Assert.Null(o.Netns);
        Assert.Equal("", o.CommandPrefix);
        Assert.Equal(TraceLevel.Segments, o.Trace);
        Assert.Equal(0, o.Drop + o.Duplicate + o.Reorder + o.Corrupt + o.DelayMs);
    }

    [Fact]
    public void ParsesEveryOption()
    {
        TapOptions o = TapCommandLine.Parse(new[] { "--name", "tap7", "--netns", "lab", "--drop", "10", "--duplicate", "2.5", "--reorder", "5",
            "--corrupt", "0.1", "--delay", "20", "--seed", "42", "--pcap", "/tmp/x.pcap", "--trace", "frames" }, out string error);
        Assert.Null(error);
        Assert.Equal("tap7", o.Name);
        Assert.Equal("lab", o.Netns);
        Assert.Equal("ip netns exec lab ", o.CommandPrefix);
        Assert.Equal(10, o.Drop);
        Assert.Equal(2.5, o.Duplicate);
        Assert.Equal(5, o.Reorder);
        Assert.Equal(0.1, o.Corrupt);
        Assert.Equal(20, o.DelayMs);
        Assert.Equal(42u, o.Seed);
        Assert.Equal("/tmp/x.pcap", o.Pcap);
        Assert.Equal(TraceLevel.Frames, o.Trace);
    }

    [Fact]
    public void SizesComeFromTheCommandLineAndDefaultToTheBoards()
    {
        var board = new NanoTcp.Device.DeviceConfig();
        var d = TapCommandLine.Parse(Array.Empty<string>(), out _).DeviceConfig();
        Assert.Equal(board.Tcp.Connections, d.Tcp.Connections);
        Assert.Equal(board.Tcp.ReceiveBufferSize, d.Tcp.ReceiveBufferSize);
        Assert.Equal(board.Tcp.SendBufferSize, d.Tcp.SendBufferSize);
        Assert.Equal(board.Tcp.Mss, d.Tcp.Mss);
        Assert.Equal(board.Tcp.OutOfOrderRanges, d.Tcp.OutOfOrderRanges);

        TapOptions o = TapCommandLine.Parse(new[] { "--connections", "8", "--rx-ring", "65535", "--tx-ring", "16384", "--ooo-ranges", "16", "--mss", "1200", "--wire-mbps", "10" }, out string error);
        Assert.Null(error);
        var c = o.DeviceConfig();
        Assert.Equal(8, c.Tcp.Connections);
        Assert.Equal(65535, c.Tcp.ReceiveBufferSize);
        Assert.Equal(16384, c.Tcp.SendBufferSize);
        Assert.Equal(1200, c.Tcp.Mss);
        Assert.Equal(16, c.Tcp.OutOfOrderRanges);
        Assert.Null(o.Sizes.Error());

        // One connection: the backlog follows the table instead of failing validation.
        TapOptions one = TapCommandLine.Parse(new[] { "--connections", "1" }, out error);
        Assert.Null(error);
        Assert.Null(one.Sizes.Error());
        Assert.Equal(1, one.DeviceConfig().Tcp.Backlog);
        // Sizes that cannot work together are one line naming the field, before any TAP is made.
        TapOptions bad = TapCommandLine.Parse(new[] { "--rx-ring", "600", "--mss", "1000" }, out error);
        Assert.Null(error);
        Assert.Equal("TcpConfig.Mss = 1000: must be not larger than ReceiveBufferSize", bad.Sizes.Error());
        var output = new StringWriter();
        Assert.Equal(2, TapCommand.Run(bad, output, CancellationToken.None));
        Assert.Equal("nanotcp tap: TcpConfig.Mss = 1000: must be not larger than ReceiveBufferSize", output.ToString().Trim());
        Assert.Equal(10, o.WireMbps);
    }

    [Theory]
    [InlineData("nanotcp tap: unknown option '--bogus' (nanotcp tap --help lists the options)", "--bogus", "1")]
    [InlineData("nanotcp tap: --rx-ring wants a whole number 536..65535, not '70000'", "--rx-ring", "70000")]
    [InlineData("nanotcp tap: --connections wants a whole number 1..64, not '0'", "--connections", "0")]
    [InlineData("nanotcp tap: --ooo-ranges wants a whole number 1..64, not '65'", "--ooo-ranges", "65")]
    [InlineData("nanotcp tap: --mss wants a whole number 64..1460, not '9000'", "--mss", "9000")]
    [InlineData("nanotcp tap: --wire-mbps wants a whole number 0..10000, not 'fast'", "--wire-mbps", "fast")]
    [InlineData("nanotcp tap: --drop wants a percentage 0..100, not '150'", "--drop", "150")]
    [InlineData("nanotcp tap: --drop wants a percentage 0..100, not 'lots'", "--drop", "lots")]
    [InlineData("nanotcp tap: --delay wants milliseconds 0..60000, not '-5'", "--delay", "-5")]
    [InlineData("nanotcp tap: --seed wants a non-negative whole number, not 'x'", "--seed", "x")]
    [InlineData("nanotcp tap: --trace wants off, states, segments or frames, not 'loud'", "--trace", "loud")]
    [InlineData("nanotcp tap: bad interface name 'much-too-long-name' (1 to 15 letters, digits, '-', '_', '.')", "--name", "much-too-long-name")]
    [InlineData("nanotcp tap: bad namespace name 'a/b' (letters, digits, '-', '_', '.')", "--netns", "a/b")]
    [InlineData("nanotcp tap: --pcap needs a value (nanotcp tap --help lists the options)", "--pcap")]
    [InlineData("nanotcp tap: unexpected argument 'now' (nanotcp tap --help lists the options)", "now")]
    public void BadArgumentsGiveOneLineErrors(string expected, params string[] args)
    {
        Assert.Null(TapCommandLine.Parse(args, out string error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TapDeviceRefusesABadNameBeforeTouchingTheKernel()
    {
        var e = Assert.Throws<TapException>(() => new TapDevice("no/slash"));
        Assert.Contains("bad interface name 'no/slash'", e.Message);
    }

    [Fact]
    public void RunFailsWithOneLineWhenItCannotCreateTheTap()
    {
        var output = new StringWriter();
        int code = TapCommand.Run(new TapOptions { Name = "bad name" }, output, CancellationToken.None);
        Assert.Equal(1, code);
        string text = output.ToString().TrimEnd();
        Assert.DoesNotContain('\n', text);
        if (TapDevice.IsRoot)
        {
            Assert.StartsWith("nanotcp tap: error: bad interface name", text);
        }
        else
        {
            Assert.Equal("nanotcp tap: error: " + TapDevice.NeedsRoot, text);
        }
    }

    [Fact]
    public void AnExistingInterfaceThatIsNotATapIsNamed()
    {
        if (!TapDevice.IsRoot || !File.Exists(TapDevice.TunPath)) return; // needs root: nothing to check without it
        var e = Assert.Throws<TapException>(() => new TapDevice("lo"));
        Assert.Equal("cannot create TAP device lo: an interface of that name exists and is not a TAP device (choose another --name)", e.Message);
    }
}
