using NanoTcp.Leds;

namespace NanoTcp.Firmware.Boards
{
    /// <summary>
    /// One board's wiring: the ESP32 GPIOs wired to the ENC28J60 module, the LEDs and the
    /// console UART (COM2). The board is chosen at build time: define one of DEVKITC (default),
    /// NODEMCU32S, WROVERKIT or S3 in the project's DefineConstants. Every board's pin map is
    /// also written out, with the reason for each pin, in boards/&lt;board&gt;/README.md; a host
    /// test (tests/NanoTcp.Firmware.Gate) checks that the README tables and these values agree.
    /// </summary>
    public sealed class BoardPins
    {
        /// <summary>Default SPI clock: 10 MHz (80 MHz / 8, exact on ESP32). The ENC28J60 takes at
        /// most 20 MHz; below 8 MHz its MAC registers are unreliable on rev B1/B4 silicon.</summary>
        public const int DefaultSpiClockHz = 10000000;
        public const int MinSpiClockHz = 8000000;
        public const int MaxSpiClockHz = 20000000;

        /// <summary>Folder name under boards/.</summary>
        public string Name;
        /// <summary>nanoFramework SPI bus id (1 = SPI1: its pins are set with DeviceFunction.SPI1_*).</summary>
        public int SpiBus = 1;
        public int SpiClockHz = DefaultSpiClockHz;
        public int Sck;
        public int Mosi;
        public int Miso;
        public int Cs;
        /// <summary>ENC28J60 INT (active low).</summary>
        public int Int;
        /// <summary>ENC28J60 RESET (active low); -1 when not wired.</summary>
        public int Reset = -1;
        /// <summary>Console UART COM2 (115200 8N1); COM1 carries the debugger.</summary>
        public int ConsoleTx;
        public int ConsoleRx;
        public LedLayout Leds;
        /// <summary>LED GPIOs in the layout's order (see LedController.OutputCount).</summary>
        public int[] LedPins;
        /// <summary>True when a high level lights the LED.</summary>
        public bool LedActiveHigh = true;

        /// <summary>The board this build is for.</summary>
        public static BoardPins Selected()
        {
#if NODEMCU32S
            return NodeMcu32s();
#elif WROVERKIT
            return WroverKit();
#elif S3
            return EspS3DevKitC1();
#else
            return DevKitC();
#endif
        }

        /// <summary>Every board, for tests and documentation.</summary>
        public static BoardPins[] All()
        {
            return new BoardPins[] { DevKitC(), NodeMcu32s(), WroverKit(), EspS3DevKitC1() };
        }

        /// <summary>ESP32-DevKitC (ESP32-WROOM-32): VSPI pins, four external LEDs.</summary>
        public static BoardPins DevKitC()
        {
            BoardPins b = new BoardPins();
            b.Name = "esp32-devkitc";
            b.Sck = 18;
            b.Mosi = 23;
            b.Miso = 19;
            b.Cs = 21;
            b.Int = 22;
            b.Reset = 4;
            b.ConsoleTx = 17;
            b.ConsoleRx = 16;
            b.Leds = LedLayout.FourLeds;
            b.LedPins = new int[] { 25, 26, 27, 32 };
            return b;
        }

        /// <summary>NodeMCU-32S / ESP32 DevKit V1 (30 pins): the same ENC28J60 wiring, the on-board LED (GPIO2).</summary>
        public static BoardPins NodeMcu32s()
        {
            BoardPins b = DevKitC();
            b.Name = "nodemcu-32s";
            b.Leds = LedLayout.Single;
            b.LedPins = new int[] { 2 };
            return b;
        }

        /// <summary>ESP-WROVER-KIT (v4.1): pins clear of PSRAM (16/17) and the LCD; the kit's RGB LED.</summary>
        public static BoardPins WroverKit()
        {
            BoardPins b = new BoardPins();
            b.Name = "esp32-wrover-kit";
            b.Sck = 14;
            b.Mosi = 13;
            b.Miso = 35;
            b.Cs = 32;
            b.Int = 34;
            b.Reset = 33;
            b.ConsoleTx = 27;
            b.ConsoleRx = 26;
            b.Leds = LedLayout.Rgb;
            b.LedPins = new int[] { 0, 2, 4 };
            return b;
        }

        /// <summary>ESP32-S3-DevKitC-1: FSPI IO_MUX pins, three external LEDs.</summary>
        public static BoardPins EspS3DevKitC1()
        {
            BoardPins b = new BoardPins();
            b.Name = "esp32-s3-devkitc-1";
            b.Sck = 12;
            b.Mosi = 11;
            b.Miso = 13;
            b.Cs = 10;
            b.Int = 9;
            b.Reset = 14;
            b.ConsoleTx = 17;
            b.ConsoleRx = 18;
            b.Leds = LedLayout.ThreeLeds;
            b.LedPins = new int[] { 4, 5, 6 };
            return b;
        }
    }
}
