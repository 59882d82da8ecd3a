using NanoTcp.Hal;

namespace NanoTcp.Device
{
    /// <summary>
    /// The board's main loop, one turn at a time, so that the firmware's loop and the host tests run
    /// the same decisions: poll the composition, then say how long the caller may sleep. It never
    /// sleeps while work is ready (the interrupt line still asserted, frames left in the device, an
    /// ACK owed, a TCP timer due) and never longer than <see cref="MaxIdleMs"/> (the driver's status
    /// interval, the console's typing latency). Allocates nothing.
    /// </summary>
    public sealed class MainLoop
    {
        /// <summary>Longest sleep between polls: the ENC28J60 driver's status interval (EPKTCNT is polled
        /// because PKTIF is unreliable) and the console's typing latency.</summary>
        public const int DefaultMaxIdleMs = 10;

        /// <summary>Polls in a row without sleeping while the interrupt line stays asserted with nothing
        /// received: a flag the driver leaves set must not spin the loop (it re-checks every status interval).</summary>
        public const int DefaultMaxBusyPolls = 16;

        private readonly DeviceComposition _device;
        private readonly IInterruptLine _interrupt;
        private int _busyPolls;

        /// <param name="interrupt">the network chip's interrupt line, or null when none is wired</param>
        public MainLoop(DeviceComposition device, IInterruptLine interrupt)
        {
            _device = device;
            _interrupt = interrupt;
            MaxIdleMs = DefaultMaxIdleMs;
            MaxBusyPolls = DefaultMaxBusyPolls;
        }

        public int MaxIdleMs;
        public int MaxBusyPolls;

        /// <summary>Turns that ended without a sleep because work was ready.</summary>
        public long BusyTurns;

        /// <summary>One turn: polls the device at <paramref name="nowMs"/> and returns how many
        /// milliseconds the caller may sleep (or wait for the interrupt) before the next turn; 0 = at once.</summary>
        public int Turn(long nowMs)
        {
            int frames = _device.Poll(nowMs);
            if (_interrupt != null && _interrupt.IsAsserted)
            {
                // Frames keep the line asserted: go on at once. A line asserted with nothing to read
                // (a flag the driver handles at its next status check) gets a bounded number of retries.
                if (frames > 0)
                {
                    _busyPolls = 0;
                    BusyTurns++;
                    return 0;
                }
                if (_busyPolls < MaxBusyPolls)
                {
                    _busyPolls++;
                    BusyTurns++;
                    return 0;
                }
            }
            _busyPolls = 0;
            long next = _device.NextDeadlineMs(nowMs);
            if (next >= 0 && next <= nowMs)
            {
                BusyTurns++;
                return 0;
            }
            long wait = MaxIdleMs;
            if (next > 0 && next - nowMs < wait)
            {
                wait = next - nowMs;
            }
            return (int)wait;
        }
    }
}
