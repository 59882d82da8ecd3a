namespace NanoTcp.Phy
{
    /// <summary>Selects frames for a targeted fault ("drop the next final ACK").</summary>
    public interface IFrameFilter
    {
        bool Matches(byte[] frame, int offset, int length);
    }
}
