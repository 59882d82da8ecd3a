using Xunit;
using NanoTcp.Sim;
using NanoTcp.Sim.Enc28j60;
using M = NanoTcp.Sim.Enc28j60.Enc28j60Map;

namespace NanoTcp.Tests.Drivers;

/// <summary>The emulator against the datasheet, through raw SPI commands (no driver).</summary>
public class VirtualEnc28j60Tests
{
    private readonly VirtualClock _clock = new(100);
    private readonly VirtualEnc28j60 _chip;

    public VirtualEnc28j60Tests()
    {
        _chip = new VirtualEnc28j60(_clock) { MiiBusyTransactions = 6 };
    }

    private byte[] Spi(params byte[] bytes)
    {
        var read = new byte[bytes.Length];
        _chip.TransferFullDuplex(bytes, read, bytes.Length);
        return read;
    }

    private void Bank(int bank)
    {
        Spi(0xBF, 0x03); // BFC ECON1 BSEL1|BSEL0
        if (bank != 0)
        {
            Spi(0x9F, (byte)bank); // BFS ECON1
        }
    }

    private byte Rcr(int address) => Spi((byte)address, 0)[1];

    private byte RcrMac(int address) => Spi((byte)address, 0, 0)[2];

    private void Wcr(int address, int value) => Spi((byte)(0x40 | address), (byte)value);

    private void Word(int low, int value)
    {
        Wcr(low, value & 0xFF);
        Wcr(low + 1, value >> 8);
    }

    private ushort ReadPhy(int address)
    {
        Bank(2);
        Wcr(M.MIREGADR, address);
        Wcr(M.MICMD, 0x01);
        Bank(3);
        int polls = 0;
        while ((RcrMac(M.MISTAT) & 0x01) != 0)
        {
            polls++;
        }
        Assert.True(polls > 0, "MISTAT.BUSY should be seen at least once");
        Bank(2);
        Wcr(M.MICMD, 0x00);
        return (ushort)(RcrMac(M.MIRDL) | (RcrMac(M.MIRDH) << 8));
    }

    private void WritePhy(int address, int value)
    {
        Bank(2);
        Wcr(M.MIREGADR, address);
        Wcr(M.MIWRL, value & 0xFF);
        Wcr(M.MIWRH, value >> 8);
        Bank(3);
        while ((RcrMac(M.MISTAT) & 0x01) != 0)
        {
        }
    }

    /// <summary>Minimal bring-up: ring 0..0x0FFF (ERXRDPT = ERXND), receive on, our MAC.</summary>
    private void MinimalUp(int rxEnd = 0x0FFF)
    {
        Bank(0);
        Word(M.ERXSTL, 0);
        Word(M.ERXNDL, rxEnd);
        Word(M.ERXRDPTL, rxEnd);
        Bank(3);
        Wcr(M.MAADR1, 0x02); Wcr(M.MAADR2, 0x11); Wcr(M.MAADR3, 0x22); Wcr(M.MAADR4, 0x33); Wcr(M.MAADR5, 0x44); Wcr(M.MAADR6, 0x55);
        Bank(2);
        Wcr(M.MACON1, 0x01);
        Wcr(M.MACON3, 0x32);
        Word(M.MAMXFLL, 1518);
        Spi(0x9F, 0x04); // BFS ECON1 RXEN
        Bank(0);
    }

    [Fact]
    public void ResetValuesFollowTheDatasheet()
    {
        Assert.Equal(0x1FFF, _chip.PeekWord(0, M.ERXNDL));
        Assert.Equal(0x05FA, _chip.PeekWord(0, M.ERXSTL));
        Assert.Equal(0x05FA, _chip.ReceiveReadPointer);
        Assert.Equal(0xA1, _chip.Peek(1, M.ERXFCON));
        Assert.Equal(0x0600, _chip.PeekWord(2, M.MAMXFLL));
        Assert.Equal(0x80, _chip.Peek(0, M.ECON2));
        Assert.Equal(0x3422, _chip.PeekPhy(M.PHLCON));
        Assert.Equal(0x0083, _chip.PeekPhy(M.PHID1));
        Assert.Equal(0x00, Rcr(M.ECON1));
        Bank(3);
        Assert.Equal(VirtualEnc28j60.RevisionB7, Rcr(M.EREVID));
    }

