using NanoTcp.Wire;

namespace NanoTcp.Tcp
{
    // The application's side: a small non-blocking socket API over connection handles (slot
    // numbers, tcp#N in traces). Calls only move bytes between the caller's arrays and the fixed
    // rings and set flags; segments go out on the next Poll. Nothing here allocates.
    public sealed partial class TcpStack
    {
        /// <summary>Opens a listener (RFC 9293 OPEN, passive). Returns its number, or -1 when the port is taken or no listener slot is free.</summary>
        public int Listen(int port)
        {
            if (port <= 0 || port > 65535 || FindListener(port) >= 0)
            {
                return -1;
            }
            for (int i = 0; i < _listeners.Length; i++)
            {
                if (!_listeners[i].Active)
                {
                    _listeners[i].Active = true;
                    _listeners[i].Port = port;
                    _listeners[i].DroppedSyns = 0;
                    _listeners[i].SynCookies = 0;
                    return i;
                }
            }
            return -1;
        }

        /// <summary>Closes a listener; its connections not yet accepted are reset.</summary>
        public void StopListening(int listener)
        {
            if (listener < 0 || listener >= _listeners.Length || !_listeners[listener].Active)
            {
                return;
            }
            _listeners[listener].Active = false;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Listener && c.Listener == listener && c.State != TcpState.Closed)
                {
                    SendResetOf(c, _now);
                    EnterClosed(c, TcpCloseReason.Evicted, _now);
                }
            }
        }

        /// <summary>The oldest established connection of this listener not yet accepted, as a handle; -1 when none.</summary>
        public int Accept(int listener)
        {
            TcpConnection best = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Owner == TcpOwner.Listener && c.Listener == listener && IsSynchronized(c.State) && c.State != TcpState.TimeWait
                    && (best == null || c.OpenedMs < best.OpenedMs))
                {
                    best = c;
                }
            }
            if (best == null)
            {
                return -1;
            }
            best.Owner = TcpOwner.Application;
            return best.Index;
        }

        /// <summary>
        /// Active open (RFC 9293 OPEN, active): SYN goes out on the next Poll. localPort 0 picks an
        /// ephemeral port. Returns the handle, or -1 (no address yet, or no free slot even after
        /// reclaiming TIME-WAIT).
        /// </summary>
        public int Connect(uint remoteIp, int remotePort, int localPort)
        {
            uint localIp = _out.LocalAddress;
            if (localIp == 0 || !Ipv4Address.IsValidSource(remoteIp) || remotePort <= 0 || remotePort > 65535)
            {
                return -1;
            }
            if (localPort <= 0)
            {
                localPort = NextEphemeralPort(remoteIp, remotePort);
                if (localPort < 0)
                {
                    return -1;
                }
            }
            else if (FindConnection(localIp, localPort, remoteIp, remotePort) != null)
            {
                return -1;
            }
            TcpConnection c = AllocateSlot(_now);
            if (c == null)
            {
                return -1;
            }
            InitConnection(c, TcpOwner.Application, localIp, localPort, remoteIp, remotePort, _now);
            _activeOpens++;
            SetState(c, TcpState.SynSent, _now);
            return c.Index;
        }

        private int NextEphemeralPort(uint remoteIp, int remotePort)
        {
            int span = 65536 - _cfg.EphemeralPortFirst;
            for (int tries = 0; tries < span; tries++)
            {
                int port = _nextEphemeral;
                _nextEphemeral++;
                if (_nextEphemeral > 65535)
                {
                    _nextEphemeral = _cfg.EphemeralPortFirst;
                }
                if (FindListener(port) < 0 && !PortInUse(port))
                {
                    return port;
                }
            }
            return -1;
        }

        private bool PortInUse(int port)
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                if (_conns[i].Owner != TcpOwner.Free && _conns[i].LocalPort == port)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Copies up to length bytes into the send ring (RFC 9293 SEND). Returns the bytes taken
        /// (0 when the ring is full), or -1 when the connection can no longer send.
        /// </summary>
        public int Send(int handle, byte[] buffer, int offset, int length)
        {
            TcpConnection c = Owned(handle);
            if (c == null || c.FinQueued)
            {
                return -1;
            }
            TcpState s = c.State;
            if (s != TcpState.Established && s != TcpState.CloseWait && s != TcpState.SynSent && s != TcpState.SynReceived)
            {
                return -1;
            }
            return c.Tx.Write(buffer, offset, length);
        }

        /// <summary>
        /// Copies up to length received bytes (RFC 9293 RECEIVE). Returns the count, 0 when nothing is
        /// waiting yet, or -1 at end of stream (the peer's FIN, or the connection closed) once the
        /// buffer is empty. Opening the window by enough schedules a window update.
        /// </summary>
        public int Receive(int handle, byte[] buffer, int offset, int length)
        {
            TcpConnection c = Owned(handle);
            if (c == null)
            {
                return -1;
            }
            int n = c.Rx.Read(buffer, offset, length);
            if (n > 0)
            {
                if (c.Ooo.IsEmpty)
                {
                    c.Rx.CompactIfEmpty();
                }
                // Window update when the application drains the buffer (otherwise a peer that saw a
                // zero window waits for its persist timer: smoltcp issue #199).
                if (IsSynchronized(c.State) && c.State != TcpState.TimeWait)
                {
                    uint right = c.RcvNxt + (uint)ReceiveWindowNow(c);
                    if (SeqNumber.Diff(right, c.RcvAdvRight) >= WindowUpdateThreshold(c))
                    {
                        c.AckNow = true;
                    }
                }
                return n;
            }
            if (c.FinReceived || c.State == TcpState.Closed)
            {
                return -1;
            }
            return 0;
        }

        /// <summary>Half-close (RFC 9293 CLOSE on our side only): FIN after the queued data; receiving continues.</summary>
        public void Shutdown(int handle)
        {
            TcpConnection c = Owned(handle);
            if (c == null || c.FinQueued)
            {
                return;
            }
            switch (c.State)
            {
                case TcpState.SynSent:
                    EnterClosed(c, TcpCloseReason.Normal, _now); // RFC 9293 §3.10.4: delete the TCB
                    break;
                case TcpState.SynReceived:
                    c.FinQueued = true; // sent once ESTABLISHED
                    break;
                case TcpState.Established:
                    c.FinQueued = true;
                    SetState(c, TcpState.FinWait1, _now);
                    break;
                case TcpState.CloseWait:
                    c.FinQueued = true;
                    SetState(c, TcpState.LastAck, _now);
                    break;
            }
        }

        /// <summary>
        /// Shutdown and release the handle: the stack finishes the close (FIN-WAIT, TIME-WAIT) on its own.
        /// With received data still unread the connection is aborted instead (RST, RFC 1122 4.2.2.13),
        /// and data arriving after Close is answered with RST the same way.
        /// </summary>
        public void Close(int handle)
        {
            TcpConnection c = Owned(handle);
            if (c == null)
            {
                return;
            }
            if (c.Rx.Count > 0 && IsSynchronized(c.State) && c.State != TcpState.TimeWait)
            {
                // RFC 1122 4.2.2.13: closing with received data unread tells the peer that data was lost.
                Abort(handle);
                return;
            }
            Shutdown(handle);
            if (c.State == TcpState.Closed)
            {
                FreeSlot(c);
                return;
            }
            c.Owner = TcpOwner.Stack;
            StartFinWait2Timer(c);
        }

        /// <summary>RFC 9293 ABORT: RST to the peer, queues discarded, handle released.</summary>
        public void Abort(int handle)
        {
            Abort(handle, TcpCloseReason.Aborted);
        }

        /// <summary>ABORT with the reason the trace and netstat show (a service's idle timeout: IdleTimeout).</summary>
        public void Abort(int handle, TcpCloseReason reason)
        {
            TcpConnection c = Owned(handle);
            if (c == null)
            {
                return;
            }
            ResetAndClose(c, reason);
            FreeSlot(c);
        }

        /// <summary>
        /// ABORT when one of the application's own timers ran out (a service's idle or request timeout):
        /// traced as that timer (`tcp#N timer idle-timeout 300000 ms`, TcpTimerCode), then RST to the peer,
        /// CLOSED with <paramref name="reason"/> and the handle released.
        /// </summary>
        public void AbortAfterTimer(int handle, int timerCode, long elapsedMs, TcpCloseReason reason)
        {
            TcpConnection c = Owned(handle);
            if (c == null)
            {
                return;
            }
            TraceTimer(c, timerCode, elapsedMs, _now);
            Abort(handle, reason);
        }

        /// <summary>
        /// The operator's ABORT of any connection slot (the console's `abort N`), whoever holds it: RST to
        /// the peer and CLOSED. An application holding the handle sees it closed (reason aborted) and lets
        /// go; otherwise the slot is free at once. False when the slot holds no connection.
        /// </summary>
        public bool AbortSlot(int slot)
        {
            TcpConnection c = ConnectionAt(slot);
            if (c == null || c.Owner == TcpOwner.Free || c.State == TcpState.Closed)
            {
                return false;
            }
            ResetAndClose(c, TcpCloseReason.Aborted);
            return true;
        }

        private void ResetAndClose(TcpConnection c, TcpCloseReason reason)
        {
            if (c.State != TcpState.Closed && c.State != TcpState.SynSent && c.State != TcpState.TimeWait)
            {
                SendResetOf(c, _now);
            }
            EnterClosed(c, reason, _now);
        }

        public TcpState GetState(int handle)
        {
            TcpConnection c = Owned(handle);
            return c == null ? TcpState.Closed : c.State;
        }

        public TcpCloseReason GetCloseReason(int handle)
        {
            TcpConnection c = Owned(handle);
            return c == null ? TcpCloseReason.None : c.CloseReason;
        }

        /// <summary>TcpEvents bits: Readable, Writable, Connected, PeerClosed, Closed.</summary>
        public int GetEvents(int handle)
        {
            TcpConnection c = Owned(handle);
            if (c == null)
            {
                return TcpEvents.Closed;
            }
            int ev = 0;
            if (c.Rx.Count > 0 || c.FinReceived)
            {
                ev |= TcpEvents.Readable;
            }
            if (c.FinReceived)
            {
                ev |= TcpEvents.PeerClosed;
            }
            if ((c.State == TcpState.Established || c.State == TcpState.CloseWait) && !c.FinQueued && c.Tx.Free > 0)
            {
                ev |= TcpEvents.Writable;
            }
            if (IsSynchronized(c.State))
            {
                ev |= TcpEvents.Connected;
            }
            if (c.State == TcpState.Closed)
            {
                ev |= TcpEvents.Closed | TcpEvents.Readable;
            }
            return ev;
        }

        /// <summary>Bytes Send would take now.</summary>
        public int SendSpace(int handle)
        {
            TcpConnection c = Owned(handle);
            return c == null ? 0 : c.Tx.Free;
        }

        /// <summary>Bytes Receive would return now.</summary>
        public int ReceiveQueued(int handle)
        {
            TcpConnection c = Owned(handle);
            return c == null ? 0 : c.Rx.Count;
        }

        /// <summary>The connection behind a handle (state, addresses, counters), or null.</summary>
        public TcpConnection GetConnection(int handle)
        {
            return Owned(handle);
        }

        private TcpConnection Owned(int handle)
        {
            if (handle < 0 || handle >= _conns.Length)
            {
                return null;
            }
            TcpConnection c = _conns[handle];
            return c.Owner == TcpOwner.Application ? c : null;
        }
    }
}
