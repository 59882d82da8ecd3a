using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace NanoTcp.Bench;

/// <summary>
/// NanoTcp (`nanotcp tap`: emulated ENC28J60 + driver + the firmware's composition) side by side
/// with lwIP 2.1.3 (Debian's liblwip-dev, bench/lwip/lwip_tap_server.c), both serving echo and
/// discard on a TAP, against the same client: the Linux kernel's TCP (bench/lwip/kernel_client.c).
///
/// Layout (namespaces of its own, deleted at the end; no traffic leaves them):
/// <code>
///   client namespace             stack namespace                                      receiver namespace
///   kernel_client, ping          bridge br0 --+-- TAP -- nanotcp tap     192.168.77.2
///   192.168.77.1 veth ------------- veth    +-- TAP -- lwip_tap_server 192.168.77.3
///                                           +-- veth ------------------------------- veth 192.168.77.4 kernel_server
/// </code>
/// The third receiver is the Linux kernel's own TCP (bench/lwip/kernel_server.c), its window clamped
/// to NanoTcp's: what the same sender reaches at that window and loss rate with a receiver that
/// answers from the kernel's softirq, the reference the stacks' figures are read against.
/// Loss is injected in the bridge (nftables, bridge family, forward hook) the same way for both
/// stacks and in both directions: the kernel has really sent what is dropped there, so its TCP
/// retransmits (a drop at the TAP's egress hook is reported back to the sending socket and is not
/// a loss). Rounds are interleaved (the order alternates) so that the machine's load hits both alike.
/// </summary>
public static class SideBySideBench
{
    private const string ClientIp = "192.168.77.1";
    private const string NanoIp = "192.168.77.2";
    private const string LwipIp = "192.168.77.3";
    private const string KernelIp = "192.168.77.4";

    private sealed class Options
    {
        public int Rounds = 5;
        public double Seconds = 1.5;
        public double LossSeconds = 3;
        public int LossRounds = 3;
        public int Connections = 1000;
        public int RoundTrips = 2000;
    }

