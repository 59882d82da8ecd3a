namespace NanoTcp.Sim;

/// <summary>
/// A clock that also tells microseconds, on the same scale as its milliseconds. The emulated
/// ENC28J60 paces its cable with it: at 10 Mbit/s a short frame takes 67 µs, far below a millisecond.
/// </summary>
public interface IMicrosecondClock
{
    long NowUs { get; }
}
