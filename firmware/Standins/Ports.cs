// System.IO.Ports (nanoFramework.System.IO.Ports 1.1.139).
namespace System.IO.Ports
{
    public enum Parity { None, Odd, Even }

    public enum StopBits { One = 1, Two = 2, OnePointFive = 3 }

    public enum Handshake { None, XOnXOff, RequestToSend, RequestToSendXOnXOff }

    public class SerialPort : IDisposable
    {
        public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One)
        {
            throw new NotImplementedException("stand-in");
        }

        public int BaudRate { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public Handshake Handshake { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int DataBits { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public Parity Parity { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public StopBits StopBits { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public string PortName { get { throw new NotImplementedException(); } }
        public bool IsOpen { get { throw new NotImplementedException(); } }
        public int ReadTimeout { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int WriteTimeout { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int BytesToRead { get { throw new NotImplementedException(); } }
        public int ReadBufferSize { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }
        public int WriteBufferSize { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }

        public void Open() { throw new NotImplementedException(); }
        public void Close() { throw new NotImplementedException(); }
        public int Read(byte[] buffer, int offset, int count) { throw new NotImplementedException(); }
        public int ReadByte() { throw new NotImplementedException(); }
        public void Write(byte[] buffer, int offset, int count) { throw new NotImplementedException(); }
        public void WriteByte(byte value) { throw new NotImplementedException(); }
        public void Write(string text) { throw new NotImplementedException(); }
        public void WriteLine(string text) { throw new NotImplementedException(); }
        public void Dispose() { throw new NotImplementedException(); }
    }
}
