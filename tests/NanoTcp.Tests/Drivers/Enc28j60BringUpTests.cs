using Xunit;
using NanoTcp.Drivers.Enc28j60;
using NanoTcp.Sim.Enc28j60;
using M = NanoTcp.Sim.Enc28j60.Enc28j60Map;

namespace NanoTcp.Tests.Drivers;

public class Enc28j60BringUpTests
{
    [Fact]
    public void HalfDuplexBringUpProgramsTheDatasheetValues()
    {
        var rig = new Enc28j60Rig().Up();
        var c = rig.Chip;

        // Buffer layout: ring from 0, ERXRDPT odd (errata), transmit area above the ring.
        Assert.Equal(0x0000, c.PeekWord(0, M.ERXSTL));
        Assert.Equal(0x19FF, c.PeekWord(0, M.ERXNDL));
        Assert.Equal(0x19FF, c.ReceiveReadPointer);
        Assert.Equal(0x1A00, c.PeekWord(0, M.ETXSTL));
        Assert.Equal(0x0000, c.PeekWord(0, M.ERDPTL));
        Assert.Equal(0, c.ReceiveWritePointer);

        Assert.Equal(0xA1, c.Peek(1, M.ERXFCON)); // UCEN | CRCEN | BCEN
        Assert.Equal(0x01, c.Peek(2, M.MACON1)); // MARXEN
        Assert.Equal(0x32, c.Peek(2, M.MACON3)); // PADCFG0 | TXCRCEN | FRMLNEN
        Assert.Equal(0x40, c.Peek(2, M.MACON4)); // DEFER
        Assert.Equal(0x12, c.Peek(2, M.MABBIPG));
        Assert.Equal(0x12, c.Peek(2, M.MAIPGL));
        Assert.Equal(0x0C, c.Peek(2, M.MAIPGH));
        Assert.Equal(1518, c.PeekWord(2, M.MAMXFLL));
        Assert.Equal(Enc28j60Rig.Mac, new[] { c.Peek(3, M.MAADR1), c.Peek(3, M.MAADR2), c.Peek(3, M.MAADR3), c.Peek(3, M.MAADR4), c.Peek(3, M.MAADR5), c.Peek(3, M.MAADR6) });

        Assert.Equal(0x0000, c.PeekPhy(M.PHCON1)); // half duplex
        Assert.Equal(0x0100, c.PeekPhy(M.PHCON2)); // HDLDIS
        Assert.Equal(0x3476, c.PeekPhy(M.PHLCON)); // LEDA link, LEDB tx/rx activity, stretched
        Assert.Equal(0x0012, c.PeekPhy(M.PHIE)); // PGEIE | PLNKIE

        Assert.Equal(0xD3, c.Peek(0, M.EIE)); // INTIE PKTIE LINKIE TXERIE RXERIE
        Assert.Equal(0x04, c.Peek(0, M.ECON1) & 0x04); // RXEN
        Assert.Equal(0x80, c.Peek(0, M.ECON2) & 0x80); // AUTOINC

        Assert.True(rig.Driver.IsRunning);
        Assert.True(rig.Driver.LinkUp);
        Assert.Equal(0, c.Stats.ProtocolViolations);
        Assert.Equal(0, c.Stats.AccessesDuringReset);
        Assert.Equal(1, c.Stats.SoftResets);
    }

    [Fact]
    public void FullDuplexAndMulticastOptions()
    {
        var rig = new Enc28j60Rig(o => { o.FullDuplex = true; o.Multicast = true; }).Up();
        var c = rig.Chip;
        Assert.Equal(0x0D, c.Peek(2, M.MACON1)); // MARXEN | TXPAUS | RXPAUS
        Assert.Equal(0x33, c.Peek(2, M.MACON3)); // + FULDPX
        Assert.Equal(0x00, c.Peek(2, M.MACON4));
        Assert.Equal(0x15, c.Peek(2, M.MABBIPG));
        Assert.Equal(0x0100, c.PeekPhy(M.PHCON1)); // PDPXMD
        Assert.Equal(0x0000, c.PeekPhy(M.PHCON2));
        Assert.Equal(0xA3, c.Peek(1, M.ERXFCON)); // + MCEN
    }

    [Theory]
    [InlineData(VirtualEnc28j60.RevisionB1, "B1")]
    [InlineData(VirtualEnc28j60.RevisionB4, "B4")]
    [InlineData(VirtualEnc28j60.RevisionB5, "B5")]
    [InlineData(VirtualEnc28j60.RevisionB7, "B7")]
    public void ReportsTheSiliconRevision(byte revision, string name)
    {
        var rig = new Enc28j60Rig(revision: revision).Up();
        Assert.Equal(revision, rig.Driver.Revision);
        Assert.Equal(name, rig.Driver.RevisionName);
        Assert.Contains("enc28j60 revision " + name, rig.DriverLines());
    }

    [Fact]
    public void HardwareResetPulseIsUsedWhenWired()
    {
        var rig = new Enc28j60Rig(useResetPin: true).Up();
        Assert.Equal(1, rig.Chip.Stats.HardwareResets);
        Assert.Equal(0, rig.Chip.Stats.AccessesDuringReset);
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0x00)]
    public void ReportsAChipThatDoesNotAnswer(byte miso)
    {
        var rig = new Enc28j60Rig();
        rig.Chip.RecoverOnReset = false;
        rig.Chip.SetUnresponsive(miso);
        Assert.False(rig.Driver.Initialize());
        Assert.False(rig.Driver.IsRunning);
        Assert.Equal(1, rig.Driver.Counters.InitFailures);
        Assert.Contains(rig.DriverLines(), l => l.StartsWith("enc28j60 init failed"));
        // Never throws, just refuses.
        Assert.Equal(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length, rig.NowMs));
        Assert.False(rig.Driver.Transmit(Enc28j60Rig.Frame(60, 1), 0, 60, rig.NowMs));
    }

    [Fact]
    public void RejectsBadOptions()
    {
        var chip = new VirtualEnc28j60();
        var clock = new NanoTcp.Sim.VirtualClock();
        Assert.Throws<ArgumentException>(() => new Enc28j60(chip, null, null, clock, new Enc28j60Options { ReceiveEnd = 0x1A00 }, null));
        Assert.Throws<ArgumentException>(() => new Enc28j60(chip, null, null, clock, new Enc28j60Options { TransmitStart = 0x1C00 }, null));
        Assert.Throws<ArgumentException>(() => new Enc28j60(chip, null, null, clock, new Enc28j60Options { MacAddress = new byte[5] }, null));
    }

    [Fact]
    public void TraceNamesCoverEveryCode()
    {
        Assert.Equal(Enum.GetValues<Enc28j60TraceCode>().Length, Enc28j60TraceNames.CodeCount);
        Assert.Equal(Enum.GetValues<Enc28j60ReinitReason>().Length, Enc28j60TraceNames.ReasonCount);
        Assert.Equal("enc28j60 revision B7", Enc28j60TraceNames.Format((int)Enc28j60TraceCode.Revision, 6));
        Assert.Equal("enc28j60 reinit (bad-next-pointer)", Enc28j60TraceNames.Format((int)Enc28j60TraceCode.Reinit, (int)Enc28j60ReinitReason.BadNextPointer));
        Assert.Equal("enc28j60 rx-overflow recovered", Enc28j60TraceNames.Format((int)Enc28j60TraceCode.RxOverflowRecovered, 0));
        Assert.Equal("enc28j60 phy link up", Enc28j60TraceNames.Format((int)Enc28j60TraceCode.LinkUp, 0));
    }
}
