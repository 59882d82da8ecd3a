using System;
using System.Threading;
using NanoTcp.Hal;

namespace NanoTcp.Firmware.Hal
{
    /// <summary>Milliseconds since boot (Environment.TickCount64, nanoFramework.Runtime.Native).</summary>
    public sealed class SystemClock : IClock
    {
        public long NowMs { get { return Environment.TickCount64; } }

        public void Sleep(int milliseconds)
        {
            Thread.Sleep(milliseconds);
        }
    }
}
