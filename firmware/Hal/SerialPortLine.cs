using System.Diagnostics;
using System.IO.Ports;
using System.Text;
using NanoTcp.Hal;

namespace NanoTcp.Firmware.Hal
{
    /// <summary>
    /// The console on a UART (COM2, 115200 8N1; route its pins with Configuration.SetPinFunction
    /// COM2_TX/COM2_RX first). Read never blocks: it takes only what BytesToRead reports.
    /// With a debugger attached every line also goes to Visual Studio's Output window
    /// (Debug.WriteLine; compiled out of Release builds; it allocates a string per write, which
    /// is acceptable only while debugging).
    /// </summary>
    public sealed class SerialPortLine : ISerialLine
    {
        private readonly SerialPort _port;
        private readonly bool _mirrorToDebug;

        public SerialPortLine(string portName, int baudRate)
        {
            _port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One);
            // Writes block while the UART's buffer is full (115200 baud is ~11 KB/s: `trace frames` on a busy link slows the loop).
            _port.WriteTimeout = 1000;
            _port.Open();
            _mirrorToDebug = Debugger.IsAttached;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            if (count <= 0)
            {
                return;
            }
            _port.Write(buffer, offset, count);
            if (_mirrorToDebug)
            {
                MirrorToDebug(buffer, offset, count);
            }
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            int available = _port.BytesToRead;
            if (available <= 0 || count <= 0)
            {
                return 0;
            }
            return _port.Read(buffer, offset, available < count ? available : count);
        }

        [Conditional("DEBUG")]
        private static void MirrorToDebug(byte[] buffer, int offset, int count)
        {
            // Trim the line ending: Debug.Write adds nothing, the Output window wants whole lines.
            int n = count;
            while (n > 0 && (buffer[offset + n - 1] == 10 || buffer[offset + n - 1] == 13))
            {
                n--;
            }
            if (n > 0)
            {
                Debug.WriteLine(Encoding.UTF8.GetString(buffer, offset, n));
            }
        }
    }
}