    [Fact]
    public void MacAndMiiRegistersAnswerWithADummyByteFirst()
    {
        Bank(2);
        Wcr(M.MACON3, 0x32);
        var r = Spi((byte)M.MACON3, 0, 0);
        Assert.Equal(0x00, r[1]);
        Assert.Equal(0x32, r[2]);
        Bank(0);
        Wcr(M.ETXSTL, 0x5A);
        Assert.Equal(0x5A, Spi((byte)M.ETXSTL, 0)[1]);
    }

    [Fact]
    public void BitFieldCommandsWorkOnEthRegistersOnly()
    {
        Bank(2);
        Wcr(M.MACON3, 0x30);
        Spi((byte)(0x80 | M.MACON3), 0x02); // BFS on a MAC register: ignored
        Assert.Equal(0x30, RcrMac(M.MACON3));
        Assert.Equal(1, _chip.Stats.ProtocolViolations);
        Spi(0x80 | M.EIE, 0x81); // BFS on a common ETH register works in any bank
        Assert.Equal(0x81, Rcr(M.EIE));
        Spi(0xA0 | M.EIE, 0x01);
        Assert.Equal(0x80, Rcr(M.EIE));
    }

    [Fact]
    public void BanksSelectRegistersAndCommonOnesAreEverywhere()
    {
        Bank(0);
        Wcr(0x19, 0x12); // EDMACSH... bank 0 address 0x19 is EDMADSTH
        Bank(1);
        Assert.Equal(0, Rcr(M.EPKTCNT));
        Assert.Equal(1, _chip.CurrentBank);
        for (int b = 0; b < 4; b++)
        {
            Bank(b);
            Assert.Equal(0x80, Rcr(M.ECON2));
        }
    }

    [Fact]
    public void BufferMemoryAutoIncrementsAndTheReadPointerWrapsInsideTheRing()
    {
        MinimalUp(rxEnd: 0x0FFF);
        Word(M.EWRPTL, 0x0FFE);
        Spi(0x7A, 1, 2, 3, 4); // WBM crosses 0x0FFF -> 0x1000 (write pointer does not wrap at ERXND)
        Assert.Equal(0x1002, _chip.PeekWord(0, M.EWRPTL));
        Assert.Equal(3, _chip.PeekMemory(0x1000));

        Word(M.EWRPTL, 0x0000);
        Spi(0x7A, 9, 8);
        Word(M.ERDPTL, 0x0FFE);
        var r = Spi(0x3A, 0, 0, 0, 0);
        Assert.Equal(new byte[] { 1, 2, 9, 8 }, r[1..]); // RBM wraps from ERXND to ERXST
        Assert.Equal(0x0002, _chip.PeekWord(0, M.ERDPTL));

        Spi(0xA0 | M.ECON2, 0x80); // AUTOINC off
        Word(M.ERDPTL, 0x0000);
        Assert.Equal(new byte[] { 9, 9, 9 }, Spi(0x3A, 0, 0, 0)[1..]);
    }

    [Fact]
    public void ReceiveReadPointerIsLatchedOnTheHighByte()
    {
        MinimalUp();
        Wcr(M.ERXRDPTL, 0x33);
        Assert.Equal(0x0FFF, _chip.ReceiveReadPointer);
        Wcr(M.ERXRDPTH, 0x02);
        Assert.Equal(0x0233, _chip.ReceiveReadPointer);
        Assert.Equal(0, _chip.Stats.EvenReadPointerWrites);
        Wcr(M.ERXRDPTL, 0x34);
        Wcr(M.ERXRDPTH, 0x02);
        Assert.Equal(1, _chip.Stats.EvenReadPointerWrites);
    }

    [Fact]
    public void StoresAPacketWithTheSixByteHeader()
    {
        MinimalUp();
        var f = Enc28j60Rig.Frame(101, 5);
        Assert.True(_chip.DeliverFromWire(f, 0, f.Length));
        Assert.Equal(1, _chip.PacketCount);
        Word(M.ERDPTL, 0);
        var h = Spi(0x3A, 0, 0, 0, 0, 0, 0);
        int next = h[1] | (h[2] << 8), count = h[3] | (h[4] << 8), status = h[5] | (h[6] << 8);
        Assert.Equal(105, count); // frame + CRC
        Assert.Equal(6 + 106, next); // padded to an even address
        Assert.Equal(0x80, status & 0x80); // received OK
        Assert.Equal(next, _chip.ReceiveWritePointer);
        Assert.Equal(0x40, Rcr(M.EIR) & 0x40); // PKTIF follows EPKTCNT
        Spi(0x80 | M.ECON2, 0x40); // PKTDEC
        Assert.Equal(0, _chip.PacketCount);
        Assert.Equal(0, Rcr(M.EIR) & 0x40);
    }

