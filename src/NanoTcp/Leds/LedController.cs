using NanoTcp.Hal;
using NanoTcp.Tcp;

namespace NanoTcp.Leds
{
    /// <summary>
    /// Drives the board's LEDs from the connection table. Once per poll the owner calls
    /// <see cref="Begin"/>, <see cref="Observe"/> for every connection and listener,
    /// <see cref="ObserveError"/> when a connection ends abnormally, then <see cref="Apply"/>.
    /// Blinking is computed from the time, in 16 slots of 125 ms (a 2-second cycle), so
    /// patterns are exact and testable on a virtual clock. Nothing is allocated per call.
    ///
    /// Single LED patterns (one bit per 125 ms slot, lowest bit first):
    ///   idle off; listening a 125 ms blip every 2 s; handshake fast 4 Hz blink;
    ///   established steady on; closing 1 Hz blink; TIME-WAIT 0.5 Hz (1 s on, 1 s off);
    ///   error two short flashes every 2 s.
    /// Three LEDs: handshake, established, closing (TIME-WAIT blinks it at 0.5 Hz); all three
    ///   flash together on error. Four LEDs: a "ready" LED first (link up and something open;
    ///   flashes on error), then the same three.
    /// RGB colours: listening blue, handshake yellow, established green, closing cyan,
    ///   TIME-WAIT magenta, error red, idle off.
    /// </summary>
    public sealed class LedController
    {
        public const int SlotMs = 125;
        public const int ErrorHoldMs = 3000;

        /// <summary>Single-LED patterns indexed by <see cref="LedPhase"/>.</summary>
        public static readonly int[] SinglePatterns =
        {
            0x0000, // idle
            0x0001, // listening: heartbeat blip
            0x5555, // handshake: 4 Hz
            0xFFFF, // established: steady
            0x0F0F, // closing: 1 Hz
            0x00FF, // TIME-WAIT: 0.5 Hz
            0x0005, // error: double flash
        };

        /// <summary>RGB colour per phase as bits: 4 = red, 2 = green, 1 = blue.</summary>
        public static readonly int[] RgbColours =
        {
            0, // idle: off
            1, // listening: blue
            6, // handshake: yellow (red + green)
            2, // established: green
            3, // closing: cyan (green + blue)
            5, // TIME-WAIT: magenta (red + blue)
            4, // error: red
        };

        private readonly LedLayout _layout;
        private readonly IDigitalOutput[] _outputs;
        private readonly bool[] _levels;
        private readonly bool[] _present = new bool[LedPhases.Count];
        private LedPhase _phase;
        private long _errorUntil = long.MinValue / 2;
        private bool _linkUp = true;

        /// <param name="outputs">one per LED in the layout's order (Single: 1; ThreeLeds: 3; FourLeds: 4; Rgb: red, green, blue); null entries are skipped (the simulator reads <see cref="Levels"/>)</param>
        public LedController(LedLayout layout, IDigitalOutput[] outputs)
        {
            _layout = layout;
            _outputs = outputs;
            _levels = new bool[OutputCount(layout)];
        }

        public static int OutputCount(LedLayout layout)
        {
            switch (layout)
            {
                case LedLayout.Single: return 1;
                case LedLayout.ThreeLeds: return 3;
                case LedLayout.FourLeds: return 4;
                default: return 3;
            }
        }

        public LedLayout Layout { get { return _layout; } }

        /// <summary>The phase a single LED (or the RGB LED) shows now.</summary>
        public LedPhase Phase { get { return _phase; } }

        /// <summary>Current level of each output, in the layout's order.</summary>
        public bool[] Levels { get { return _levels; } }

        /// <summary>True when some connection is in <paramref name="phase"/> this round.</summary>
        public bool Has(LedPhase phase) { return _present[(int)phase]; }

        public void Begin()
        {
            for (int i = 0; i < _present.Length; i++)
            {
                _present[i] = false;
            }
        }

        public void Observe(TcpState state)
        {
            _present[(int)LedPhases.FromState(state)] = true;
        }

        /// <summary>A connection was reset, refused or timed out: show the error phase for a while.</summary>
        public void ObserveError(long nowMs)
        {
            _errorUntil = nowMs + ErrorHoldMs;
        }

        public void SetLinkUp(bool up)
        {
            _linkUp = up;
        }

        /// <summary>Computes the phase and drives every output for time <paramref name="nowMs"/>.</summary>
        public void Apply(long nowMs)
        {
            if (nowMs < _errorUntil)
            {
                _present[(int)LedPhase.Error] = true;
            }
            LedPhase best = LedPhase.Idle;
            for (int i = 1; i < _present.Length; i++)
            {
                if (_present[i] && LedPhases.Priority((LedPhase)i) > LedPhases.Priority(best))
                {
                    best = (LedPhase)i;
                }
            }
            if (!_linkUp && best != LedPhase.Error)
            {
                best = LedPhase.Idle;
            }
            _phase = best;
            int slot = (int)((nowMs / SlotMs) & 15);
            switch (_layout)
            {
                case LedLayout.Single:
                    _levels[0] = ((SinglePatterns[(int)best] >> slot) & 1) != 0;
                    break;
                case LedLayout.Rgb:
                    int colour = RgbColours[(int)best];
                    // Error blinks so it is not mistaken for a steady red power LED.
                    bool on = best != LedPhase.Error || ((0x0F0F >> slot) & 1) != 0;
                    _levels[0] = on && (colour & 4) != 0;
                    _levels[1] = on && (colour & 2) != 0;
                    _levels[2] = on && (colour & 1) != 0;
                    break;
                case LedLayout.ThreeLeds:
                case LedLayout.FourLeds:
                    bool timeWaitBlink = ((0x00FF >> slot) & 1) != 0;
                    bool closing = Has(LedPhase.Closing) || (Has(LedPhase.TimeWait) && timeWaitBlink);
                    bool error = Has(LedPhase.Error) && ((0x5555 >> slot) & 1) != 0;
                    int i = 0;
                    if (_layout == LedLayout.FourLeds)
                    {
                        // The "ready" LED: link up and something listening or connected; flashes on error.
                        _levels[i++] = error || (_linkUp && best != LedPhase.Idle && !Has(LedPhase.Error));
                    }
                    _levels[i++] = _linkUp && Has(LedPhase.Handshake);
                    _levels[i++] = _linkUp && Has(LedPhase.Established);
                    _levels[i] = _linkUp && closing;
                    if (_layout == LedLayout.ThreeLeds && Has(LedPhase.Error))
                    {
                        // No LED of its own: all three flash together.
                        _levels[0] = _levels[1] = _levels[2] = error;
                    }
                    break;
            }
            for (int k = 0; k < _levels.Length; k++)
            {
                if (_outputs != null && k < _outputs.Length && _outputs[k] != null)
                {
                    _outputs[k].Write(_levels[k]);
                }
            }
        }
    }
}
