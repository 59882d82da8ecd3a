using System.Runtime.InteropServices;
using System.Text;
using NanoTcp.Phy;

namespace NanoTcp.Sim.Tap;

/// <summary>Why a TAP device could not be opened, in one line a person can act on.</summary>
public sealed class TapException : Exception
{
    public TapException(string message) : base(message)
    {
    }
}

/// <summary>
/// An <see cref="INetworkDevice"/> over a Linux TAP interface (smoltcp's TunTapInterface):
/// /dev/net/tun opened non-blocking, TUNSETIFF with IFF_TAP | IFF_NO_PI, so every read is one
/// Ethernet frame (no preamble, no FCS, no packet-information header) and every write sends one.
/// The interface exists while this object holds the descriptor (unless it was made persistent
/// with <c>ip tuntap add</c>); <see cref="Dispose"/> closes it. Host only: needs CAP_NET_ADMIN.
/// </summary>
public sealed class TapDevice : INetworkDevice, IDisposable
{
    public const string TunPath = "/dev/net/tun";
    public const string NeedsRoot = "nanotcp tap needs root (CAP_NET_ADMIN) to create a TAP device";
    public const string TunMissing = "/dev/net/tun is missing: load the tun module (modprobe tun) or give the container the device (--device /dev/net/tun --cap-add NET_ADMIN)";

    private const int O_RDWR = 0x2;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const ulong TUNSETIFF = 0x400454CA;
    private const short IFF_TAP = 0x0002;
    private const short IFF_NO_PI = 0x1000;
    private const int EINTR = 4, EAGAIN = 11, EACCES = 13, EPERM = 1, ENOENT = 2, ENODEV = 19, EBUSY = 16, EINVAL = 22;
    private const int IfNameSize = 16;

    private int _fd;
    private readonly byte[] _rx = new byte[65536];
    private readonly byte[] _tx = new byte[65536];

    /// <summary>Opens (creating if needed) the TAP interface <paramref name="name"/>.</summary>
    public TapDevice(string name)
    {
        if (!OperatingSystem.IsLinux()) throw new TapException("TAP devices need Linux");
        if (string.IsNullOrEmpty(name) || Encoding.ASCII.GetByteCount(name) >= IfNameSize || name.Contains('/') || name.Contains(' '))
        {
            throw new TapException($"bad interface name '{name}': 1 to {IfNameSize - 1} characters, no '/' or spaces");
        }
        if (!File.Exists(TunPath)) throw new TapException(TunMissing);

        int fd = Native.open(TunPath, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
        {
            int err = Marshal.GetLastPInvokeError();
            if (err == EACCES || err == EPERM) throw new TapException(NeedsRoot);
            if (err == ENOENT || err == ENODEV) throw new TapException(TunMissing);
            throw new TapException($"cannot open {TunPath}: {Describe(err)}");
        }

        var ifr = new byte[40]; // struct ifreq: char ifr_name[16]; short ifr_flags; padding
        Encoding.ASCII.GetBytes(name, 0, name.Length, ifr, 0);
        short flags = IFF_TAP | IFF_NO_PI;
        ifr[16] = (byte)flags;
        ifr[17] = (byte)(flags >> 8);
        if (Native.ioctl(fd, TUNSETIFF, ifr) < 0)
        {
            int err = Marshal.GetLastPInvokeError();
            Native.close(fd);
            if (err == EPERM || err == EACCES) throw new TapException(NeedsRoot);
            if (err == EINVAL) throw new TapException($"cannot create TAP device {name}: an interface of that name exists and is not a TAP device (choose another --name)");
            if (err == EBUSY) throw new TapException($"TAP device {name} is busy (another process holds it, or it is not a TAP device)");
            throw new TapException($"cannot create TAP device {name}: {Describe(err)}");
        }
        int end = Array.IndexOf(ifr, (byte)0, 0, IfNameSize);
        Name = Encoding.ASCII.GetString(ifr, 0, end < 0 ? IfNameSize : end);
        _fd = fd;
    }

    /// <summary>The interface name the kernel gave (the one asked for).</summary>
    public string Name { get; }

    public int MaxFrameLength => 1514;

    public bool LinkUp => true;

    /// <summary>Frames longer than a receive buffer (jumbo/offloaded) that were discarded.</summary>
    public long DroppedTooLong { get; private set; }

    public long FramesIn { get; private set; }
    public long FramesOut { get; private set; }

    /// <summary>True when running as root (effective uid 0); CAP_NET_ADMIN alone may also suffice.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && Native.geteuid() == 0;

    /// <summary>Non-blocking: the next frame, or 0 when none is waiting.</summary>
    public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
    {
        if (_fd < 0) return 0;
        while (true)
        {
            nint n = Native.read(_fd, _rx, _rx.Length);
            if (n < 0)
            {
                int err = Marshal.GetLastPInvokeError();
                if (err == EINTR) continue;
                return 0; // EAGAIN (nothing pending) or the interface went away
            }
            if (n == 0) return 0;
            if (n > capacity)
            {
                DroppedTooLong++;
                continue;
            }
            Array.Copy(_rx, 0, buffer, offset, (int)n);
            FramesIn++;
            return (int)n;
        }
    }

    public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
    {
        if (_fd < 0 || length <= 0 || length > _tx.Length) return false;
        byte[] src = buffer;
        if (offset != 0)
        {
            Array.Copy(buffer, offset, _tx, 0, length);
            src = _tx;
        }
        while (true)
        {
            nint n = Native.write(_fd, src, length);
            if (n >= 0)
            {
                FramesOut++;
                return n == length;
            }
            if (Marshal.GetLastPInvokeError() != EINTR) return false; // EAGAIN: queue full; EIO: interface down
        }
    }

    /// <summary>Blocks up to <paramref name="timeoutMs"/> until a frame can be read (poll(2)); true when one can.</summary>
    public bool WaitReadable(int timeoutMs)
    {
        if (_fd < 0) return false;
        var pfd = new Native.PollFd { fd = _fd, events = 1 /* POLLIN */ };
        return Native.poll(ref pfd, 1, timeoutMs) > 0 && (pfd.revents & 1) != 0;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Native.close(_fd);
            _fd = -1;
        }
    }

    private static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    private static class Native
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int fd;
            public short events;
            public short revents;
        }

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int ioctl(int fd, ulong request, byte[] arg);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern nint write(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int poll(ref PollFd fds, nuint nfds, int timeout);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);

        [DllImport("libc")]
        public static extern uint geteuid();
    }
}