    [Fact]
    public void OverflowSetsRxerifAndBuferAndRaisesInt()
    {
        MinimalUp(rxEnd: 0x0FFF);
        Spi(0x80 | M.EIE, 0x81); // INTIE | RXERIE
        int stored = 0;
        for (int i = 0; i < 10; i++)
        {
            var f = Enc28j60Rig.Frame(1000, i);
            if (_chip.DeliverFromWire(f, 0, f.Length))
            {
                stored++;
            }
        }
        Assert.Equal(4, stored); // 4 x 1010 bytes fit in 4 KB minus one
        Assert.Equal(6, _chip.Stats.FramesDroppedOverflow);
        Assert.Equal(0x01, Rcr(M.EIR) & 0x01);
        Assert.Equal(0x40, Rcr(M.ESTAT) & 0x40);
        Assert.True(_chip.IsAsserted);
        Assert.Equal(0x80, Rcr(M.ESTAT) & 0x80); // ESTAT.INT mirrors the pin
        Spi(0xA0 | M.EIR, 0x01);
        Spi(0xA0 | M.ESTAT, 0x40);
        Assert.False(_chip.IsAsserted);
    }

    [Fact]
    public void PacketCountSaturatesAt255()
    {
        MinimalUp(rxEnd: 0x1FFF - 0x200 + 1 - 2 + 1); // 0x1DFF
        var f = Enc28j60Rig.Frame(60, 0);
        for (int i = 0; i < 300; i++)
        {
            bool ok = _chip.DeliverFromWire(f, 0, f.Length);
            Assert.Equal(i < 255, ok);
            // A careless host frees the space but never decrements EPKTCNT.
            int rd = _chip.ReceiveWritePointer - 1;
            Bank(0);
            Word(M.ERXRDPTL, rd < 0 ? 0x1DFF : rd);
        }
        Assert.Equal(255, _chip.PacketCount);
        Bank(1);
        Assert.Equal(255, Rcr(M.EPKTCNT));
        Assert.Equal(0x01, Rcr(M.EIR) & 0x01);
        Assert.Equal(45, _chip.Stats.FramesDroppedOverflow);
    }

