// System.Device.Gpio (nanoFramework.System.Device.Gpio 1.1.62) and the BaseEvent it derives
// PinValueChangedEventArgs from (nanoFramework.Runtime.Events 1.11.37).
using nanoFramework.Runtime.Events;

namespace nanoFramework.Runtime.Events
{
    public class BaseEvent
    {
        public BaseEvent() { }
    }
}

namespace System.Device.Gpio
{
    public enum PinMode { Input, InputPullDown, InputPullUp, Output, OutputOpenDrain, OutputOpenDrainPullUp, OutputOpenSource, OutputOpenSourcePullDown }

    [Flags]
    public enum PinEventTypes { None = 0, Rising = 1, Falling = 2 }

    public enum PinNumberingScheme { Logical, Board }

    public struct PinValue
    {
        private readonly byte _value;

        private PinValue(byte value) { _value = value; }

        public static PinValue High { get { return new PinValue(1); } }
        public static PinValue Low { get { return new PinValue(0); } }

        public static implicit operator PinValue(int value) { return new PinValue(value == 0 ? (byte)0 : (byte)1); }
        public static implicit operator PinValue(bool value) { return new PinValue(value ? (byte)1 : (byte)0); }
        public static bool operator ==(PinValue a, PinValue b) { return a._value == b._value; }
        public static bool operator !=(PinValue a, PinValue b) { return a._value != b._value; }
        public bool Equals(PinValue other) { return _value == other._value; }
        public override bool Equals(object obj) { return obj is PinValue && Equals((PinValue)obj); }
        public override int GetHashCode() { return _value; }
        public override string ToString() { return _value == 0 ? "Low" : "High"; }
    }

    public class PinValueChangedEventArgs : BaseEvent
    {
        public PinValueChangedEventArgs(PinEventTypes changeType, int pinNumber) { throw new NotImplementedException("stand-in"); }

        public PinEventTypes ChangeType { get { throw new NotImplementedException(); } }
        public int PinNumber { get { throw new NotImplementedException(); } }
    }

    public delegate void PinChangeEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs e);

    public class GpioPin : IDisposable
    {
        private GpioPin() { }

        public int PinNumber { get { throw new NotImplementedException(); } }
        public PinMode GetPinMode() { throw new NotImplementedException(); }
        public bool IsPinModeSupported(PinMode pinMode) { throw new NotImplementedException(); }
        public void SetPinMode(PinMode mode) { throw new NotImplementedException(); }
        public PinValue Read() { throw new NotImplementedException(); }
        public void Write(PinValue value) { throw new NotImplementedException(); }
        public void Toggle() { throw new NotImplementedException(); }
        public void Dispose() { throw new NotImplementedException(); }
        public event PinValueChangedEventHandler ValueChanged { add { throw new NotImplementedException(); } remove { throw new NotImplementedException(); } }
    }

    public class GpioController : IDisposable
    {
        public GpioController() { throw new NotImplementedException("stand-in"); }
        public GpioController(PinNumberingScheme numberingScheme) { throw new NotImplementedException("stand-in"); }

        public PinNumberingScheme NumberingScheme { get { throw new NotImplementedException(); } }
        public int PinCount { get { throw new NotImplementedException(); } }

        public GpioPin OpenPin(int pinNumber) { throw new NotImplementedException(); }
        public GpioPin OpenPin(int pinNumber, PinMode mode) { throw new NotImplementedException(); }
        public void ClosePin(int pinNumber) { throw new NotImplementedException(); }
        public PinMode GetPinMode(int pinNumber) { throw new NotImplementedException(); }
        public bool IsPinModeSupported(int pinNumber, PinMode mode) { throw new NotImplementedException(); }
        public bool IsPinOpen(int pinNumber) { throw new NotImplementedException(); }
        public PinValue Read(int pinNumber) { throw new NotImplementedException(); }
        public void SetPinMode(int pinNumber, PinMode mode) { throw new NotImplementedException(); }
        public void Write(int pinNumber, PinValue value) { throw new NotImplementedException(); }
        public void RegisterCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) { throw new NotImplementedException(); }
        public void UnregisterCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { throw new NotImplementedException(); }
        public void Dispose() { throw new NotImplementedException(); }
    }
}
