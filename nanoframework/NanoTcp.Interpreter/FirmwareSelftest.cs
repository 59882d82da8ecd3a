using System;
using NanoTcp.Device;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Hal;
using NanoTcp.Leds;
using NanoTcp.Scenarios;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Interpreter
{
    /// <summary>
    /// The board's `selftest`, as a board owner runs it: the firmware's composition (ENC28J60 driver,
    /// interface, TCP, services, console, LEDs, the selftest command) is built first, as
    /// firmware/Program.cs builds it, and stays allocated; then each scenario is typed on the console
    /// (`selftest NAME`). After each one a line gives its cost:
    /// "heap NAME cpu_us=N gcs=N free_after_gc=BYTES live=BYTES" (free_after_gc -1: no collection ran).
    /// </summary>
    public sealed class FirmwareSelftest
    {
        private readonly SteppedClock _clock = new SteppedClock();
        private readonly ConsoleSerialLine _serial = new ConsoleSerialLine();
        private DeviceComposition _device;

        /// <summary>Lowest free heap after a collection seen while a scenario ran (peak use = heap size minus this).</summary>
        public long LowestFreeAfterCollection = -1;

        /// <summary>
        /// Heap held aside while the scenarios run: each must pass with this much less than the board
        /// has, so the margin between the largest scenario and running out of memory cannot shrink unseen.
        /// </summary>
        public const int ReserveBytes = 2048;
        private byte[] _reserve;

        public void Run()
        {
            long before = Heap.LiveBytes();
            Console.WriteLine("program live=" + before.ToString());
            Build();
            long composition = Heap.LiveBytes() - before;
            Console.WriteLine("firmware-composition live=" + composition.ToString() + " heap=" + Heap.Size.ToString()
                + " block=" + Heap.BlockBytes.ToString());
            _reserve = new byte[ReserveBytes];
            Console.WriteLine("selftest-reserve bytes=" + _reserve.Length.ToString());

            for (int i = 0; ; i++)
            {
                Scenario scenario = ScenarioRegistry.At(i);
                if (scenario == null)
                {
                    break;
                }
                string name = scenario.Name;
                scenario = null; // only the console's own instance runs
                long gcs = Heap.Collections;
                long cpu = Heap.CpuMicroseconds;
                _serial.Type("selftest " + name);
                _device.Poll(_clock.NowMs);
                _serial.Flush();
                cpu = Heap.CpuMicroseconds - cpu;
                gcs = Heap.Collections - gcs;
                long free = -1;
                if (gcs > 0)
                {
                    free = Heap.FreeAfterLastCollection;
                    if (LowestFreeAfterCollection < 0 || free < LowestFreeAfterCollection)
                    {
                        LowestFreeAfterCollection = free;
                    }
                }
                long live = Heap.LiveBytes();
                Console.WriteLine("heap " + name + " cpu_us=" + cpu.ToString() + " gcs=" + gcs.ToString()
                    + " free_after_gc=" + free.ToString() + " live=" + live.ToString());
                _clock.Advance(10);
            }
            _reserve = null;
            Console.WriteLine("selftest-peak lowest_free_after_gc=" + LowestFreeAfterCollection.ToString()
                + " heap=" + Heap.Size.ToString());
        }

        /// <summary>firmware/Program.cs's composition over stand-ins for the SPI bus, pins and serial port.</summary>
        private void Build()
        {
            DeviceConfig config = new DeviceConfig();
            config.Leds = LedLayout.Single;
            config.TraceLevel = TraceLevel.States;
            config.Interface.UseDhcp = true;
            config.Interface.Address = Ipv4Address.Make(192, 168, 1, 50);
            config.Interface.Netmask = Ipv4Address.Make(255, 255, 255, 0);
            config.Interface.Gateway = Ipv4Address.Make(192, 168, 1, 1);
            config.Interface.MacAddress = new byte[] { 0x02, 0x4E, 0x54, 0x00, 0x00, 0x01 };
            config.Tcp.IsnKey = new byte[16];

            IDigitalOutput[] leds = new IDigitalOutput[LedController.OutputCount(config.Leds)];
            for (int i = 0; i < leds.Length; i++)
            {
                leds[i] = new UnconnectedOutput();
            }
            Tracer driverTrace = new Tracer();
            Enc28j60Options options = new Enc28j60Options();
            options.MacAddress = config.Interface.MacAddress;
            Enc28j60 driver = new Enc28j60(new AbsentSpiBus(), new QuietInterruptLine(), new UnconnectedOutput(), _clock, options, driverTrace);

            _device = new DeviceComposition(driver, _serial, leds, config);
            driverTrace.Sink = _device.Console;
            driverTrace.Level = _device.Tracer.Level;
            _device.Console.Add(new SelftestCommands());

            bool up = driver.Initialize();
            _device.Start("NanoTcp in nanoCLR: ENC28J60 " + (up ? "rev " + driver.RevisionName : "absent (stand-in SPI bus)")
                + ", " + _device.FootprintBytes.ToString() + " bytes of buffers");
            _device.Poll(_clock.NowMs);
            _serial.Flush();
        }
    }
}