    [Fact]
    public void TransmitWritesTheStatusVectorAfterEtxnd()
    {
        MinimalUp();
        var f = Enc28j60Rig.Frame(42, 1, dst: new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF });
        Word(M.EWRPTL, 0x1800);
        Spi(new byte[] { 0x7A, 0x00 }.Concat(f).ToArray());
        Word(M.ETXSTL, 0x1800);
        Word(M.ETXNDL, 0x1800 + 42);
        Spi(0x80 | 0x1F, 0x08); // TXRTS
        Assert.Equal(0, Rcr(0x1F) & 0x08);
        Assert.Equal(0x08, Rcr(M.EIR) & 0x0A); // TXIF, no TXERIF
        Word(M.ERDPTL, 0x1800 + 43);
        var tsv = Spi(0x3A, 0, 0, 0, 0, 0, 0, 0)[1..];
        Assert.Equal(42, tsv[0] | (tsv[1] << 8));
        Assert.Equal(0x80, tsv[2] & 0x80); // done
        Assert.Equal(0x02, tsv[3] & 0x02); // broadcast
        Assert.Equal(64, tsv[4] | (tsv[5] << 8)); // padded to 60 + CRC on the wire
        var buf = new byte[100];
        Assert.Equal(60, _chip.Wire.Receive(buf, 0, buf.Length, 0));
    }

    [Fact]
    public void LateCollisionAbortsWithStatusVectorBit29()
    {
        MinimalUp();
        _chip.LateCollisions = 1;
        Word(M.EWRPTL, 0x1800);
        Spi(new byte[] { 0x7A, 0x00 }.Concat(Enc28j60Rig.Frame(100, 1)).ToArray());
        Word(M.ETXSTL, 0x1800);
        Word(M.ETXNDL, 0x1800 + 100);
        Spi(0x80 | 0x1F, 0x08);
        Assert.Equal(0x0A, Rcr(M.EIR) & 0x0A); // TXIF | TXERIF
        Assert.Equal(0x02, Rcr(M.ESTAT) & 0x02); // TXABRT
        Word(M.ERDPTL, 0x1800 + 101);
        var tsv = Spi(0x3A, 0, 0, 0, 0, 0, 0, 0)[1..];
        Assert.Equal(0x20, tsv[3] & 0x20);
        Assert.Equal(0, tsv[2] & 0x80);
        Assert.Equal(0, _chip.Wire.Receive(new byte[2000], 0, 2000, 0));
    }

    [Fact]
    public void TransmitStallsAfterAnAbortUntilTxrstIsPulsed()
    {
        MinimalUp();
        _chip.StallAfterAbort = true;
        _chip.LateCollisions = 1;
        Word(M.EWRPTL, 0x1800);
        Spi(new byte[] { 0x7A, 0x00 }.Concat(Enc28j60Rig.Frame(100, 1)).ToArray());
        Word(M.ETXSTL, 0x1800);
        Word(M.ETXNDL, 0x1800 + 100);
        Spi(0x80 | 0x1F, 0x08); // aborted
        Spi(0xA0 | M.EIR, 0x0A);
        Spi(0x80 | 0x1F, 0x08); // stalls
        Assert.True(_chip.TransmitInProgress);
        Assert.Equal(0, Rcr(M.EIR) & 0x08);
        Spi(0xA0 | 0x1F, 0x08); // cancel
        Spi(0x80 | 0x1F, 0x80); // TXRST
        Spi(0xA0 | 0x1F, 0x80);
        Spi(0x80 | 0x1F, 0x08);
        Assert.False(_chip.TransmitInProgress);
        Assert.Equal(0x08, Rcr(M.EIR) & 0x08);
    }

    [Fact]
    public void PhyRegistersThroughMiiWithBusyAndLinkInterrupt()
    {
        Assert.Equal(0x0083, ReadPhy(M.PHID1));
        Assert.Equal(0x1400, ReadPhy(M.PHID2));
        Assert.Equal(0x0400, ReadPhy(M.PHSTAT2) & 0x0400); // link up

        _chip.SetLink(false);
        Assert.Equal(0, Rcr(M.EIR) & 0x10); // PHIE not enabled: no LINKIF
        Assert.Equal(0x0010, ReadPhy(M.PHIR) & 0x0010);

        WritePhy(M.PHIE, 0x0012);
        _chip.SetLink(true);
        Assert.Equal(0x10, Rcr(M.EIR) & 0x10);
        ReadPhy(M.PHIR);
        Assert.Equal(0, Rcr(M.EIR) & 0x10); // reading PHIR clears it
        Assert.Equal(0, _chip.Stats.ProtocolViolations);
    }

    [Fact]
    public void SoftResetNeedsAMillisecondBeforeTheChipAnswers()
    {
        Spi(0xFF);
        Assert.Equal(0, Rcr(M.ECON2)); // too early
        Assert.Equal(1, _chip.Stats.AccessesDuringReset);
        _clock.Advance(1);
        Assert.Equal(0x80, Rcr(M.ECON2));
        Assert.Equal(0x01, Rcr(M.ESTAT) & 0x01); // CLKRDY (never cleared: errata)
    }

    [Fact]
    public void AnUnresponsiveChipReadsItsMisoLevelAndComesBackAfterReset()
    {
        _chip.SetUnresponsive(0xFF);
        Assert.Equal(0xFF, Rcr(M.ECON2));
        Spi(0xFF);
        _clock.Advance(2);
        Assert.False(_chip.Unresponsive);
        Assert.Equal(0x80, Rcr(M.ECON2));
    }

    [Fact]
    public void WireSideCarriesFramesBothWays()
    {
        MinimalUp();
        var f = Enc28j60Rig.Frame(200, 1);
        Assert.True(_chip.Wire.Transmit(f, 0, f.Length, 0));
        Assert.Equal(1, _chip.PacketCount);
        Assert.Equal(1514, _chip.Wire.MaxFrameLength);
        _chip.SetLink(false);
        Assert.False(_chip.Wire.LinkUp);
        Assert.False(_chip.Wire.Transmit(f, 0, f.Length, 0));
        Assert.Equal(1, _chip.Stats.FramesDroppedLinkDown);
    }
}
