using System;
using System.Device.Gpio;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using NanoTcp.Device;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Firmware.Boards;
using NanoTcp.Firmware.Commands;
using NanoTcp.Firmware.Hal;
using NanoTcp.Hal;
using NanoTcp.Leds;
using NanoTcp.Scenarios;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Firmware
{
    /// <summary>
    /// The board's entry point: route the pins of the selected board (Boards/BoardPins.cs),
    /// build the ENC28J60 driver and the device composition over the nanoFramework adapters,
    /// then run the main loop forever, woken by the ENC28J60 interrupt, the next deadline or a short timeout.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            BoardPins board = BoardPins.Selected();

            // Route SPI1 and COM2 to the board's pins (ESP32 GPIO matrix).
            Configuration.SetPinFunction(board.Mosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(board.Miso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(board.Sck, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(board.ConsoleTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(board.ConsoleRx, DeviceFunction.COM2_RX);

            SerialPortLine serial = new SerialPortLine("COM2", 115200);
            IClock clock = new SystemClock();
            GpioController gpio = new GpioController();
            AutoResetEvent wake = new AutoResetEvent(false);

            ISpiBus spi = new Esp32SpiBus(board.SpiBus, board.Cs, board.SpiClockHz);
            GpioInterruptLine interrupt = new GpioInterruptLine(gpio, board.Int, wake);
            IDigitalOutput reset = board.Reset >= 0 ? new GpioOutput(gpio, board.Reset, true, true) : null;

            int ledCount = LedController.OutputCount(board.Leds);
            IDigitalOutput[] leds = new IDigitalOutput[ledCount];
            for (int i = 0; i < ledCount && i < board.LedPins.Length; i++)
            {
                leds[i] = new GpioOutput(gpio, board.LedPins[i], board.LedActiveHigh, false);
            }

            DeviceConfig config = Configure(board);

            // The driver traces through its own tracer, pointed at the console once it exists.
            Tracer driverTrace = new Tracer();
            Enc28j60Options options = new Enc28j60Options();
            options.MacAddress = config.Interface.MacAddress;
            Enc28j60 driver = new Enc28j60(spi, interrupt, reset, clock, options, driverTrace);

            DeviceComposition device = new DeviceComposition(driver, serial, leds, config);
            driverTrace.Sink = device.Console;
            driverTrace.Level = device.Tracer.Level;
            device.Console.Add(new SelftestCommands());
            Enc28j60Commands chipCommands = new Enc28j60Commands(driver, board.SpiClockHz);
            device.Console.Add(chipCommands);
            device.AddStatsSource(chipCommands);
            device.Console.Add(new BoardCommands(board));

            bool up = driver.Initialize();
            device.Start("NanoTcp on " + board.Name + ": ENC28J60 " + (up ? "rev " + driver.RevisionName : "NOT ANSWERING (check wiring, power, SPI clock)")
                + ", mac " + MacAddress.Format(config.Interface.MacAddress, 0)
                + ", " + device.FootprintBytes.ToString() + " bytes of buffers; type help");

            Run(device, driverTrace, interrupt, clock);
        }

        /// <summary>
        /// The main loop (<see cref="MainLoop"/>): poll, then sleep until the interrupt, the next
        /// deadline or MainLoop.DefaultMaxIdleMs; never while work is ready, so an answer queued
        /// in a turn leaves in that turn. Allocates nothing.
        /// </summary>
        private static void Run(DeviceComposition device, Tracer driverTrace, GpioInterruptLine interrupt, IClock clock)
        {
            AutoResetEvent wake = interrupt.Wake;
            MainLoop loop = new MainLoop(device, interrupt);
            while (true)
            {
                driverTrace.Level = device.Tracer.Level;   // the console's `trace` command applies to the driver too
                int sleepMs = loop.Turn(clock.NowMs);
                if (sleepMs > 0)
                {
                    wake.WaitOne(sleepMs, false);
                }
            }
        }

        private static DeviceConfig Configure(BoardPins board)
        {
            DeviceConfig config = new DeviceConfig();
            config.Leds = board.Leds;
            config.TraceLevel = TraceLevel.States;

            // DHCP; after two unanswered DISCOVERs (about 12 s) a link-local 169.254/16 address
            // (RFC 3927), as a PC on a direct cable takes one. For the static fallback below instead,
            // set LinkLocalAfterAttempts to 0.
            config.Interface.UseDhcp = true;
            config.Interface.LinkLocalAfterAttempts = 2;
            config.Interface.Address = Ipv4Address.Make(192, 168, 1, 50);
            config.Interface.Netmask = Ipv4Address.Make(255, 255, 255, 0);
            config.Interface.Gateway = Ipv4Address.Make(192, 168, 1, 1);
            // Configured in Boards/BoardIdentity.cs, or drawn at boot: never one address for every board.
            config.Interface.MacAddress = BoardIdentity.MacAddress(new Random());

            config.Tcp.IsnKey = IsnKey();
            // The DHCP transaction ids and other random choices differ at every boot too (RFC 2131 §4.1).
            config.Interface.Seed = BitConverter.ToUInt32(config.Tcp.IsnKey, 4);
            return config;
        }

        /// <summary>
        /// RFC 6528 secret, new at every boot: System.Random's bytes (nanoFramework's native
        /// generator) mixed with the boot time in milliseconds. The API has no documented
        /// hardware-RNG call, so this is "unpredictable enough for a lab", not cryptographic.
        /// </summary>
        private static byte[] IsnKey()
        {
            byte[] key = new byte[16];
            Random random = new Random();
            random.NextBytes(key);
            long t = Environment.TickCount64;
            for (int i = 0; i < 8; i++)
            {
                key[i] ^= (byte)(t >> (8 * i));
                key[15 - i] ^= (byte)random.Next(256);
            }
            return key;
        }
    }
}
