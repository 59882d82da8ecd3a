using System.Diagnostics;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Hal;
using NanoTcp.Sim;
using NanoTcp.Sim.Enc28j60;

namespace NanoTcp.Bench;

/// <summary>
/// SPI cost of the ENC28J60 driver against the emulator: bytes clocked per frame byte and
/// transactions per frame for 1514-byte frames, the transaction sequences, and frames per
/// second through driver + emulator on this machine.
/// </summary>
public static class Enc28j60Bench
{
    private const int FrameLength = 1514;

    public static int Run(string[] args)
    {
        double seconds = args.Length > 0 && double.TryParse(args[0], out var s) ? s : 1.0;
        Console.WriteLine("ENC28J60 driver against the register-level emulator (1514-byte frames)");
        Console.WriteLine();

        Cost("interrupt line wired (firmware)", useInterrupt: true);
        Cost("no interrupt line (polling)", useInterrupt: false);
        Sequences();
        Throughput(seconds);
        return 0;
    }

    private sealed class Setup
    {
        public readonly VirtualClock Clock = new(1000);
        public readonly VirtualEnc28j60 Chip;
        public readonly SpiRecorder Spi;
        public readonly Enc28j60 Driver;
        public readonly byte[] RxFrame = Frame(Mac);
        public readonly byte[] TxFrame = Frame(Peer);
        public readonly byte[] Buffer = new byte[1600];
        public readonly byte[] WireBuffer = new byte[1600];

        public Setup(bool useInterrupt)
        {
            Chip = new VirtualEnc28j60(Clock);
            Spi = new SpiRecorder(Chip);
            Driver = new Enc28j60(Spi, useInterrupt ? Chip : null, null, Clock, new Enc28j60Options { MacAddress = Mac }, null);
            if (!Driver.Initialize())
            {
                throw new InvalidOperationException("bring-up failed");
            }
            // Warm-up: first status check, ETXND cache.
            Chip.Wire.Transmit(RxFrame, 0, RxFrame.Length, 0);
            Driver.Receive(Buffer, 0, Buffer.Length, Clock.NowMs);
            Driver.Receive(Buffer, 0, Buffer.Length, Clock.NowMs);
            Driver.Transmit(TxFrame, 0, TxFrame.Length, Clock.NowMs);
            Driver.Transmit(TxFrame, 0, TxFrame.Length, Clock.NowMs);
            while (Chip.Wire.Receive(WireBuffer, 0, WireBuffer.Length, 0) > 0)
            {
            }
        }
    }

    private static readonly byte[] Mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    private static readonly byte[] Peer = { 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE };

    private static byte[] Frame(byte[] dst)
    {
        var f = new byte[FrameLength];
        Array.Copy(dst, f, 6);
        Array.Copy(dst == Mac ? Peer : Mac, 0, f, 6, 6);
        f[12] = 0x88;
        f[13] = 0xB5;
        for (int i = 14; i < f.Length; i++)
        {
            f[i] = (byte)i;
        }
        return f;
    }