    public static int Run(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? v = i + 1 < args.Length ? args[i + 1] : null;
            switch (a)
            {
                case "--rounds" when v != null: o.Rounds = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--seconds" when v != null: o.Seconds = double.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--loss-seconds" when v != null: o.LossSeconds = double.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--loss-rounds" when v != null: o.LossRounds = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--quick":
                    o.Rounds = 2; o.Seconds = 1; o.LossSeconds = 2; o.LossRounds = 1; o.Connections = 300; o.RoundTrips = 500;
                    break;
                default:
                    Console.WriteLine("usage: lwip [--rounds N] [--seconds S] [--loss-seconds S] [--loss-rounds N] [--quick]");
                    return 2;
            }
        }
        string? missing = Missing();
        if (missing != null)
        {
            Console.WriteLine("lwip bench NOT RUN: " + missing);
            return 1;
        }
        using var bench = new Rig();
        try
        {
            return bench.Run(o);
        }
        catch (BenchException e)
        {
            Console.WriteLine("lwip bench failed: " + e.Message);
            bench.ShowStacks();
            return 1;
        }
    }

    private static string? Missing()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux (TAP devices, network namespaces)";
        if (Native.geteuid() != 0) return "needs root (network namespaces, TAP devices, nftables)";
        if (!File.Exists("/dev/net/tun")) return "/dev/net/tun is missing (modprobe tun)";
        foreach (var (tool, package) in new[] { ("cc", "gcc"), ("pkg-config", "pkg-config"), ("ip", "iproute2"), ("nft", "nftables"), ("ping", "iputils-ping"), ("nstat", "iproute2"), ("ethtool", "ethtool") })
        {
            if (Sh.Which(tool) == null) return $"{tool} is missing (apt-get install {package})";
        }
        if (Sh.Run("pkg-config", "--exists", "lwip").Code != 0) return "lwIP is missing (apt-get install liblwip-dev)";
        return null;
    }

    private sealed class BenchException(string message) : Exception(message);

    // ------------------------------------------------------------------ the rig

    private sealed class Rig : IDisposable
    {
        private readonly string _id = (Environment.ProcessId % 100000).ToString(CultureInfo.InvariantCulture);
        private string ClientNs => "nbc" + _id;
        private string StackNs => "nbs" + _id;
        private string VethClient => "nbvc" + _id;
        private string VethStack => "nbvs" + _id;
        private string NanoTap => "nbn" + _id;
        private string LwipTap => "nbl" + _id;
        private string KernelNs => "nbk" + _id;
        private string VethKernel => "nbvk" + _id;      // in the receiver namespace
        private string VethKernelPort => "nbvj" + _id;  // its bridge port in the stack namespace
        private string _kernelServer = "";
        private readonly string _work = Path.Combine(Path.GetTempPath(), "nanotcp-lwip-bench-" + Environment.ProcessId);
        private readonly List<StackProcess> _stacks = new();
        private bool _namespaces;
        private string _root = "";

        public int Run(Options o)
        {
            _root = RepositoryRoot();
            Directory.CreateDirectory(_work);
            string server = Path.Combine(_work, "lwip_tap_server"), client = Path.Combine(_work, "kernel_client");
            string lwipFlags = Sh.Check("pkg-config", "--cflags", "--libs", "lwip").Trim();
            Sh.Check("sh", "-c", $"cc -O2 -Wall -o {server} {_root}/bench/lwip/lwip_tap_server.c {lwipFlags} -lpthread");
            Sh.Check("cc", "-O2", "-Wall", "-o", client, $"{_root}/bench/lwip/kernel_client.c");
            _kernelServer = Path.Combine(_work, "kernel_server");
            Sh.Check("cc", "-O2", "-Wall", "-o", _kernelServer, $"{_root}/bench/lwip/kernel_server.c");
            Sh.Check("dotnet", "build", "-c", "Release", "-v", "q", "-nologo", Path.Combine(_root, "src/NanoTcp.Cli"));
            string cli = Path.Combine(_root, "src/NanoTcp.Cli/bin/Release/net10.0/NanoTcp.Cli.dll");
            Client = client;

            MakeNamespaces();
            var lwip = Start("lwIP", LwipIp, LwipTap, server, LwipTap, LwipIp, "02:4c:57:00:00:03");
            string lwipBanner = lwip.WaitFor(l => l.StartsWith("lwip ", StringComparison.Ordinal), 10);

            Console.WriteLine("Side by side: the Linux kernel's TCP (its own namespace) against two stacks on TAPs in one bridge");
            Console.WriteLine($"  lwIP: {lwipBanner}");
            Console.WriteLine($"  NanoTcp: nanotcp tap --trace off (emulated ENC28J60, host-speed cable), {o.Rounds} interleaved rounds, load average {LoadAverage()}");
            Console.WriteLine($"  transfers {o.Seconds:0.#} s each (discard: until the stack's FIN after the client's; echo: every byte back)");
            Console.WriteLine($"  Linux: the kernel's own TCP as receiver ({KernelIp}, its own namespace, same bridge), window sized to NanoTcp's (SO_RCVBUF, TCP_WINDOW_CLAMP)");
            string cc = Sh.Run("ip", "netns", "exec", ClientNs, "sysctl", "-n", "net.ipv4.tcp_congestion_control").Output.Trim();
            Console.WriteLine($"  the sender's congestion control: {cc} (net.ipv4.tcp_congestion_control in the client's namespace)");

            var configs = new (string Title, string[] Args, int Window)[]
            {
                ("NanoTcp with 64 KB rings and 16 out-of-order ranges (lwIP's window: TCP_WND 65535)", new[] { "--rx-ring", "65535", "--tx-ring", "65535", "--ooo-ranges", "16" }, 65535),
                ("NanoTcp with the board's defaults (2 KB rings, 4 connections)", Array.Empty<string>(), 2048),
            };
            var loss = new List<string>();
            foreach (var (title, extra, window) in configs)
            {
                var args = new List<string> { cli, "tap", "--name", NanoTap, "--trace", "off" };
                args.AddRange(extra);
                var nano = Start("NanoTcp", NanoIp, NanoTap, "dotnet", args.ToArray());
                nano.WaitFor(l => l.StartsWith("NanoTcp virtual board on TAP", StringComparison.Ordinal), 60);
                var linux = StartKernelReceiver(window);
                Console.WriteLine();
                Console.WriteLine(title);
                CleanRounds(o, lwip, nano, linux, window);
                loss.AddRange(LossRounds(o, lwip, nano, linux, window));
                foreach (StackProcess p in new[] { nano, linux })
                {
                    p.Stop();
                    _stacks.Remove(p);
                }
            }
            Console.WriteLine();
            Console.WriteLine("Goodput under loss (discard; nftables drops in the bridge, both directions, the same for both stacks)");
            Console.WriteLine("  dropped: packets dropped/seen in the bridge towards and from the stack; kernel retrans: TCP_INFO total_retrans");
            Console.WriteLine("  as `ss -tin` shows it, summed over the runs (nstat TcpRetransSegs); stack retrans: segments the stack sent again");
            Console.WriteLine("  (Linux: the kernel's own receiver at NanoTcp's window, the reference for what the sender allows)");
            Console.WriteLine($"  {"stack",-8} {"rings",-6} {"loss",5} {"MiB/s min/median/max",24} {"of clean",9} {"dropped to/from stack",22} {"kernel retrans",15} {"stack retrans",14}");
            foreach (string line in loss) Console.WriteLine(line);
            return 0;
        }

        public string Client { get; private set; } = "";

        /// <summary>The last lines each running stack printed (for a failure report).</summary>
        public void ShowStacks()
        {
            foreach (StackProcess s in _stacks)
            {
                Console.WriteLine($"--- {s.Name} ({(s.HasExited ? "exited" : "running")}), last lines:");
                foreach (string line in s.Output.Split('\n').TakeLast(25)) Console.WriteLine("  " + line);
            }
        }

        private readonly Dictionary<string, double> _cleanDiscard = new();


        private void CleanRounds(Options o, StackProcess lwip, StackProcess nano, StackProcess linux, int window)
        {
            var m = new Dictionary<string, List<double>>();
            void Add(StackProcess s, string metric, double v)
            {
                string k = s.Name + "|" + metric;
                if (!m.TryGetValue(k, out var list)) m[k] = list = new List<double>();
                list.Add(v);
            }
            var rtts = new List<double>();
            for (int round = 0; round < o.Rounds; round++)
            {
                var order = round % 2 == 0 ? new[] { lwip, nano } : new[] { nano, lwip };
                if (window <= 8192)
                {
                    // One window's exchange, the unit a window-limited transfer repeats: a window echoed,
                    // and a window sent to discard until all of it is acknowledged.
                    Add(nano, "rttw", Num(ClientRun("rtt", nano.Ip, o.RoundTrips, window), "rtt_us_median"));
                    Add(nano, "wrtt", Num(ClientRun("wrtt", nano.Ip, o.RoundTrips, window), "rtt_us_median"));
                }
                // The same sender into the kernel's own receiver at the same window, between the two stacks.
                var linuxDiscard = ClientRun("discard", linux.Ip, o.Seconds);
                Add(linux, "discard", Num(linuxDiscard, "mib_per_s"));
                Add(linux, "wnd", Num(linuxDiscard, "snd_wnd"));
                foreach (StackProcess s in order)
                {
                    Add(s, "conn", Num(ClientRun("conn", s.Ip, o.Connections), "conn_per_s"));
                    Add(s, "rtt", Num(ClientRun("rtt", s.Ip, o.RoundTrips), "rtt_us_median"));
                    Add(s, "ping", Ping(s.Ip, 100));
                    double cpu0 = s.CpuSeconds();
                    var discard = ClientRun("discard", s.Ip, o.Seconds);
                    double cpu = s.CpuSeconds() - cpu0;
                    double mib = Num(discard, "mib_per_s") * Num(discard, "seconds");
                    Add(s, "discard", Num(discard, "mib_per_s"));
                    Add(s, "cpu", cpu * 1000 / mib);
                    if (s == nano) rtts.Add(Num(discard, "rtt_us"));
                    Add(s, "echo", Num(ClientRun("echo", s.Ip, o.Seconds), "mib_per_s"));
                }
            }
            Console.WriteLine($"  {"metric",-42} {"lwIP min/median/max",26} {"NanoTcp min/median/max",26} {"NanoTcp/lwIP",13}");
            void Row(string metric, string label, string unit, bool higherIsBetter)
            {
                var l = m["lwIP|" + metric];
                var n = m["NanoTcp|" + metric];
                double ratio = Median(n) / Median(l);
                string r = higherIsBetter ? $"{ratio:0.00}" : $"{ratio:0.00}x";
                Console.WriteLine($"  {label,-42} {Triple(l, unit),26} {Triple(n, unit),26} {r,13}");
            }
            Row("conn", "conn/s (connect, 64 B echo, close)", "", true);
            Row("rtt", "1-byte TCP echo round trip, us", "", false);
            Row("ping", "ping round trip, us", "", false);
            Row("discard", "discard, kernel -> stack, MiB/s", "", true);
            Row("echo", "echo, MiB/s", "", true);
            Row("cpu", "CPU per MiB discarded, ms", "", false);
            double rttMed = Median(m["NanoTcp|rtt"]), pingMed = Median(m["NanoTcp|ping"]);
            Console.WriteLine($"  NanoTcp: 1-byte echo round trip / ping round trip = {rttMed / pingMed:0.00}");
            double rttUnderLoad = Median(rtts);
            double bound = window / (rttUnderLoad / 1e6) / 1048576;
            double discardMed = Median(m["NanoTcp|discard"]);
            Console.WriteLine($"  NanoTcp: window/RTT bound = {window} B / {rttUnderLoad:0} us (the kernel's smoothed RTT during discard) = {bound:0.0} MiB/s; "
                + $"discard reached {discardMed / bound * 100:0}% of it");
            if (window <= 8192)
            {
                double rttw = Median(m["NanoTcp|rttw"]), wrtt = Median(m["NanoTcp|wrtt"]);
                Console.WriteLine($"  NanoTcp: round trips: 1 B echoed {rttMed:0} us; {window} B echoed {rttw:0} us; {window} B to discard until all acknowledged {wrtt:0} us");
                void Bound(double us, string what) => Console.WriteLine($"  NanoTcp: window/RTT bound = {window} B / {us:0} us ({what}) = {window / (us / 1e6) / 1048576:0.0} MiB/s; "
                    + $"discard reached {discardMed / (window / (us / 1e6) / 1048576) * 100:0}% of it");
                Bound(rttMed, "the 1-byte echo round trip");
                Bound(wrtt, "one window to discard and its acknowledgment, the exchange discard repeats, but with no blocked sender to wake");
                if (rttw > 10 * rttMed)
                {
                    Console.WriteLine($"  NanoTcp: a {window} B echo is no bound: its last segment waits for the kernel's delayed ACK of the first (Nagle)");
                }
                else
                {
                    Bound(rttw, $"one {window} B echo, request and reply of a full and a small segment each");
                }
            }
            double linuxMed = Median(m["Linux|discard"]);
            Console.WriteLine($"  Linux receiver asked for a {window} B window (offered {Median(m["Linux|wnd"]):0} B), same sender and bridge: discard {Triple(m["Linux|discard"], " MiB/s")}; "
                + $"NanoTcp reached {discardMed / linuxMed * 100:0}% of its median");
            _cleanDiscard["lwIP|" + window] = Median(m["lwIP|discard"]);
            _cleanDiscard["NanoTcp|" + window] = discardMed;
            _cleanDiscard["Linux|" + window] = linuxMed;
        }

        private IEnumerable<string> LossRounds(Options o, StackProcess lwip, StackProcess nano, StackProcess linux, int window)
        {
            var lines = new List<string>();
            foreach (int perMille in new[] { 10, 50 })
            {
                foreach (StackProcess s in window == 65535 ? new[] { lwip, nano, linux } : new[] { nano, linux })
                {
                    var mibs = new List<double>();
                    var lossRtts = new List<double>();
                    int stalled = 0;
                    long kernelRetrans = 0, dropTo = 0, dropFrom = 0, stackRetrans0 = s.Retransmitted(), nstat0 = KernelRetransSegs();
                    long passedTo = 0, passedFrom = 0;
                    for (int r = 0; r < o.LossRounds; r++)
                    {
                        SetLoss(s.Tap, perMille);
                        var d = ClientRun("discard", s.Ip, o.LossSeconds);
                        var (pt, dt, pf, df) = LossCounters();
                        SetLoss(s.Tap, 0);
                        mibs.Add(Num(d, "mib_per_s"));
                        lossRtts.Add(Num(d, "rtt_us"));
                        if (Num(d, "stalled") > 0) stalled++;
                        kernelRetrans += (long)Num(d, "retrans");
                        dropTo += dt; dropFrom += df; passedTo += pt; passedFrom += pf;
                    }
                    // One echo under the same loss: data both ways, so the stack retransmits too.
                    SetLoss(s.Tap, perMille);
                    string echo;
                    try
                    {
                        var e = ClientRun("echo", s.Ip, o.LossSeconds);
                        kernelRetrans += (long)Num(e, "retrans");
                        echo = $"{Num(e, "mib_per_s"):0.00} MiB/s";
                    }
                    catch (BenchException x)
                    {
                        echo = "did not finish: " + x.Message;
                    }
                    var (ept, edt, epf, edf) = LossCounters();
                    SetLoss(s.Tap, 0);
                    dropTo += edt; dropFrom += edf; passedTo += ept; passedFrom += epf;
                    long stackRetrans = s.Retransmitted() - stackRetrans0;
                    string stackRetransShown = s.HasStats ? stackRetrans.ToString(CultureInfo.InvariantCulture) : "-";
                    long nstat = KernelRetransSegs() - nstat0;
                    double clean = _cleanDiscard[s.Name + "|" + window];
                    string rings = window == 65535 ? "64 KB" : "2 KB";
                    lines.Add($"  {s.Name,-8} {rings,-6} {perMille / 10.0,4:0}% {Triple(mibs, ""),24} {Median(mibs) / clean * 100,8:0}% "
                        + $"{$"{dropTo}/{passedTo + dropTo} {dropFrom}/{passedFrom + dropFrom}",22} {$"{kernelRetrans} ({nstat})",15} {stackRetransShown,14}"
                        + (stalled > 0 ? $"  {stalled} of {o.LossRounds} stalled 30 s waiting for the stack's FIN" : ""));
                    if (window == 65535 && s != lwip)
                    {
                        // What the kernel's congestion control allows any receiver at this loss rate: a window
                        // halved per loss event gives about MSS/RTT × 1.22/√p (Mathis et al., 1997), RTT
                        // the kernel's smoothed one during these transfers.
                        double p = perMille / 1000.0, rtt = Median(lossRtts) / 1e6;
                        double mathis = Math.Min(clean, 1460 / rtt * 1.22 / Math.Sqrt(p) / 1048576);
                        lines.Add($"  {"",-8} {"",-6} {"",5} the sender's congestion control allows about {mathis:0.0} MiB/s here (estimate) (1460 B / {rtt * 1e6:0} us x 1.22 / sqrt({p:0.00})): "
                            + $"reached {Median(mibs) / mathis * 100:0}% of it");
                    }
                    if (window == 2048 && s == nano)
                    {
                        // Two 1 KB segments in flight: without SACK a lost data segment or the ACK for it waits for the kernel's RTO (this estimate); SACK and the kernel's tail loss probe repair many losses sooner.
                        double p = perMille / 1000.0;
                        double rtoBound = 1024 / (p * 0.2 + 1024 / (clean * 1048576)) / 1048576;
                        lines.Add($"  {"",-8} {"",-6} {"",5} if every loss cost the kernel a 200 ms RTO (1 KB segments, {perMille / 10.0:0}% loss): {rtoBound:0.00} MiB/s");
                    }
                    lines.Add($"  {"",-8} {"",-6} {"",5} echo under the same loss: {echo}");
                }
            }
            return lines;
        }

        // ---- plumbing

        private void MakeNamespaces()
        {
            foreach (string ns in new[] { ClientNs, StackNs, KernelNs })
            {
                if (File.Exists("/run/netns/" + ns)) throw new BenchException($"network namespace {ns} exists (ip netns del {ns})");
            }
            _namespaces = true;
            Sh.Check("ip", "netns", "add", ClientNs);
            Sh.Check("ip", "netns", "add", StackNs);
            Sh.Check("ip", "netns", "add", KernelNs);
            Sh.Check("ip", "link", "add", VethClient, "type", "veth", "peer", "name", VethStack);
            Sh.Check("ip", "link", "set", VethClient, "netns", ClientNs);
            Sh.Check("ip", "link", "set", VethStack, "netns", StackNs);
            Sh.Check("ip", "-n", StackNs, "link", "add", "br0", "type", "bridge");
            Sh.Check("ip", "-n", StackNs, "link", "set", VethStack, "master", "br0");
            foreach (string dev in new[] { "lo", VethStack, "br0" }) Sh.Check("ip", "-n", StackNs, "link", "set", dev, "up");
            Sh.Check("ip", "-n", ClientNs, "addr", "add", ClientIp + "/24", "dev", VethClient);
            foreach (string dev in new[] { "lo", VethClient }) Sh.Check("ip", "-n", ClientNs, "link", "set", dev, "up");
            Sh.Run("ip", "netns", "exec", ClientNs, "sysctl", "-q", "-w", $"net.ipv6.conf.{VethClient}.disable_ipv6=1");
            // One packet on the veth is one segment on the TAP: without this the kernel hands the bridge
            // 64 KB TSO packets, and a drop in the bridge would lose dozens of segments at once.
            Sh.Check("ip", "netns", "exec", ClientNs, "ethtool", "-K", VethClient, "tso", "off", "gso", "off", "gro", "off");
            Sh.Check("ip", "netns", "exec", StackNs, "ethtool", "-K", VethStack, "tso", "off", "gso", "off", "gro", "off");
            // The kernel's receiver: a veth into the same bridge, segments as small as the others see them.
            Sh.Check("ip", "link", "add", VethKernel, "type", "veth", "peer", "name", VethKernelPort);
            Sh.Check("ip", "link", "set", VethKernel, "netns", KernelNs);
            Sh.Check("ip", "link", "set", VethKernelPort, "netns", StackNs);
            Sh.Check("ip", "-n", StackNs, "link", "set", VethKernelPort, "master", "br0");
            Sh.Check("ip", "-n", StackNs, "link", "set", VethKernelPort, "up");
            Sh.Check("ip", "-n", KernelNs, "addr", "add", KernelIp + "/24", "dev", VethKernel);
            foreach (string dev in new[] { "lo", VethKernel }) Sh.Check("ip", "-n", KernelNs, "link", "set", dev, "up");
            Sh.Run("ip", "netns", "exec", KernelNs, "sysctl", "-q", "-w", $"net.ipv6.conf.{VethKernel}.disable_ipv6=1");
            Sh.Check("ip", "netns", "exec", KernelNs, "ethtool", "-K", VethKernel, "tso", "off", "gso", "off", "gro", "off");
            Sh.Check("ip", "netns", "exec", StackNs, "ethtool", "-K", VethKernelPort, "tso", "off", "gso", "off", "gro", "off");
            string table = """
                table bridge nbloss {
                  chain drops {
                    type filter hook forward priority 0; policy accept;
                  }
                }
                """;
            Sh.Check("ip", "netns", "exec", StackNs, "nft", "-f", WriteTemp("nft-init", table));
        }

        /// <summary>The kernel's own TCP serving discard and echo at 192.168.77.4, its window clamped to <paramref name="window"/>.</summary>
        private StackProcess StartKernelReceiver(int window)
        {
            var p = StackProcess.Start("Linux", KernelIp, VethKernelPort, KernelNs, _kernelServer, new[] { KernelIp, window.ToString(CultureInfo.InvariantCulture) }, hasStats: false);
            _stacks.Add(p);
            p.WaitFor(l => l.StartsWith("kernel_server listening", StringComparison.Ordinal), 10);
            Sh.Run("ip", "netns", "exec", ClientNs, "ping", "-c", "3", "-i", "0.2", "-W", "2", KernelIp);
            return p;
        }

        private StackProcess Start(string name, string ip, string tap, string program, params string[] args)
        {
            var p = StackProcess.Start(name, ip, tap, StackNs, program, args, hasStats: true);
            _stacks.Add(p);
            // The TAP appears in the stack namespace once the program holds it; then it joins the bridge.
            var sw = Stopwatch.StartNew();
            while (Sh.Run("ip", "-n", StackNs, "link", "show", tap).Code != 0)
            {
                if (sw.Elapsed.TotalSeconds > 60 || p.HasExited) throw new BenchException($"{name} did not create TAP {tap}: {p.Output}");
                Thread.Sleep(50);
            }
            Thread.Sleep(200);
            Sh.Run("ip", "-n", StackNs, "addr", "flush", "dev", tap); // nanotcp tap gives the host side an address: not here
            Sh.Run("ip", "netns", "exec", StackNs, "sysctl", "-q", "-w", $"net.ipv6.conf.{tap}.disable_ipv6=1");
            Sh.Check("ip", "-n", StackNs, "link", "set", tap, "master", "br0");
            Sh.Check("ip", "-n", StackNs, "link", "set", tap, "up");
            // Resolve once so that the first measurement does not include ARP.
            Sh.Run("ip", "netns", "exec", ClientNs, "ping", "-c", "3", "-i", "0.2", "-W", "2", ip);
            return p;
        }

        private Dictionary<string, string> ClientRun(string mode, string ip, double n, int size = 0)
        {
            var args = new List<string> { "netns", "exec", ClientNs, Client, mode, ip, n.ToString(CultureInfo.InvariantCulture) };
            if (size > 0) args.Add(size.ToString(CultureInfo.InvariantCulture));
            var (code, output) = Sh.Run("ip", args.ToArray());
            var kv = new Dictionary<string, string>();
            foreach (Match x in Regex.Matches(output, @"(\w+)=(\S+)")) kv[x.Groups[1].Value] = x.Groups[2].Value;
            if (code != 0 || kv.ContainsKey("error")) throw new BenchException($"kernel_client {mode} {ip}: {output.Trim()}");
            return kv;
        }

        private double Ping(string ip, int count)
        {
            var (_, output) = Sh.Run("ip", "netns", "exec", ClientNs, "ping", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", "0.005", "-W", "1", ip);
            var times = Regex.Matches(output, @"time=([\d.]+) ms").Select(x => double.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture) * 1000).ToList();
            if (times.Count < count / 2) throw new BenchException($"ping {ip}: {times.Count} of {count} answered");
            return Median(times);
        }

        private long KernelRetransSegs()
        {
            var (_, output) = Sh.Run("ip", "netns", "exec", ClientNs, "nstat", "-az", "TcpRetransSegs");
            var x = Regex.Match(output, @"TcpRetransSegs\s+(\d+)");
            return x.Success ? long.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        /// <summary>Drops <paramref name="perMille"/> of the TCP packets each way between the client's veth and the stack's TAP (0: none).</summary>
        private void SetLoss(string tap, int perMille)
        {
            var sb = new StringBuilder("flush chain bridge nbloss drops\n");
            if (perMille > 0)
            {
                foreach (var (from, to, tag) in new[] { (VethStack, tap, "to"), (tap, VethStack, "from") })
                {
                    sb.Append($"add rule bridge nbloss drops iifname \"{from}\" oifname \"{to}\" ip protocol tcp numgen random mod 1000 < {perMille} counter drop comment \"drop-{tag}\"\n");
                    sb.Append($"add rule bridge nbloss drops iifname \"{from}\" oifname \"{to}\" ip protocol tcp counter comment \"pass-{tag}\"\n");
                }
            }
            Sh.Check("ip", "netns", "exec", StackNs, "nft", "-f", WriteTemp("nft-loss", sb.ToString()));
        }

        private (long PassTo, long DropTo, long PassFrom, long DropFrom) LossCounters()
        {
            string rules = Sh.Check("ip", "netns", "exec", StackNs, "nft", "list", "chain", "bridge", "nbloss", "drops");
            long Get(string tag)
            {
                var x = Regex.Match(rules, @"counter packets (\d+) bytes \d+ (?:drop )?comment """ + tag + @"""");
                return x.Success ? long.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            }
            return (Get("pass-to"), Get("drop-to"), Get("pass-from"), Get("drop-from"));
        }

        private string WriteTemp(string name, string text)
        {
            string path = Path.Combine(_work, name);
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose()
        {
            foreach (StackProcess s in _stacks) s.Stop();
            if (_namespaces)
            {
                Sh.Run("ip", "netns", "del", ClientNs);
                Sh.Run("ip", "netns", "del", StackNs);
                Sh.Run("ip", "netns", "del", KernelNs);
            }
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static string RepositoryRoot()
        {
            for (string? d = AppContext.BaseDirectory; d != null; d = Path.GetDirectoryName(d))
            {
                if (File.Exists(Path.Combine(d, "NanoTcp.sln"))) return d;
            }
            throw new BenchException("cannot find NanoTcp.sln above " + AppContext.BaseDirectory);
        }

        private static string LoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "?";
            }
        }
    }

    // ------------------------------------------------------------------ a stack under test

    private sealed class StackProcess
    {
        private readonly Process _p;
        private readonly StringBuilder _out = new();
        private readonly object _gate = new();

        private StackProcess(string name, string ip, string tap, Process p, bool hasStats)
        {
            HasStats = hasStats;
            Name = name;
            Ip = ip;
            Tap = tap;
            _p = p;
        }

        public string Name { get; }
        public string Ip { get; }
        public string Tap { get; }
        public bool HasExited => _p.HasExited;
        /// <summary>Answers `stats` with its own retransmission count (the stacks under test; not the kernel's receiver).</summary>
        public bool HasStats { get; }

        public string Output
        {
            get
            {
                lock (_gate) return _out.ToString();
            }
        }

        public static StackProcess Start(string name, string ip, string tap, string netns, string program, string[] args, bool hasStats)
        {
            var psi = new ProcessStartInfo("ip")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { "netns", "exec", netns, program }.Concat(args)) psi.ArgumentList.Add(a);
            var p = Process.Start(psi) ?? throw new BenchException("cannot start " + program);
            var s = new StackProcess(name, ip, tap, p, hasStats);
            p.OutputDataReceived += (_, e) => s.Append(e.Data);
            p.ErrorDataReceived += (_, e) => s.Append(e.Data);
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return s;
        }

        private void Append(string? line)
        {
            if (line == null) return;
            lock (_gate) _out.Append(line).Append('\n');
        }

        public string WaitFor(Func<string, bool> match, int seconds)
        {
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                string? line = Output.Split('\n').LastOrDefault(match);
                if (line != null) return line;
                if (_p.HasExited) break;
                Thread.Sleep(20);
            }
            throw new BenchException($"{Name} did not answer as expected: {Output}");
        }

        /// <summary>User + system CPU seconds of the stack's process (/proc/PID/stat; `ip netns exec` execs into it).</summary>
        public double CpuSeconds()
        {
            string stat = File.ReadAllText($"/proc/{_p.Id}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ
        }

        /// <summary>The stack's own count of TCP segments it sent again (its `stats` line).</summary>
        public long Retransmitted()
        {
            if (!HasStats) return 0;
            int before = Output.Length;
            _p.StandardInput.WriteLine("stats");
            _p.StandardInput.Flush();
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < 10)
            {
                string fresh = Output[before..];
                var x = Regex.Match(fresh, @"retransmitted (\d+)");
                if (x.Success) return long.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture);
                Thread.Sleep(20);
            }
            throw new BenchException($"{Name} did not answer `stats`: {Output[before..]}");
        }

        public void Stop()
        {
            if (_p.HasExited) return;
            Native.kill(_p.Id, 15); // SIGTERM: nanotcp tap removes its TAP; lwIP's goes with its descriptor
            if (!_p.WaitForExit(5000)) _p.Kill();
            _p.WaitForExit();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string Triple(List<double> v, string unit) =>
        $"{Fmt(v.Min())} / {Fmt(Median(v))} / {Fmt(v.Max())}{unit}";

    private static string Fmt(double x) => x >= 100 ? x.ToString("0", CultureInfo.InvariantCulture) : x >= 10 ? x.ToString("0.0", CultureInfo.InvariantCulture) : x.ToString("0.00", CultureInfo.InvariantCulture);

    private static double Num(Dictionary<string, string> kv, string key) =>
        kv.TryGetValue(key, out string? v) ? double.Parse(v, CultureInfo.InvariantCulture) : throw new BenchException($"no {key} in the client's output");

    private static class Sh
    {
        public static (int Code, string Output) Run(string program, params string[] args)
        {
            var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(120_000))
            {
                p.Kill(entireProcessTree: true);
                throw new BenchException($"{program} {string.Join(' ', args)}: no end after 120 s");
            }
            return (p.ExitCode, output + err.Result);
        }

        public static string Check(string program, params string[] args)
        {
            var (code, output) = Run(program, args);
            if (code != 0) throw new BenchException($"{program} {string.Join(' ', args)} failed: {output.Trim()}");
            return output;
        }

        public static string? Which(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    private static class Native
    {
        [DllImport("libc")]
        public static extern uint geteuid();

        [DllImport("libc")]
        public static extern int kill(int pid, int signal);
    }
}
