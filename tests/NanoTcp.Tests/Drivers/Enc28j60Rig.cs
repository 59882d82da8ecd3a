using Xunit;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Sim;
using NanoTcp.Sim.Enc28j60;
using NanoTcp.Trace;

namespace NanoTcp.Tests.Drivers;

/// <summary>Driver + emulator + virtual clock + recorded trace, wired the way the firmware wires them.</summary>
internal sealed class Enc28j60Rig
{
    public static readonly byte[] Mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    public static readonly byte[] PeerMac = { 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE };

    public readonly VirtualClock Clock = new(1000);
    public readonly VirtualEnc28j60 Chip;
    public readonly Enc28j60 Driver;
    public readonly RecordingSink Sink = new();
    public readonly Enc28j60Options Options;
    public readonly byte[] RxBuffer = new byte[1600];
    public long NowMs => Clock.NowMs;

    public Enc28j60Rig(Action<Enc28j60Options>? configure = null, bool useInterrupt = false, bool useResetPin = false, byte revision = VirtualEnc28j60.RevisionB7)
    {
        Chip = new VirtualEnc28j60(Clock, revision);
        Options = new Enc28j60Options { MacAddress = (byte[])Mac.Clone() };
        configure?.Invoke(Options);
        var tracer = new Tracer(Sink, TraceLevel.Segments);
        Driver = new Enc28j60(Chip, useInterrupt ? Chip : null, useResetPin ? Chip.ResetPin : null, Clock, Options, tracer);
    }

    public Enc28j60Rig Up()
    {
        Assert.True(Driver.Initialize());
        return this;
    }

    /// <summary>A frame addressed to the driver: dst, src, EtherType 0x88B5 (local experimental), payload pattern with a sequence number.</summary>
    public static byte[] Frame(int length, int seq, byte[]? dst = null)
    {
        var f = new byte[length];
        Array.Copy(dst ?? Mac, 0, f, 0, 6);
        Array.Copy(PeerMac, 0, f, 6, 6);
        f[12] = 0x88;
        f[13] = 0xB5;
        for (int i = 14; i < length; i++)
        {
            f[i] = (byte)(i * 7 + seq * 13);
        }
        if (length >= 18)
        {
            f[14] = (byte)(seq >> 24);
            f[15] = (byte)(seq >> 16);
            f[16] = (byte)(seq >> 8);
            f[17] = (byte)seq;
        }
        return f;
    }

    public void FromWire(byte[] frame) => Chip.Wire.Transmit(frame, 0, frame.Length, NowMs);

    /// <summary>Calls Receive once; returns the frame or null.</summary>
    public byte[]? ReceiveOne()
    {
        Clock.Advance(1);
        int n = Driver.Receive(RxBuffer, 0, RxBuffer.Length, NowMs);
        return n > 0 ? RxBuffer.AsSpan(0, n).ToArray() : null;
    }

    /// <summary>Receives until the driver reports nothing pending.</summary>
    public List<byte[]> Drain(int maxCalls = 10000)
    {
        var frames = new List<byte[]>();
        for (int i = 0; i < maxCalls; i++)
        {
            var f = ReceiveOne();
            if (f == null)
            {
                break;
            }
            frames.Add(f);
        }
        return frames;
    }

    public List<byte[]> WireFrames()
    {
        var list = new List<byte[]>();
        var buf = new byte[2000];
        int n;
        while ((n = Chip.Wire.Receive(buf, 0, buf.Length, NowMs)) > 0)
        {
            list.Add(buf.AsSpan(0, n).ToArray());
        }
        return list;
    }

    public bool Send(byte[] frame)
    {
        Clock.Advance(1);
        return Driver.Transmit(frame, 0, frame.Length, NowMs);
    }

    /// <summary>Lets the driver notice the end of the last transmission (a status check).</summary>
    public void Settle()
    {
        for (int i = 0; i < 100; i++)
        {
            Clock.Advance(Options.StatusIntervalMs + 1);
            Driver.Receive(RxBuffer, 0, RxBuffer.Length, NowMs);
            if (!Chip.TransmitInProgress)
            {
                break;
            }
        }
    }

    public IEnumerable<string> DriverLines() =>
        Sink.Events.Where(e => e.Kind == TraceKind.Driver).Select(e => Enc28j60TraceNames.Format(e.Code, e.Value));
}

internal sealed class RecordingSink : ITraceSink
{
    public readonly List<(TraceKind Kind, int Code, long Value)> Events = new();

    public void OnTrace(TraceEvent e) => Events.Add((e.Kind, e.Code, e.Value));

    public int Drops(DropReason reason) => Events.Count(e => e.Kind == TraceKind.Drop && e.Code == (int)reason);
}
