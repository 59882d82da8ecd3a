using NanoTcp.Phy;
using NanoTcp.Services;
using NanoTcp.Tcp;
using NanoTcp.Trace;
using NanoTcp.Wire;

namespace NanoTcp.Shell
{
    /// <summary>
    /// `lab`: textbook faults on the board's own side, against a real PC peer. The device
    /// composition puts a <see cref="FaultInjector"/> between the network device and the
    /// interface; these commands arm it (lose the board's next SYN-ACK or final ACK, delay what the
    /// board sends) or stop the discard service reading (zero window). Nothing is armed at start,
    /// and then frames pass straight through.
    /// </summary>
    public sealed class LabCommands : ICommandSet, IStatsSource
    {
        private readonly FaultInjector _faults;
        private readonly TcpStack _tcp;
        private readonly TcpDiscardService _discard;
        private readonly TcpSegmentFilter _synAck;
        private readonly FinalAckFilter _finalAck;

        /// <param name="discard">the discard service for `lab zero-window`; null when it is not running</param>
        public LabCommands(FaultInjector faults, TcpStack tcp, TcpDiscardService discard)
        {
            _faults = faults;
            _tcp = tcp;
            _discard = discard;
            _faults.TargetedDropsOnReceive = false; // the board's faults act on what the board sends
            _synAck = new TcpSegmentFilter(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin, TcpFlags.Syn | TcpFlags.Ack, 0, 65535);
            _finalAck = new FinalAckFilter(tcp);
        }

        public FaultInjector Faults { get { return _faults; } }

        public void WriteHelp(SerialConsole c)
        {
            c.WriteLine("  lab [scenario|off]        textbook faults on this board against a PC (lab lists them)");
        }

        public bool TryRun(string name, string[] args, SerialConsole c, long nowMs)
        {
            if (name != "lab")
            {
                return false;
            }
            if (args.Length == 0)
            {
                List(c);
                return true;
            }
            string what = args[0].ToLower();
            if (what == "off")
            {
                Off();
                c.WriteLine("lab off: no fault armed, the discard service reads again");
            }
            else if (what == "drop-syn-ack")
            {
                _faults.DropFilter = _synAck;
                _faults.TargetedDrops = 1;
                c.WriteLine("next SYN-ACK will be lost: the board retransmits its SYN-ACK when its RTO (1 s) expires, the PC its SYN on its own timer (1 s on Linux, 3 s on older stacks); whichever arrives first completes the handshake; watch with `trace segments`");
            }
            else if (what == "drop-final-ack")
            {
                _faults.DropFilter = _finalAck;
                _faults.TargetedDrops = 1;
                c.WriteLine("the board's next final ACK (from TIME-WAIT) will be lost: the PC retransmits its FIN, the board ACKs again and restarts 2MSL; close a connection from the board (e.g. GET / on port 80) and watch with `trace segments`");
            }
            else if (what == "delay")
            {
                Delay(args, c);
            }
            else if (what == "zero-window")
            {
                ZeroWindow(args, c);
            }
            else
            {
                c.Out.Clear();
                c.Out.Append("error: unknown lab scenario '").Append(args[0]).Append("' (type lab)");
                c.Emit();
            }
            return true;
        }

        /// <summary>Disarms everything.</summary>
        public void Off()
        {
            _faults.TargetedDrops = 0;
            _faults.DropFilter = null;
            _faults.TransmitDelayMs = 0;
            if (_discard != null)
            {
                _discard.Paused = false;
            }
        }

        public void WriteStats(SerialConsole c)
        {
            TextLine o = c.Out;
            o.Clear();
            o.Append("lab     passed ").Append(_faults.Passed).Append(" dropped ").Append(_faults.Dropped)
             .Append(" overflowed ").Append(_faults.Overflowed).Append("  armed ");
            AppendArmed(o);
            c.Emit();
            o.Clear();
            if (_faults.FootprintBytes > 0)
            {
                o.Append("memory  lab faults ").Append((long)_faults.FootprintBytes).Append(" bytes (the delay queue, allocated by the first lab delay)");
            }
            else
            {
                o.Append("memory  lab faults 0 bytes (lab delay allocates its queue, ").Append((long)_faults.TransmitBytes).Append(" bytes, when first used)");
            }
            c.Emit();
        }

