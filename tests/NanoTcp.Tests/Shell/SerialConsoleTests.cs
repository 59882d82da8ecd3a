using NanoTcp.Shell;
using NanoTcp.Sim.Board;
using NanoTcp.Tests.Support;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Tests.Shell;

/// <summary>The serial console through a virtual serial line, as a person at a terminal sees it.</summary>
public class SerialConsoleTests
{
    private sealed class Rig
    {
        public readonly Host Host = new(level: TraceLevel.Off);
        public readonly VirtualSerialLine Serial = new();
        public readonly SerialConsole Console;
        public readonly IpCommands Ip;

        public Rig()
        {
            Console = new SerialConsole(Serial);
            Ip = new IpCommands(Host.Iface);
            Console.Add(Ip);
            Host.Tracer.Sink = Console;
            Console.ShowPrompt();
            Serial.TakeOutput();
        }

        public string Type(string text)
        {
            Serial.Type(text);
            Console.Poll(Host.Now);
            return Serial.TakeOutput();
        }
    }

    [Fact]
    public void EchoesTypingAndShowsThePromptAfterEachCommand()
    {
        var r = new Rig();
        string o = r.Type("help\r");
        Assert.StartsWith("help\r\ncommands:\r\n", o);
        Assert.Contains("  ifconfig ", o);
        Assert.Contains("  ping <ip> [count] ", o);
        Assert.EndsWith("\r\n" + SerialConsole.Prompt, o);
    }

    [Fact]
    public void BackspaceAndCtrlUEditTheLine()
    {
        var r = new Rig();
        string o = r.Type("arx\bp\r");
        Assert.Contains("x\b \bp", o);
        Assert.Contains("address          mac", o);
        o = r.Type("garbage\u0015stats\r");
        Assert.Contains("frames  in ", o);
        Assert.DoesNotContain("unknown command", o);
    }

    [Fact]
    public void CrLfIsOneEnterAndEmptyLinesJustPrompt()
    {
        var r = new Rig();
        string o = r.Type("\r\n\r\n");
        Assert.Equal("\r\n" + SerialConsole.Prompt + "\r\n" + SerialConsole.Prompt, o);
    }

    [Fact]
    public void UnknownCommandsAndBadArgumentsGiveOneLineErrors()
    {
        var r = new Rig();
        Assert.Contains("error: unknown command 'frobnicate' (type help)", r.Type("frobnicate now\r"));
        Assert.Contains("error: usage: ping <ip> [count]", r.Type("ping 300.1.1.1\r"));
        Assert.Contains("error: count must be 1..1000", r.Type("ping 192.168.7.10 zero\r"));
        Assert.Contains("error: trace takes off, states, segments or frames", r.Type("trace loud\r"));
    }

    [Fact]
    public void IfconfigShowsAddressMacAndDhcp()
    {
        var r = new Rig();
        r.Host.Poll();
        string o = r.Type("ifconfig\r");
        Assert.Contains("eth0  link up  mac 02:4e:54:00:00:01  mtu 1500", o);
        Assert.Contains("inet 192.168.7.50/24  mask 255.255.255.0  gateway 192.168.7.1", o);
        Assert.Contains("dhcp off (static address)", o);
    }

    [Fact]
    public void ArpListsResolvedEntries()
    {
        var r = new Rig();
        r.Host.Exchange(Frames.Arp(ArpPacket.OpRequest, Host.PeerMac, Host.PeerIp, MacAddress.Zero, Host.StackIp));
        r.Host.Now = 3000;
        string o = r.Type("arp\r");
        Assert.Contains("192.168.7.10     02:00:00:00:00:10  resolved  3 s", o);
    }

    [Fact]
    public void StatsListDropsByReasonAndTheFootprint()
    {
        var r = new Rig();
        r.Host.Exchange(new byte[10]);
        string o = r.Type("stats\r");
        Assert.Contains("drops by reason:", o);
        Assert.Contains("         1  eth too-short", o);
        Assert.Contains("memory  interface ", o);
    }

    [Fact]
    public void TraceCommandChangesTheLevelAndTracesInterleaveWithThePrompt()
    {
        var r = new Rig();
        Assert.Contains("trace segments", r.Type("trace segments\r"));
        r.Type("ar"); // half-typed
        r.Host.Exchange(Frames.Arp(ArpPacket.OpRequest, Host.PeerMac, Host.PeerIp, MacAddress.Zero, Host.StackIp));
        string o = r.Serial.TakeOutput();
        Assert.Contains("arp < who-has 192.168.7.50 tell 192.168.7.10\r\n", o);
        Assert.EndsWith(SerialConsole.Prompt + "ar", o); // the partial command is shown again
        Assert.Contains("address", r.Type("p\r"));
    }

    [Fact]
    public void PingPrintsRepliesTimeoutsAndASummary()
    {
        var r = new Rig();
        r.Host.Exchange(Frames.Arp(ArpPacket.OpRequest, Host.PeerMac, Host.PeerIp, MacAddress.Zero, Host.StackIp));
        string o = r.Type("ping 192.168.7.10 2\r");
        Assert.Contains("PING 192.168.7.10: 56 data bytes", o);
        // The peer answers the first request after 3 ms.
        var request = Assert.Single(r.Host.Drain());
        var ip = new Ipv4View(request, 14, request.Length - 14);
        var icmp = new IcmpView(request, ip.PayloadOffset, ip.PayloadLength);
        var payload = request.AsSpan(icmp.PayloadOffset, icmp.PayloadLength).ToArray();
        r.Host.Now += 3;
        r.Host.Send(Frames.Ipv4(Host.PeerMac, r.Host.StackMac, Host.PeerIp, Host.StackIp, IpProtocol.Icmp,
            Frames.Icmp(IcmpPacket.TypeEchoReply, 0, icmp.EchoIdentifier, icmp.EchoSequence, payload)));
        r.Host.Poll();
        Assert.Contains("64 bytes from 192.168.7.10: seq=1 time=3 ms", r.Serial.TakeOutput());
        // The second goes unanswered.
        r.Host.Now = 1003; r.Ip.Poll(r.Host.Now);
        Assert.Single(r.Host.Drain());
        r.Host.Now = 2003; r.Ip.Poll(r.Host.Now);
        o = r.Serial.TakeOutput();
        Assert.Contains("request timeout for seq=2", o);
        Assert.Contains("--- 192.168.7.10: 2 sent, 1 received", o);
        Assert.False(r.Ip.PingRunning);
    }

    [Fact]
    public void ALineArrivingAtAnEmptyPromptIsWrittenOverItNotAfterIt()
    {
        var r = new Rig();
        r.Type("trace segments\r");
        r.Host.Poll(); // link up
        r.Serial.TakeOutput();
        r.Host.Exchange(Frames.Arp(ArpPacket.OpRequest, Host.PeerMac, Host.PeerIp, MacAddress.Zero, Host.StackIp));
        string o = r.Serial.TakeOutput();
        // "\r" back to column 0, the trace line (longer than the prompt, so it covers it), then a fresh prompt.
        Assert.StartsWith("\r[      0] arp < who-has 192.168.7.50 tell 192.168.7.10\r\n" + SerialConsole.Prompt, o);
        Assert.DoesNotContain(SerialConsole.Prompt + "\r\n", o); // never a prompt alone on its line
    }
}
