namespace NanoTcp.Hal
{
    /// <summary>The serial console: ASCII bytes out, bytes in (non-blocking).</summary>
    public interface ISerialLine
    {
        void Write(byte[] buffer, int offset, int count);

        /// <summary>Copies up to <paramref name="count"/> pending input bytes; returns 0 when none.</summary>
        int Read(byte[] buffer, int offset, int count);
    }
}
