// nanoFramework.Hardware.Esp32 1.6.42 (the members the firmware uses) and
// nanoFramework.Runtime.Native 1.7.11 (Power).
namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        SPI1_MOSI, SPI1_MISO, SPI1_CLOCK, SPI2_MOSI, SPI2_MISO, SPI2_CLOCK,
        COM2_TX, COM2_RX, COM2_RTS, COM2_CTS, COM3_TX, COM3_RX,
    }

    public class Configuration
    {
        public Configuration() { }

        public static void SetPinFunction(int gpioNumber, DeviceFunction function) { throw new System.NotImplementedException("stand-in"); }

        public static int GetFunctionPin(DeviceFunction function) { throw new System.NotImplementedException("stand-in"); }
    }
}

namespace nanoFramework.Runtime.Native
{
    public enum RebootOption { NormalReboot, EnterNanoBooter, ClrOnly, EnterProprietaryBooter }

    public class Power
    {
        public Power() { }

        public static void RebootDevice(RebootOption options = RebootOption.NormalReboot) { throw new System.NotImplementedException("stand-in"); }

        public static void RebootDevice(int exclusiveTimeout, RebootOption options = RebootOption.NormalReboot) { throw new System.NotImplementedException("stand-in"); }
    }
}
