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
        /// <summary>
        /// What <see cref="Wants"/> answers, as a field: the level, or Off while there is no sink. The
        /// hot paths test it in place (<c>Active &gt;= level</c>) instead of calling Wants (the
        /// interpreter's call cost).
        /// </summary>
        internal TraceLevel Active;

        public Tracer()
        {
        }

        public Tracer(ITraceSink sink, TraceLevel level)
        {
            _sink = sink;
            _level = level;
            Refresh();
        }

        public TraceLevel Level
        {
            get { return _level; }
            set { _level = value; Refresh(); }
        }

        public ITraceSink Sink
        {
            get { return _sink; }
            set { _sink = value; Refresh(); }
        }

        private void Refresh()
        {
            Active = _sink != null ? _level : TraceLevel.Off;
        }

        public bool Wants(TraceLevel level)
        {
            return level != TraceLevel.Off && Active >= level;
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
