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
        private TraceLevel _level;

        public Tracer()
        {
        }

        public Tracer(ITraceSink sink, TraceLevel level)
        {
            _sink = sink;
            _level = level;
        }

        public TraceLevel Level
        {
            get { return _level; }
            set { _level = value; }
        }

        public ITraceSink Sink
        {
            get { return _sink; }
            set { _sink = value; }
        }

        public bool Wants(TraceLevel level)
        {
            return _sink != null && level != TraceLevel.Off && _level >= level;
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
