using System;
using System.Device.Spi;
using NanoTcp.Hal;

namespace NanoTcp.Firmware.Hal
{
    /// <summary>
    /// <see cref="ISpiBus"/> over nanoFramework's SpiDevice: one call = one chip-select cycle
    /// (the native driver drives CS). SpanByte is a struct over the caller's array, so a transfer
    /// allocates nothing. The pins must be routed first (Configuration.SetPinFunction SPI1_*).
    /// </summary>
    public sealed class Esp32SpiBus : ISpiBus
    {
        private readonly SpiDevice _device;

        public Esp32SpiBus(int busId, int chipSelectPin, int clockHz)
        {
            SpiConnectionSettings settings = new SpiConnectionSettings(busId, chipSelectPin);
            settings.ClockFrequency = clockHz;
            settings.Mode = SpiMode.Mode0;                       // ENC28J60: CPOL 0, CPHA 0
            settings.DataFlow = DataFlow.MsbFirst;
            settings.Configuration = SpiBusConfiguration.FullDuplex;
            _device = SpiDevice.Create(settings);
        }

        public void TransferFullDuplex(byte[] write, byte[] read, int count)
        {
            if (count <= 0)
            {
                return;
            }
            SpanByte w = new SpanByte(write, 0, count);
            if (read == null)
            {
                _device.Write(w);
                return;
            }
            SpanByte r = new SpanByte(read, 0, count);
            _device.TransferFullDuplex(w, r);
        }
    }
}
