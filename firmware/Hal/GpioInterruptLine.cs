using System.Device.Gpio;
using System.Threading;
using NanoTcp.Hal;

namespace NanoTcp.Firmware.Hal
{
    /// <summary>
    /// The ENC28J60 INT pin (active low, push-pull). <see cref="IsAsserted"/> reads the level;
    /// a falling edge sets <see cref="Wake"/>, which the main loop waits on between polls.
    /// </summary>
    public sealed class GpioInterruptLine : IInterruptLine
    {
        private readonly GpioPin _pin;
        private readonly AutoResetEvent _wake;

        public GpioInterruptLine(GpioController gpio, int pinNumber, AutoResetEvent wake)
        {
            _wake = wake;
            // Pull-up where the pin has one (GPIO 34-39 have none; INT is driven by the chip anyway).
            PinMode mode = gpio.IsPinModeSupported(pinNumber, PinMode.InputPullUp) ? PinMode.InputPullUp : PinMode.Input;
            _pin = gpio.OpenPin(pinNumber, mode);
            gpio.RegisterCallbackForPinValueChangedEvent(pinNumber, PinEventTypes.Falling, new PinChangeEventHandler(OnFalling));
        }

        public AutoResetEvent Wake { get { return _wake; } }

        public bool IsAsserted { get { return _pin.Read() == PinValue.Low; } }

        private void OnFalling(object sender, PinValueChangedEventArgs e)
        {
            _wake.Set();
        }
    }
}