    private static void Cost(string title, bool useInterrupt)
    {
        var s = new Setup(useInterrupt);
        var c = s.Driver.Counters;
        const int n = 1000;
        long now = s.Clock.NowMs;

        // One frame per poll, followed by the empty poll that finds nothing.
        long t0 = c.SpiTransactions, b0 = c.SpiBytes;
        for (int i = 0; i < n; i++)
        {
            s.Chip.Wire.Transmit(s.RxFrame, 0, s.RxFrame.Length, now);
            s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, now);
            s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, now);
        }
        double rxT = (c.SpiTransactions - t0) / (double)n;
        double rxB = (c.SpiBytes - b0) / (double)(n * FrameLength);

        // Bursts of 4 frames read after one EPKTCNT.
        t0 = c.SpiTransactions;
        for (int i = 0; i < n / 4; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                s.Chip.Wire.Transmit(s.RxFrame, 0, s.RxFrame.Length, now);
            }
            while (s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, now) > 0)
            {
            }
        }
        double burstT = (c.SpiTransactions - t0) / (double)(n / 4 * 4);

        t0 = c.SpiTransactions;
        b0 = c.SpiBytes;
        for (int i = 0; i < n; i++)
        {
            s.Driver.Transmit(s.TxFrame, 0, s.TxFrame.Length, now);
            while (s.Chip.Wire.Receive(s.WireBuffer, 0, s.WireBuffer.Length, now) > 0)
            {
            }
        }
        double txT = (c.SpiTransactions - t0) / (double)n;
        double txB = (c.SpiBytes - b0) / (double)(n * FrameLength);

        // The rate-limited status check, per check.
        t0 = c.SpiTransactions;
        long checks = c.StatusChecks;
        for (int i = 0; i < 100; i++)
        {
            s.Clock.Advance(11);
            s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, s.Clock.NowMs);
        }
        double idleT = (c.SpiTransactions - t0) / 100.0;

        Console.WriteLine($"[{title}]");
        Console.WriteLine($"  RX  SPI bytes clocked per frame byte      {rxB:F4}   (target <= 1.02)");
        Console.WriteLine($"  RX  SPI transactions per frame            {rxT:F2}     (target <= 8; one frame per poll + the empty poll after it)");
        Console.WriteLine($"  RX  SPI transactions per frame, burst of 4 {burstT:F2}");
        Console.WriteLine($"  TX  SPI bytes clocked per frame byte      {txB:F4}   (target <= 1.02)");
        Console.WriteLine($"  TX  SPI transactions per frame            {txT:F2}     (target <= 7; including the end-of-previous-frame check)");
        Console.WriteLine($"  status check every {new Enc28j60Options().StatusIntervalMs} ms (ECON1, EIR, EPKTCNT): {idleT:F2} transactions per idle poll that runs it ({c.StatusChecks - checks} checks)");
        Console.WriteLine();
    }

    private static void Sequences()
    {
        var s = new Setup(useInterrupt: true);
        long now = s.Clock.NowMs;

        s.Chip.Wire.Transmit(s.RxFrame, 0, s.RxFrame.Length, now);
        s.Spi.Start();
        s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, now);
        var rx = s.Spi.Stop();
        s.Spi.Start();
        s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, now);
        var empty = s.Spi.Stop();

        s.Spi.Start();
        s.Driver.Transmit(s.TxFrame, 0, s.TxFrame.Length, now);
        var tx = s.Spi.Stop();

        Console.WriteLine("RX sequence, one 1514-byte frame (interrupt line asserted):");
        Print(rx);
        Console.WriteLine($"  then the empty poll: {empty.Count} transactions (INT quiet)");
        Console.WriteLine("TX sequence, one 1514-byte frame (previous frame outstanding):");
        Print(tx);
        Console.WriteLine();
    }

    private static void Print(List<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            Console.WriteLine($"  {i + 1,2}  {lines[i]}");
        }
    }

    private static void Throughput(double seconds)
    {
        var s = new Setup(useInterrupt: true);
        var sw = Stopwatch.StartNew();
        long frames = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 100; i++)
            {
                s.Chip.Wire.Transmit(s.RxFrame, 0, s.RxFrame.Length, 0);
                if (s.Driver.Receive(s.Buffer, 0, s.Buffer.Length, s.Clock.NowMs) == FrameLength)
                {
                    frames++;
                }
            }
        }
        double rxFps = frames / sw.Elapsed.TotalSeconds;

        sw.Restart();
        frames = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 100; i++)
            {
                s.Driver.Transmit(s.TxFrame, 0, s.TxFrame.Length, s.Clock.NowMs);
                if (s.Chip.Wire.Receive(s.WireBuffer, 0, s.WireBuffer.Length, 0) == FrameLength)
                {
                    frames++;
                }
            }
        }
        double txFps = frames / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"Frames per second through driver + emulator on this machine ({seconds:F1} s each):");
        Console.WriteLine($"  RX {rxFps,12:N0} frames/s  ({rxFps * FrameLength * 8 / 1e6:N0} Mbit/s)");
        Console.WriteLine($"  TX {txFps,12:N0} frames/s  ({txFps * FrameLength * 8 / 1e6:N0} Mbit/s)");
        Console.WriteLine("  (host numbers: the device is bound by SPI clock and the nanoFramework interpreter, not by this)");
    }

    /// <summary>Decodes every SPI transaction into a line such as "RCR EPKTCNT" while recording.</summary>
    private sealed class SpiRecorder : ISpiBus
    {
        private readonly VirtualEnc28j60 _chip;
        private List<string>? _log;

        public SpiRecorder(VirtualEnc28j60 chip) => _chip = chip;

        public void Start() => _log = new List<string>();

        public List<string> Stop()
        {
            var l = _log!;
            _log = null;
            return l;
        }

        public void TransferFullDuplex(byte[] write, byte[]? read, int count)
        {
            if (_log != null)
            {
                _log.Add(Decode(_chip.CurrentBank, write, count));
            }
            _chip.TransferFullDuplex(write, read!, count);
        }

        private static readonly string[][] Names =
        {
            new[] { "ERDPTL", "ERDPTH", "EWRPTL", "EWRPTH", "ETXSTL", "ETXSTH", "ETXNDL", "ETXNDH", "ERXSTL", "ERXSTH", "ERXNDL", "ERXNDH", "ERXRDPTL", "ERXRDPTH", "ERXWRPTL", "ERXWRPTH" },
        };

        private static string Reg(int bank, int a)
        {
            switch (a)
            {
                case 0x1B: return "EIE";
                case 0x1C: return "EIR";
                case 0x1D: return "ESTAT";
                case 0x1E: return "ECON2";
                case 0x1F: return "ECON1";
            }
            if (bank == 0 && a < 16)
            {
                return Names[0][a];
            }
            if (bank == 1 && a == 0x19)
            {
                return "EPKTCNT";
            }
            return $"bank{bank}:0x{a:X2}";
        }

        private static string Decode(int bank, byte[] w, int count)
        {
            int op = w[0] >> 5, a = w[0] & 0x1F;
            return op switch
            {
                0 => $"RCR {Reg(bank, a)}",
                1 => $"RBM x{count - 1}",
                2 => $"WCR {Reg(bank, a)} = 0x{w[1]:X2}",
                3 => $"WBM x{count - 1} (control byte + frame)",
                4 => $"BFS {Reg(bank, a)} 0x{w[1]:X2}",
                5 => $"BFC {Reg(bank, a)} 0x{w[1]:X2}",
                _ => "soft reset",
            };
        }
    }
}
