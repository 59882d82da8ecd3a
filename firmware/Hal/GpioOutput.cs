using System.Device.Gpio;
using NanoTcp.Hal;

namespace NanoTcp.Firmware.Hal
{
    /// <summary><see cref="IDigitalOutput"/> on one GPIO (LEDs, the ENC28J60 RESET line).</summary>
    public sealed class GpioOutput : IDigitalOutput
    {
        private readonly GpioPin _pin;
        private readonly bool _activeHigh;

        /// <param name="activeHigh">false when a low level means "on" (Write(true) drives low)</param>
        /// <param name="initial">the logical level at start-up</param>
        public GpioOutput(GpioController gpio, int pinNumber, bool activeHigh, bool initial)
        {
            _activeHigh = activeHigh;
            _pin = gpio.OpenPin(pinNumber, PinMode.Output);
            Write(initial);
        }

        public void Write(bool high)
        {
            _pin.Write(high == _activeHigh ? PinValue.High : PinValue.Low);
        }
    }
}
