namespace NanoTcp.Hal
{
    /// <summary>
    /// An interrupt input such as the ENC28J60's INT pin. The adapter hides the electrical
    /// polarity: <see cref="IsAsserted"/> is true while the device requests attention.
    /// </summary>
    public interface IInterruptLine
    {
        bool IsAsserted { get; }
    }
}
