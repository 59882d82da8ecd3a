namespace NanoTcp.Hal
{
    /// <summary>A GPIO output: an LED, a reset line.</summary>
    public interface IDigitalOutput
    {
        void Write(bool high);
    }
}
