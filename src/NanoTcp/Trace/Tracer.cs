namespace NanoTcp.Trace
{
    /// <summary>
    /// The stack's single trace channel. Emitters ask <see cref="Wants"/> first, so a
    /// disabled level costs one comparison; then fill the event returned by
    /// <see cref="Begin"/> and call <see cref="Emit"/>. Nothing here allocates.
    /// </summary>
    public sealed class Tracer
    {
        private readonly TraceEvent _event = new TraceEvent();
        private ITraceSink _sink;
        /// <summary>The level (<see cref="Level"/>) as a field, so the hot paths test it in place
        /// (<c>Active &gt;= level</c>) instead of calling <see cref="Wants"/> (the interpreter's call cost).
        /// Without a sink such a test may pass: the event is then built and dropped by Emit.</summary>
        internal TraceLevel Active;

        public Tracer()
        {
        }

        public Tracer(ITraceSink sink, TraceLevel level)
        {
            _sink = sink;
            Active = level;
        }

        public TraceLevel Level
        {
            get { return Active; }
            set { Active = value; }
        }

        public ITraceSink Sink
        {
            get { return _sink; }
            set { _sink = value; }
        }

        public bool Wants(TraceLevel level)
        {
            return _sink != null && level != TraceLevel.Off && Active >= level;
        }

        public TraceEvent Begin(TraceKind kind, long nowMs)
        {
            _event.Reset(kind, nowMs);
            return _event;
        }

        public void Emit()
        {
            if (_sink != null)
            {
                _sink.OnTrace(_event);
            }
        }
    }
}
