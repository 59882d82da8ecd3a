namespace NanoTcp.Trace
{
    /// <summary>
    /// Receives trace events. The event object is reused for the next event: a sink that
    /// keeps anything copies the fields (or the formatted line) before returning.
    /// </summary>
    public interface ITraceSink
    {
        void OnTrace(TraceEvent e);
    }
}
