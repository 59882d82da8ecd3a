namespace NanoTcp.Hal
{
    /// <summary>
    /// One SPI device behind one chip select. Each call is exactly one chip-select cycle:
    /// CS goes low, <paramref name="count"/> bytes are clocked out of <paramref name="write"/>
    /// while the bytes clocked in are stored into <paramref name="read"/>, CS goes high.
    /// </summary>
    public interface ISpiBus
    {
        /// <param name="write">bytes to send, from index 0</param>
        /// <param name="read">receives the bytes clocked in, from index 0; null when they are not needed</param>
        /// <param name="count">bytes to clock; both arrays hold at least this many</param>
        void TransferFullDuplex(byte[] write, byte[] read, int count);
    }
}
