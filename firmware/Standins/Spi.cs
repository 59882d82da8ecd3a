// System.Device.Spi (nanoFramework.System.Device.Spi 1.3.89).
using System.Device.Gpio;

namespace System.Device.Spi
{
    public enum SpiMode { Mode0, Mode1, Mode2, Mode3 }

    public enum DataFlow { MsbFirst, LsbFirst }

    public enum SpiBusConfiguration { FullDuplex, HalfDuplex, Simplex }

    public class SpiConnectionSettings
    {
        public SpiConnectionSettings(int busId, int chipSelectLine) { throw new NotImplementedException("stand-in"); }

        public int BusId { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int ChipSelectLine { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public SpiMode Mode { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int DataBitLength { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int ClockFrequency { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public DataFlow DataFlow { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public PinValue ChipSelectLineActiveState { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public SpiBusConfiguration Configuration { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
    }

    public class SpiDevice : IDisposable
    {
        public SpiDevice(SpiConnectionSettings settings) { throw new NotImplementedException("stand-in"); }

        public SpiConnectionSettings ConnectionSettings { get { throw new NotImplementedException(); } }

        public static SpiDevice Create(SpiConnectionSettings settings) { throw new NotImplementedException("stand-in"); }

        public byte ReadByte() { throw new NotImplementedException(); }
        public void Read(SpanByte buffer) { throw new NotImplementedException(); }
        public void Read(ushort[] buffer) { throw new NotImplementedException(); }
        public void WriteByte(byte value) { throw new NotImplementedException(); }
        public void Write(ushort[] buffer) { throw new NotImplementedException(); }
        public void Write(SpanByte buffer) { throw new NotImplementedException(); }
        public void TransferFullDuplex(ushort[] writeBuffer, ushort[] readBuffer) { throw new NotImplementedException(); }
        public void TransferFullDuplex(SpanByte writeBuffer, SpanByte readBuffer) { throw new NotImplementedException(); }
        public void Dispose() { throw new NotImplementedException(); }
    }
}
