namespace NanoTcp.Hal
{
    /// <summary>
    /// A monotonic millisecond clock. The stack itself never reads it (it is handed nowMs
    /// by the caller of Poll); drivers use it for bring-up waits and bounded polling.
    /// The simulator's clock is virtual: <see cref="Sleep"/> advances it instantly.
    /// </summary>
    public interface IClock
    {
        long NowMs { get; }

        void Sleep(int milliseconds);
    }
}
