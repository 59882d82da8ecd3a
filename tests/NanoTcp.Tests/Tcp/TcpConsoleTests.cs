using NanoTcp.Scenarios;
using NanoTcp.Services;
using NanoTcp.Shell;
using NanoTcp.Sim.Board;
using NanoTcp.Tcp;
using Xunit;

namespace NanoTcp.Tests.Tcp;

/// <summary>`netstat` and `selftest` on the serial console.</summary>
public class TcpConsoleTests
{
    private static (SerialConsole Console, VirtualSerialLine Serial) Console(params ICommandSet[] sets)
    {
        var serial = new VirtualSerialLine();
        var console = new SerialConsole(serial);
        foreach (var s in sets) console.Add(s);
        console.ShowPrompt();
        serial.TakeOutput();
        return (console, serial);
    }

    [Fact]
    public void NetstatShowsConnectionsListenersAndCounters()
    {
        var s = new TwoStacks(new TcpConfig(), new TcpConfig(), 1);
        var echo = new TcpEchoService(s.B, 7, 1);
        int h = s.A.Connect(TwoStacks.AddressB, 7, 0);
        for (int i = 0; i < 20; i++) { s.Poll(); echo.Poll(s.Now); s.Now++; }
        var (console, serial) = Console(new TcpCommands(s.B));
        serial.Type("netstat\r");
        console.Poll(s.Now);
        string o = serial.TakeOutput();
        Assert.Contains("tcp  state", o);
        Assert.Contains("#0   ESTABLISHED   10.0.0.2:7", o);
        Assert.Contains("10.0.0.1:49152", o);
        Assert.Contains("#1   free", o);
        Assert.Contains("listeners: 7 (syns dropped 0, cookies 0)", o);
        Assert.Contains("tcp: segments in ", o);
        Assert.True(h >= 0);
    }

    [Fact]
    public void SelftestRunsOneScenarioOrListsThem()
    {
        var (console, serial) = Console(new SelftestCommands());
        serial.Type("selftest open-passive\r");
        console.Poll(0);
        string o = serial.TakeOutput();
        Assert.Contains("ok   open-passive", o);
        Assert.Contains("selftest: 1 passed, 0 failed", o);
        serial.Type("selftest list\r");
        console.Poll(0);
        o = serial.TakeOutput();
        Assert.Contains("lost-final-ack  why 2MSL", o);
        serial.Type("selftest nosuch\r");
        console.Poll(0);
        Assert.Contains("error: no scenario named nosuch", serial.TakeOutput());
    }
}