        private void List(SerialConsole c)
        {
            c.WriteLine("lab scenarios on this board (the PC is the other end):");
            c.WriteLine("  lab drop-syn-ack          lose the board's next SYN-ACK (connect from the PC to port 7)");
            c.WriteLine("  lab drop-final-ack        lose the board's next ACK of a FIN from TIME-WAIT (GET / on port 80)");
            c.WriteLine("  lab delay <ms>            delay every frame the board sends (0 = off)");
            c.WriteLine("  lab zero-window on|off    the discard service (port 9) stops reading: zero window");
            c.WriteLine("  lab off                   clear all");
            TextLine o = c.Out;
            o.Clear();
            o.Append("armed: ");
            AppendArmed(o);
            c.Emit();
        }

        private void AppendArmed(TextLine o)
        {
            bool any = false;
            if (_faults.TargetedDrops > 0 && _faults.DropFilter == _synAck)
            {
                o.Append("drop-syn-ack ");
                any = true;
            }
            if (_faults.TargetedDrops > 0 && _faults.DropFilter == _finalAck)
            {
                o.Append("drop-final-ack ");
                any = true;
            }
            if (_faults.TransmitDelayMs > 0)
            {
                o.Append("delay ").Append((long)_faults.TransmitDelayMs).Append(" ms ");
                any = true;
            }
            if (_discard != null && _discard.Paused)
            {
                o.Append("zero-window ");
                any = true;
            }
            if (!any)
            {
                o.Append("none");
            }
        }

        private void Delay(string[] args, SerialConsole c)
        {
            int ms;
            if (args.Length != 2 || !IpCommands.TryParseInt(args[1], out ms) || ms > 10000)
            {
                c.WriteLine("error: usage: lab delay <ms>   0..10000");
                return;
            }
            if (ms > 0 && !_faults.TransmitReserved)
            {
                try
                {
                    _faults.ReserveTransmit();
                }
                catch (System.OutOfMemoryException)
                {
                    c.Out.Clear();
                    c.Out.Append("error: lab delay needs ").Append((long)_faults.TransmitBytes)
                     .Append(" bytes of heap for its queue and the heap has not got them: nothing armed");
                    c.Emit();
                    return;
                }
            }
            _faults.TransmitDelayMs = ms;
            TextLine o = c.Out;
            o.Clear();
            if (ms == 0)
            {
                o.Append("lab delay off: frames leave at once");
            }
            else
            {
                o.Append("every frame the board sends waits ").Append((long)ms).Append(" ms: the RTT grows by that much and RTO follows; watch `ping` from the PC and the RTO in `netstat` (more than ")
                 .Append((long)_faults.TransmitQueueFrames).Append(" frames in flight are lost)");
            }
            c.Emit();
        }

        private void ZeroWindow(string[] args, SerialConsole c)
        {
            if (_discard == null)
            {
                c.WriteLine("error: the discard service (port 9) is not running on this board");
                return;
            }
            string v = args.Length == 2 ? args[1].ToLower() : "";
            if (v == "on")
            {
                _discard.Paused = true;
                c.WriteLine("discard (port 9) stops reading: send to it from the PC and the board's window falls to 0; the PC sends zero-window probes; `lab zero-window off` opens it with a window update");
            }
            else if (v == "off")
            {
                _discard.Paused = false;
                c.WriteLine("discard (port 9) reads again: the board sends a window update and the PC resumes");
            }
            else
            {
                c.WriteLine("error: usage: lab zero-window on|off");
            }
        }

        /// <summary>A pure ACK (no data, no SYN/FIN/RST) from a connection in TIME-WAIT: the final ACK of a close.</summary>
        private sealed class FinalAckFilter : TcpSegmentFilter
        {
            private readonly TcpStack _tcp;

            internal FinalAckFilter(TcpStack tcp) : base(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin, TcpFlags.Ack, 0, 0)
            {
                _tcp = tcp;
            }

            protected override bool MatchesSegment(byte[] frame, int ipOffset, int tcpOffset)
            {
                for (int i = 0; i < _tcp.ConnectionSlots; i++)
                {
                    TcpConnection c = _tcp.ConnectionAt(i);
                    if (c != null && c.IsInUse && c.CurrentState == TcpState.TimeWait && c.LocalPortNumber == TcpPacket.SourcePort(frame, tcpOffset)
                        && c.RemotePortNumber == TcpPacket.DestinationPort(frame, tcpOffset) && c.RemoteAddress == Ipv4Packet.Destination(frame, ipOffset))
                    {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
