using NanoTcp.Hal;
using NanoTcp.Phy;
using M = NanoTcp.Sim.Enc28j60.Enc28j60Map;

namespace NanoTcp.Sim.Enc28j60;

/// <summary>State of one of the chip's LED pins as configured by PHLCON.</summary>
public enum LedState
{
    Off,
    On,
    /// <summary>Blinking: an activity event within the stretch time, or a blink setting.</summary>
    Blinking,
}

/// <summary>
/// A register-level model of the Microchip ENC28J60 (DS39662) behind its SPI interface, with
/// the silicon errata (DS80349) that drivers must work around. Its other side is a cable:
/// <see cref="Wire"/> is an <see cref="INetworkDevice"/> whose Transmit puts a frame on the
/// cable into the chip and whose Receive takes the frames the chip sent.
/// </summary>
/// <remarks>
/// Modelled: the SPI command set (RCR with a dummy byte on MAC/MII registers, WCR, BFS/BFC on
/// ETH registers only, RBM/WBM with ECON2.AUTOINC, RBM wrap from ERXND to ERXST inside the ring,
/// soft reset), four banks plus the common registers, the 8 KB buffer, the receive ring with
/// its 6-byte header, free space from ERXRDPT (latched on the high byte), EPKTCNT saturating at
/// 255, PKTDEC, overflow (EIR.RXERIF + ESTAT.BUFER), unicast/broadcast/multicast filters,
/// transmit with per-packet control byte, padding, the 7-byte status vector after ETXND,
/// TXIF/TXERIF/TXABRT, the PHY through MII with MISTAT.BUSY, EIE/EIR/INT, PHLCON LEDs.
/// Not modelled: DMA and checksum engine, hash table and pattern-match filters, flow control,
/// power save, built-in self test, CLKOUT.
/// Errata modelled: an even ERXRDPT corrupts the receive ring (here: the next-packet pointer
/// of each packet stored while ERXRDPT is even is written wrong); a transmission aborted by a
/// late collision can stall the transmit logic until ECON1.TXRST is pulsed; ESTAT.CLKRDY is
/// not cleared by the soft reset (so it cannot be used to wait for it).
/// </remarks>
public sealed class VirtualEnc28j60 : ISpiBus, IInterruptLine
{
    public const int BufferSize = 0x2000;
    public const byte RevisionB1 = 0x02, RevisionB4 = 0x04, RevisionB5 = 0x05, RevisionB7 = 0x06;

    private readonly byte[] _mem = new byte[BufferSize];
    private readonly byte[] _rxScratch = new byte[BufferSize + 4]; // a received frame with its FCS, before it enters the ring
    private readonly byte[] _rxHeader = new byte[6];
    private readonly byte[] _regs = new byte[4 * 32]; // bank * 32 + address; common ones at bank 0
    private readonly ushort[] _phy = new ushort[0x20];
    private readonly Queue<byte[]> _toWire = new();
    private readonly Queue<long> _toWireDueUs = new();
    private readonly Queue<byte[]> _fromWire = new();
    private readonly Queue<long> _fromWireDueUs = new();
    private readonly IClock? _clock;
    private readonly IMicrosecondClock? _fineClock;
    private long _wireInFreeUs, _wireOutFreeUs;

    private int _rdptLowLatch;
    private int _rdptCommitted;
    private int _rxWritePointer;
    private int _packetCount;
    private int _miiBusy;
    private bool _miiWrite;
    private int _txBusy;
    private bool _txStalled;
    private bool _resetHeld;
    private long _resetUntilMs = long.MinValue;
    private bool _unresponsive;
    private byte _unresponsiveMiso;
    private bool _linkUp = true;
    private bool _linkLatchedDown;
    private bool _lastInt;
    private long _lastTxActivityMs = long.MinValue / 2, _lastRxActivityMs = long.MinValue / 2, _lastCollisionMs = long.MinValue / 2;
    private bool _txActivityA, _rxActivityA, _colActivityA, _txActivityB, _rxActivityB, _colActivityB;

    public VirtualEnc28j60(IClock? clock = null, byte revision = RevisionB7)
    {
        _clock = clock;
        _fineClock = clock as IMicrosecondClock;
        Revision = revision;
        Wire = new WireSide(this);
        ResetPin = new ResetLine(this);
        PowerOnReset();
    }

    // ------------------------------------------------------------------ configuration, faults

    /// <summary>EREVID value (B7 = 0x06 by default).</summary>
    public byte Revision { get; set; }

    /// <summary>The cable side of the chip (see class remarks).</summary>
    public INetworkDevice Wire { get; }

    /// <summary>The chip's RESET pin: low holds the chip in reset; the rising edge resets it.</summary>
    public IDigitalOutput ResetPin { get; }

    /// <summary>SPI transactions during which MISTAT.BUSY stays set after an MII command.</summary>
    public int MiiBusyTransactions { get; set; } = 3;

    /// <summary>SPI transactions during which a transmission is in progress (0: it ends at once).</summary>
    public int TxBusyTransactions { get; set; }

    /// <summary>Fault: the next N transmissions end in a late collision (status vector bit 29, TXERIF).</summary>
    public int LateCollisions { get; set; }

    /// <summary>Errata: after an aborted transmission, the transmit logic stalls (TXRTS never clears) until TXRST is pulsed.</summary>
    public bool StallAfterAbort { get; set; }

    /// <summary>Errata (on by default): packets stored while ERXRDPT holds an even value get a corrupted next-packet pointer.</summary>
    public bool EvenReadPointerCorruption { get; set; } = true;

    /// <summary>
    /// The cable's bit rate (the ENC28J60 is a 10BASE-T part: 10,000,000). Frames from the cable
    /// enter the receive ring, and frames the chip sends leave on the cable, no faster than this:
    /// each takes preamble + frame + FCS + inter-frame gap at this rate, so a burst meets the ring
    /// as it would on a real wire and a driver that reads too slowly loses frames to overflow, as a
    /// board would. 0 (the default): no pacing, frames move as soon as they are handed over.
    /// </summary>
    public long LineRateBitsPerSecond { get; set; }

    /// <summary>Frames the cable (a switch port's buffer) holds while they wait for their turn on a paced wire; beyond that they are dropped.</summary>
    public int CableQueueFrames { get; set; } = 256;

    /// <summary>Fault: the chip stops answering: MISO reads <paramref name="miso"/> (0xFF or 0x00) and commands are ignored.</summary>
    public void SetUnresponsive(byte miso = 0xFF)
    {
        _unresponsive = true;
        _unresponsiveMiso = miso;
    }

    /// <summary>Whether a soft reset or a reset pulse brings an unresponsive chip back (default true).</summary>
    public bool RecoverOnReset { get; set; } = true;

    public bool Unresponsive => _unresponsive;

    /// <summary>Fault: a brown-out: every register returns to its power-on value (the driver's configuration is gone).</summary>
    public void BrownOut() => PowerOnReset();

    /// <summary>Plug or unplug the cable: PHSTAT1/2 link bits, PHIR.PLNKIF, EIR.LINKIF (when PHIE enables it).</summary>
    public void SetLink(bool up)
    {
        if (up == _linkUp)
        {
            return;
        }
        _linkUp = up;
        if (!up)
        {
            _linkLatchedDown = true;
        }
        _phy[M.PHIR] |= 0x0010; // PLNKIF
        UpdatePhyInterrupt();
        UpdateInterruptLine();
    }

    public bool LinkUp => _linkUp;

    // ------------------------------------------------------------------ observation

    public VirtualEnc28j60Stats Stats { get; } = new();

    /// <summary>ERXRDPT as the receive hardware uses it (after the high-byte latch).</summary>
    public int ReceiveReadPointer => _rdptCommitted;

    /// <summary>ERXWRPT: where the next packet will be written.</summary>
    public int ReceiveWritePointer => _rxWritePointer;

    /// <summary>EPKTCNT now (frames whose time on a paced cable is over have arrived).</summary>
    public int PacketCount
    {
        get
        {
            ServiceCable();
            return _packetCount;
        }
    }

    /// <summary>True while a transmission started with TXRTS has not ended (TxBusyTransactions, or a stall).</summary>
    public bool TransmitInProgress => (_regs[M.ECON1] & 0x08) != 0;

    public int CurrentBank => _regs[M.ECON1] & 0x03;

    /// <summary>Free bytes in the receive ring (datasheet equation 7-1).</summary>
    public int FreeSpace
    {
        get
        {
            int st = Word(0, M.ERXSTL), nd = Word(0, M.ERXNDL);
            if (_rxWritePointer > _rdptCommitted)
            {
                return (nd - st) - (_rxWritePointer - _rdptCommitted);
            }
            if (_rxWritePointer == _rdptCommitted)
            {
                return nd - st;
            }
            return _rdptCommitted - _rxWritePointer - 1;
        }
    }

    /// <summary>
    /// Whether a frame of <paramref name="length"/> bytes (no FCS) arriving now would be stored,
    /// rather than dropped for lack of room in the receive ring (the bridge of a host-speed cable
    /// waits while this is false). True also when reception is off: such a frame is dropped anyway.
    /// </summary>
    public bool HasRoomFor(int length)
    {
        if (!CanReceive)
        {
            return true;
        }
        int need = (6 + Math.Max(length, 60) + 4 + 1) & ~1;
        return _packetCount < 255 && need <= FreeSpace;
    }

    /// <summary>Frames waiting on the paced cable to enter the chip.</summary>
    public int CableQueued => _fromWire.Count;

    /// <summary>
    /// Microseconds (on the clock's scale) at which the paced cable next delivers a frame to the chip or
    /// to the other side; long.MaxValue when nothing waits. The board's loop sleeps no longer than that.
    /// </summary>
    public long NextCableEventUs
    {
        get
        {
            long t = long.MaxValue;
            if (_fromWireDueUs.Count > 0) t = _fromWireDueUs.Peek();
            if (_toWireDueUs.Count > 0 && _toWireDueUs.Peek() < t) t = _toWireDueUs.Peek();
            return t;
        }
    }

    /// <summary>The clock in microseconds (a millisecond clock gives whole milliseconds).</summary>
    public long NowUs => _fineClock != null ? _fineClock.NowUs : (_clock?.NowMs ?? 0) * 1000;

    /// <summary>Register value without side effects (common registers in any bank).</summary>
    public byte Peek(int bank, int address) => address >= 0x1B ? ReadCommonForPeek(address) : _regs[bank * 32 + address];

    public ushort PeekPhy(int address) => _phy[address & 0x1F];

    public byte PeekMemory(int address) => _mem[address & 0x1FFF];

    public int PeekWord(int bank, int lowAddress) => Word(bank, lowAddress);

    /// <summary>LEDA as driven by PHLCON bits 11-8.</summary>
    public LedState LedA => Led((_phy[M.PHLCON] >> 8) & 0x0F, ref _txActivityA, ref _rxActivityA, ref _colActivityA);

    /// <summary>LEDB as driven by PHLCON bits 7-4.</summary>
    public LedState LedB => Led((_phy[M.PHLCON] >> 4) & 0x0F, ref _txActivityB, ref _rxActivityB, ref _colActivityB);

    /// <summary>The INT pin (active low on the chip; true here while asserted).</summary>
    public bool IsAsserted
    {
        get
        {
            ServiceCable();
            return ComputeInt();
        }
    }

    // ------------------------------------------------------------------ SPI

    public void TransferFullDuplex(byte[] write, byte[]? read, int count)
    {
        if (count <= 0)
        {
            return;
        }
        Stats.SpiTransactions++;
        Stats.SpiBytes += count;

        if (_unresponsive || _resetHeld)
        {
            if (read != null)
            {
                Array.Fill(read, _resetHeld ? (byte)0x00 : _unresponsiveMiso, 0, count);
            }
            if (_unresponsive && !_resetHeld && write[0] == 0xFF && RecoverOnReset)
            {
                _unresponsive = false;
                SoftReset();
            }
            return;
        }

        if (_clock != null && _clock.NowMs < _resetUntilMs && write[0] != 0xFF)
        {
            // The chip is still resetting: nothing it answers can be trusted.
            Stats.AccessesDuringReset++;
            Stats.ProtocolViolations++;
            if (read != null)
            {
                Array.Clear(read, 0, count);
            }
            return;
        }

        Tick();
        ServiceCable();

        byte op = write[0];
        int opcode = op >> 5;
        int arg = op & 0x1F;
        if (read != null)
        {
            read[0] = 0x00;
        }
        switch (opcode)
        {
            case 0: // RCR
            {
                int bank = CurrentBank;
                bool dummy = M.IsMacOrMii(bank, arg);
                byte value = ReadRegister(bank, arg);
                if (read != null)
                {
                    for (int i = 1; i < count; i++)
                    {
                        read[i] = (dummy && i == 1) ? (byte)0x00 : value;
                    }
                }
                break;
            }
            case 1: // RBM (0x3A)
                if (arg != 0x1A)
                {
                    Stats.ProtocolViolations++;
                    break;
                }
                ReadBuffer(read, count);
                break;
            case 2: // WCR
                if (count >= 2)
                {
                    WriteRegister(CurrentBank, arg, write[1]);
                }
                break;
            case 3: // WBM (0x7A)
                if (arg != 0x1A)
                {
                    Stats.ProtocolViolations++;
                    break;
                }
                WriteBuffer(write, count);
                break;
            case 4: // BFS
            case 5: // BFC
            {
                int bank = CurrentBank;
                if (count < 2 || M.IsMacOrMii(bank, arg))
                {
                    // Bit field commands work on ETH registers only.
                    Stats.ProtocolViolations++;
                    break;
                }
                byte old = ReadRawForBitOp(bank, arg);
                byte value = opcode == 4 ? (byte)(old | write[1]) : (byte)(old & ~write[1]);
                WriteRegister(bank, arg, value);
                break;
            }
            default:
                if (op == 0xFF)
                {
                    SoftReset();
                }
                else
                {
                    Stats.ProtocolViolations++;
                }
                break;
        }
        UpdateInterruptLine();
    }

    private void Tick()
    {
        if (_miiBusy > 0 && --_miiBusy == 0)
        {
            CompleteMii();
        }
        if (_txBusy > 0 && --_txBusy == 0)
        {
            CompleteTransmit();
        }
    }

    private void ReadBuffer(byte[]? read, int count)
    {
        int p = Word(0, M.ERDPTL);
        bool autoinc = (_regs[M.ECON2] & 0x80) != 0;
        int st = Word(0, M.ERXSTL), nd = Word(0, M.ERXNDL);
        int n = count - 1;
        if (!autoinc)
        {
            if (read != null)
            {
                Array.Fill(read, _mem[p], 1, n);
            }
            return;
        }
        // Inside the receive ring the read pointer wraps from ERXND to ERXST; elsewhere at the end of memory.
        int done = 0;
        while (done < n)
        {
            int limit = p >= st && p <= nd ? nd : BufferSize - 1;
            int chunk = Math.Min(n - done, limit - p + 1);
            if (read != null)
            {
                Array.Copy(_mem, p, read, 1 + done, chunk);
            }
            done += chunk;
            p += chunk;
            if (p > limit)
            {
                p = limit == nd ? st : 0;
            }
        }
        SetWord(0, M.ERDPTL, p);
    }

    private void WriteBuffer(byte[] write, int count)
    {
        int p = Word(0, M.EWRPTL);
        bool autoinc = (_regs[M.ECON2] & 0x80) != 0;
        int n = count - 1;
        if (!autoinc)
        {
            _mem[p] = write[n];
            return;
        }
        int done = 0;
        while (done < n)
        {
            int chunk = Math.Min(n - done, BufferSize - p);
            Array.Copy(write, 1 + done, _mem, p, chunk);
            done += chunk;
            p = (p + chunk) & 0x1FFF;
        }
        SetWord(0, M.EWRPTL, p);
    }

    // ------------------------------------------------------------------ registers

    private byte ReadRegister(int bank, int address)
    {
        if (address >= 0x1B)
        {
            return ReadCommonForPeek(address);
        }
        if (bank == 0 && address == M.ERXRDPTL)
        {
            return (byte)_rdptCommitted;
        }
        if (bank == 0 && address == M.ERXRDPTH)
        {
            return (byte)(_rdptCommitted >> 8);
        }
        if (bank == 0 && address == M.ERXWRPTL)
        {
            return (byte)_rxWritePointer;
        }
        if (bank == 0 && address == M.ERXWRPTH)
        {
            return (byte)(_rxWritePointer >> 8);
        }
        if (bank == 1 && address == M.EPKTCNT)
        {
            return (byte)_packetCount;
        }
        if (bank == 3 && address == M.MISTAT)
        {
            return (byte)(_miiBusy > 0 ? 0x01 : 0x00);
        }
        if (bank == 3 && address == M.EREVID)
        {
            return Revision;
        }
        if (bank == 2 && (address == M.MIRDL || address == M.MIRDH) && _miiBusy > 0)
        {
            Stats.ProtocolViolations++; // MIRD is not valid while BUSY
        }
        return _regs[bank * 32 + address];
    }

    private byte ReadCommonForPeek(int address)
    {
        switch (address)
        {
            case M.EIR:
            {
                int eir = _regs[M.EIR] & 0x2B; // DMAIF, TXIF, TXERIF, RXERIF are stored
                if (_packetCount > 0)
                {
                    eir |= 0x40; // PKTIF follows EPKTCNT
                }
                if ((_phy[M.PHIR] & 0x0004) != 0)
                {
                    eir |= 0x10; // LINKIF follows PHIR.PGIF
                }
                return (byte)eir;
            }
            case M.ESTAT:
            {
                int estat = _regs[M.ESTAT] & 0x52; // BUFER, LATECOL, TXABRT are stored
                estat |= 0x01; // CLKRDY (errata: the soft reset does not clear it)
                if (ComputeInt())
                {
                    estat |= 0x80;
                }
                return (byte)estat;
            }
            default:
                return _regs[address];
        }
    }

    private byte ReadRawForBitOp(int bank, int address) =>
        address >= 0x1B ? (address == M.EIR ? (byte)(_regs[M.EIR] & 0x2B) : address == M.ESTAT ? _regs[M.ESTAT] : _regs[address])
                        : ReadRegisterNoSideEffects(bank, address);

    private byte ReadRegisterNoSideEffects(int bank, int address) =>
        bank == 0 && address == M.ERXRDPTL ? (byte)_rdptCommitted
        : bank == 0 && address == M.ERXRDPTH ? (byte)(_rdptCommitted >> 8)
        : _regs[bank * 32 + address];

    private void WriteRegister(int bank, int address, byte value)
    {
        if (address >= 0x1B)
        {
            WriteCommon(address, value);
            return;
        }
        int index = bank * 32 + address;
        switch (bank)
        {
            case 0:
                switch (address)
                {
                    case M.ERXRDPTL:
                        _rdptLowLatch = value;
                        return;
                    case M.ERXRDPTH:
                        // ERXRDPT takes effect when its high byte is written.
                        _rdptCommitted = ((value & 0x1F) << 8) | _rdptLowLatch;
                        _regs[index] = (byte)(value & 0x1F);
                        _regs[index - 1] = (byte)_rdptLowLatch;
                        if ((_rdptCommitted & 1) == 0)
                        {
                            Stats.EvenReadPointerWrites++;
                        }
                        return;
                    case M.ERXWRPTL:
                    case M.ERXWRPTH:
                        return; // read-only
                    case M.ERXSTL:
                    case M.ERXSTH:
                    case M.ERXNDL:
                    case M.ERXNDH:
                        _regs[index] = (byte)(address % 2 == 1 ? value & 0x1F : value);
                        _rxWritePointer = Word(0, M.ERXSTL); // the internal write pointer follows ERXST
                        return;
                    default:
                        _regs[index] = (byte)((address & 1) == 1 && address <= 0x0F ? value & 0x1F : value);
                        return;
                }
            case 1:
                if (address == M.EPKTCNT)
                {
                    return; // only PKTDEC changes it
                }
                _regs[index] = value;
                return;
            case 2:
                if (_miiBusy > 0 && (address == M.MICMD || address == M.MIREGADR || address == M.MIWRL || address == M.MIWRH))
                {
                    Stats.ProtocolViolations++; // MII registers must not change while BUSY
                    return;
                }
                if (address == M.MICMD)
                {
                    bool start = (value & 0x01) != 0 && (_regs[index] & 0x01) == 0;
                    _regs[index] = (byte)(value & 0x03);
                    if (start)
                    {
                        _miiWrite = false;
                        _miiBusy = Math.Max(1, MiiBusyTransactions);
                    }
                    return;
                }
                _regs[index] = value;
                if (address == M.MIWRH)
                {
                    _miiWrite = true;
                    _miiBusy = Math.Max(1, MiiBusyTransactions);
                }
                return;
            default:
                if (address == M.MISTAT || address == M.EREVID)
                {
                    return; // read-only
                }
                _regs[index] = value;
                return;
        }
    }

    private void WriteCommon(int address, byte value)
    {
        switch (address)
        {
            case M.EIR:
                // PKTIF and LINKIF are read-only; the others can be set and cleared.
                _regs[M.EIR] = (byte)(value & 0x2B);
                return;
            case M.ESTAT:
                // BUFER and TXABRT can only be cleared; LATECOL follows TXABRT's clearing.
                _regs[M.ESTAT] = (byte)(_regs[M.ESTAT] & (value | ~0x42) & 0x52);
                if ((_regs[M.ESTAT] & 0x02) == 0)
                {
                    _regs[M.ESTAT] &= unchecked((byte)~0x10);
                }
                return;
            case M.ECON2:
                if ((value & 0x40) != 0 && _packetCount > 0)
                {
                    _packetCount--;
                }
                _regs[M.ECON2] = (byte)(value & 0xA8); // PKTDEC reads 0
                return;
            case M.ECON1:
                WriteEcon1(value);
                return;
            default:
                _regs[address] = value;
                return;
        }
    }

    private void WriteEcon1(byte value)
    {
        byte old = _regs[M.ECON1];
        if ((value & 0x20) != 0)
        {
            Stats.UnsupportedCommands++; // DMA is not modelled; DMAST reads back 0
            value &= unchecked((byte)~0x20);
        }
        bool txResetRising = (value & 0x80) != 0 && (old & 0x80) == 0;
        if ((value & 0x80) != 0)
        {
            // Transmit logic held in reset: nothing can start, a stall is cleared.
            if (txResetRising)
            {
                Stats.TxResets++;
            }
            _txStalled = false;
            _txBusy = 0;
            value &= unchecked((byte)~0x08);
        }
        bool txStart = (value & 0x08) != 0 && (old & 0x08) == 0;
        bool txCancel = (value & 0x08) == 0 && (old & 0x08) != 0;
        _regs[M.ECON1] = value;
        if (txCancel)
        {
            _txBusy = 0;
        }
        if (txStart)
        {
            StartTransmit();
        }
    }

    // ------------------------------------------------------------------ MII / PHY

    private void CompleteMii()
    {
        int address = _regs[2 * 32 + M.MIREGADR] & 0x1F;
        if (_miiWrite)
        {
            ushort value = (ushort)(_regs[2 * 32 + M.MIWRL] | (_regs[2 * 32 + M.MIWRH] << 8));
            WritePhy(address, value);
        }
        else
        {
            ushort value = ReadPhy(address);
            _regs[2 * 32 + M.MIRDL] = (byte)value;
            _regs[2 * 32 + M.MIRDH] = (byte)(value >> 8);
        }
    }

    private ushort ReadPhy(int address)
    {
        switch (address)
        {
            case M.PHSTAT1:
            {
                // PFDPX | PHDPX | LLSTAT (latching low) ; reading re-arms the latch.
                ushort v = (ushort)(0x1800 | (_linkUp && !_linkLatchedDown ? 0x0004 : 0));
                _linkLatchedDown = false;
                return v;
            }
            case M.PHSTAT2:
            {
                int v = 0;
                if (_linkUp)
                {
                    v |= 0x0400; // LSTAT
                }
                if ((_phy[M.PHCON1] & 0x0100) != 0)
                {
                    v |= 0x0200; // DPXSTAT
                }
                return (ushort)v;
            }
            case M.PHIR:
            {
                ushort v = _phy[M.PHIR];
                _phy[M.PHIR] = 0; // reading PHIR clears PLNKIF and PGIF
                UpdateInterruptLine();
                return v;
            }
            default:
                return _phy[address];
        }
    }

    private void WritePhy(int address, ushort value)
    {
        switch (address)
        {
            case M.PHSTAT1:
            case M.PHSTAT2:
            case M.PHIR:
            case M.PHID1:
            case M.PHID2:
                return; // read-only
            case M.PHCON1:
                if ((value & 0x8000) != 0)
                {
                    ResetPhy();
                    return;
                }
                _phy[M.PHCON1] = (ushort)(value & 0x4900);
                return;
            case M.PHIE:
                _phy[M.PHIE] = (ushort)(value & 0x0012);
                UpdatePhyInterrupt();
                return;
            case M.PHLCON:
                if ((value & 0x3000) != 0x3000)
                {
                    Stats.ProtocolViolations++; // bits 13-12 must be written as 1
                }
                _phy[M.PHLCON] = value;
                return;
            default:
                _phy[address & 0x1F] = value;
                return;
        }
    }

    private void UpdatePhyInterrupt()
    {
        // PGIF (and with it EIR.LINKIF) needs PHIE.PGEIE and PHIE.PLNKIE.
        if ((_phy[M.PHIR] & 0x0010) != 0 && (_phy[M.PHIE] & 0x0012) == 0x0012)
        {
            _phy[M.PHIR] |= 0x0004;
        }
    }

    private void ResetPhy()
    {
        _phy[M.PHCON1] = 0x0000;
        _phy[M.PHID1] = 0x0083;
        _phy[M.PHID2] = 0x1400;
        _phy[M.PHCON2] = 0x0000;
        _phy[M.PHIE] = 0x0000;
        _phy[M.PHIR] = 0x0000;
        _phy[M.PHLCON] = 0x3422;
    }

    // ------------------------------------------------------------------ transmit

    private void StartTransmit()
    {
        if (_txStalled)
        {
            Stats.StalledTransmitAttempts++;
            return; // TXRTS stays set: the errata stall
        }
        if (TxBusyTransactions > 0)
        {
            _txBusy = TxBusyTransactions;
            return;
        }
        CompleteTransmit();
    }

    private void CompleteTransmit()
    {
        int st = Word(0, M.ETXSTL), nd = Word(0, M.ETXNDL);
        int length = nd - st; // control byte at ETXST, frame ETXST+1..ETXND
        byte control = _mem[st];
        int macon3 = _regs[2 * 32 + M.MACON3];
        bool pad = (control & 0x01) != 0 ? (control & 0x04) != 0 : (macon3 & 0xE0) != 0;
        bool crc = (control & 0x01) != 0 ? (control & 0x02) != 0 : (macon3 & 0x10) != 0;

        byte[] tsv = new byte[7];
        bool abort = false;
        bool late = false;
        if (length <= 0 || length > 1536)
        {
            abort = true;
            tsv[3] |= 0x40; // giant / nonsense length
        }
        else if (LateCollisions > 0)
        {
            LateCollisions--;
            Stats.LateCollisionsInjected++;
            abort = true;
            late = true;
            tsv[3] |= 0x20; // bit 29: late collision
            _lastCollisionMs = Now;
            _colActivityA = _colActivityB = true;
        }

        int wireLength = Math.Max(length, pad ? 60 : length);
        tsv[0] = (byte)length;
        tsv[1] = (byte)(length >> 8);
        if (!abort)
        {
            tsv[2] |= 0x80; // bit 23: transmit done
            var frame = new byte[wireLength];
            Array.Copy(_mem, st + 1, frame, 0, length);
            if ((frame[0] & 0x01) != 0)
            {
                tsv[3] |= frame[0] == 0xFF && frame[1] == 0xFF && frame[2] == 0xFF ? (byte)0x02 : (byte)0x01;
            }
            int onWire = wireLength + (crc ? 4 : 0);
            tsv[4] = (byte)onWire;
            tsv[5] = (byte)(onWire >> 8);
            if (_linkUp)
            {
                _toWire.Enqueue(frame);
                _toWireDueUs.Enqueue(CableSlot(ref _wireOutFreeUs, wireLength));
                Stats.FramesToWire++;
            }
            else
            {
                Stats.FramesLostLinkDown++;
            }
            _lastTxActivityMs = Now;
            _txActivityA = _txActivityB = true;
        }
        for (int i = 0; i < 7; i++)
        {
            _mem[(nd + 1 + i) & 0x1FFF] = tsv[i];
        }

        _regs[M.ECON1] &= unchecked((byte)~0x08); // TXRTS clears
        _regs[M.EIR] |= 0x08; // TXIF
        if (abort)
        {
            Stats.TxAborts++;
            _regs[M.EIR] |= 0x02; // TXERIF
            _regs[M.ESTAT] |= 0x02; // TXABRT
            if (late)
            {
                _regs[M.ESTAT] |= 0x10; // LATECOL (unreliable per errata; the TSV is authoritative)
            }
            if (StallAfterAbort)
            {
                _txStalled = true;
            }
        }
        UpdateInterruptLine();
    }

    // ------------------------------------------------------------------ receive (from the cable)

    /// <summary>A frame (no preamble, no FCS) arrives on the cable. Returns true when the chip stored it.</summary>
    public bool DeliverFromWire(byte[] buffer, int offset, int length)
    {
        Stats.FramesFromWire++;
        if (!_linkUp)
        {
            Stats.FramesDroppedLinkDown++;
            return false;
        }
        if (_unresponsive || _resetHeld || (_regs[M.ECON1] & 0x04) == 0 || (_regs[M.ECON1] & 0x40) != 0
            || (_regs[2 * 32 + M.MACON1] & 0x01) == 0)
        {
            Stats.FramesDroppedRxDisabled++;
            return false;
        }
        if (length < 14)
        {
            Stats.FramesDroppedRunt++;
            return false;
        }
        int frameLength = Math.Max(length, 60); // the sender pads short frames
        int byteCount = frameLength + 4;
        int maxWithFcs = Word(2, M.MAMXFLL);
        bool hugeAllowed = (_regs[2 * 32 + M.MACON3] & 0x04) != 0;
        if (!hugeAllowed && byteCount > maxWithFcs)
        {
            Stats.FramesDroppedTooLong++;
            return false;
        }
        if (!PassesFilter(buffer, offset))
        {
            Stats.FramesFiltered++;
            return false;
        }

        int need = (6 + byteCount + 1) & ~1;
        if (_packetCount >= 255 || need > FreeSpace)
        {
            Stats.FramesDroppedOverflow++;
            if ((_regs[M.EIR] & 0x01) == 0)
            {
                Stats.OverflowEpisodes++; // what a driver can see: RXERIF set again after it was cleared
            }
            _regs[M.EIR] |= 0x01; // RXERIF
            _regs[M.ESTAT] |= 0x40; // BUFER
            UpdateInterruptLine();
            return false;
        }

        int st = Word(0, M.ERXSTL), nd = Word(0, M.ERXNDL);
        int ringSize = nd - st + 1;
        int start = _rxWritePointer;
        int next = start + need;
        if (next > nd)
        {
            next -= ringSize;
        }

        byte[] data = _rxScratch;
        Array.Copy(buffer, offset, data, 0, length);
        Array.Clear(data, length, frameLength - length); // the sender's padding
        uint fcs = Crc32(data, frameLength);
        data[frameLength] = (byte)fcs;
        data[frameLength + 1] = (byte)(fcs >> 8);
        data[frameLength + 2] = (byte)(fcs >> 16);
        data[frameLength + 3] = (byte)(fcs >> 24);

        int storedNext = next;
        if (EvenReadPointerCorruption && (_rdptCommitted & 1) == 0)
        {
            // Errata model: with an even ERXRDPT the receive hardware corrupts the ring;
            // here the next-packet pointer of the stored packet comes out wrong.
            storedNext = next + 2 > nd ? next + 2 - ringSize : next + 2;
            Stats.CorruptedPackets++;
        }

        bool broadcast = buffer[offset] == 0xFF && buffer[offset + 1] == 0xFF && buffer[offset + 2] == 0xFF
            && buffer[offset + 3] == 0xFF && buffer[offset + 4] == 0xFF && buffer[offset + 5] == 0xFF;
        bool multicast = !broadcast && (buffer[offset] & 0x01) != 0;
        int status = 0x0080; // bit 23 received OK
        if (multicast)
        {
            status |= 0x0100;
        }
        if (broadcast)
        {
            status |= 0x0200;
        }
        byte[] header = _rxHeader;
        header[0] = (byte)storedNext;
        header[1] = (byte)(storedNext >> 8);
        header[2] = (byte)byteCount;
        header[3] = (byte)(byteCount >> 8);
        header[4] = (byte)status;
        header[5] = (byte)(status >> 8);
        int p = RingWrite(header, header.Length, start, st, nd);
        RingWrite(data, frameLength + 4, p, st, nd);

        _rxWritePointer = next;
        _packetCount++;
        Stats.FramesStored++;
        _lastRxActivityMs = Now;
        _rxActivityA = _rxActivityB = true;
        UpdateInterruptLine();
        return true;
    }

    private int RingWrite(byte[] source, int length, int p, int st, int nd)
    {
        int done = 0;
        while (done < length)
        {
            int chunk = Math.Min(length - done, nd - p + 1);
            Array.Copy(source, done, _mem, p, chunk);
            done += chunk;
            p += chunk;
            if (p > nd)
            {
                p = st;
            }
        }
        return p;
    }

    private bool CanReceive => _linkUp && !_unresponsive && !_resetHeld && (_regs[M.ECON1] & 0x04) != 0 && (_regs[M.ECON1] & 0x40) == 0
        && (_regs[2 * 32 + M.MACON1] & 0x01) != 0;

    // ------------------------------------------------------------------ the cable at line rate

    /// <summary>Bits of one frame on the wire: preamble and SFD, the frame padded to 60, FCS, inter-frame gap.</summary>
    private static long WireBits(int frameLength) => (8L + Math.Max(frameLength, 60) + 4 + 12) * 8;

    /// <summary>The time the frame has fully crossed a paced cable whose previous frame ends at <paramref name="freeUs"/>.</summary>
    private long CableSlot(ref long freeUs, int frameLength)
    {
        long now = NowUs;
        if (LineRateBitsPerSecond <= 0)
        {
            return now;
        }
        long start = freeUs > now ? freeUs : now;
        freeUs = start + (WireBits(frameLength) * 1_000_000 + LineRateBitsPerSecond - 1) / LineRateBitsPerSecond;
        return freeUs;
    }

    /// <summary>A frame from the cable, on a paced wire: it waits its turn, then meets the ring as it is then.</summary>
    private bool ArriveFromCable(byte[] buffer, int offset, int length)
    {
        if (LineRateBitsPerSecond <= 0)
        {
            return DeliverFromWire(buffer, offset, length);
        }
        ServiceCable();
        if (_fromWire.Count >= CableQueueFrames)
        {
            Stats.FramesDroppedCableQueue++;
            return false;
        }
        var copy = new byte[length];
        Array.Copy(buffer, offset, copy, 0, length);
        _fromWire.Enqueue(copy);
        _fromWireDueUs.Enqueue(CableSlot(ref _wireInFreeUs, length));
        ServiceCable();
        return true;
    }

    /// <summary>Moves the frames whose time on the paced cable is over into the chip.</summary>
    private void ServiceCable()
    {
        if (_fromWire.Count == 0)
        {
            return;
        }
        long now = NowUs;
        while (_fromWireDueUs.Count > 0 && _fromWireDueUs.Peek() <= now)
        {
            _fromWireDueUs.Dequeue();
            byte[] f = _fromWire.Dequeue();
            DeliverFromWire(f, 0, f.Length);
        }
    }

    private bool PassesFilter(byte[] b, int o)
    {
        int f = _regs[1 * 32 + M.ERXFCON];
        bool uc = (f & 0x80) != 0, andOr = (f & 0x40) != 0, mc = (f & 0x02) != 0, bc = (f & 0x01) != 0;
        if ((f & 0x9F) == 0)
        {
            return true; // no filter enabled: promiscuous
        }
        bool broadcast = b[o] == 0xFF && b[o + 1] == 0xFF && b[o + 2] == 0xFF && b[o + 3] == 0xFF && b[o + 4] == 0xFF && b[o + 5] == 0xFF;
        bool multicast = !broadcast && (b[o] & 0x01) != 0;
        bool unicast = b[o] == _regs[3 * 32 + M.MAADR1] && b[o + 1] == _regs[3 * 32 + M.MAADR2]
            && b[o + 2] == _regs[3 * 32 + M.MAADR3] && b[o + 3] == _regs[3 * 32 + M.MAADR4]
            && b[o + 4] == _regs[3 * 32 + M.MAADR5] && b[o + 5] == _regs[3 * 32 + M.MAADR6];
        // Pattern match, magic packet and hash table filters are not modelled: they never match.
        bool any = (uc && unicast) || (mc && multicast) || (bc && broadcast);
        if (!andOr)
        {
            return any;
        }
        bool all = (!uc || unicast) && (!mc || multicast) && (!bc || broadcast) && (f & 0x1C) == 0;
        return all;
    }

    /// <summary>IEEE 802.3 FCS (CRC-32, reflected, stored least significant byte first).</summary>
    private static uint Crc32(byte[] data, int length) => System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, length));

    // ------------------------------------------------------------------ interrupt, LEDs, reset

    private bool ComputeInt()
    {
        int eie = _regs[M.EIE];
        if ((eie & 0x80) == 0)
        {
            return false;
        }
        return (ReadCommonForPeek(M.EIR) & eie & 0x7B) != 0;
    }

    private void UpdateInterruptLine()
    {
        bool now = ComputeInt();
        if (now && !_lastInt)
        {
            Stats.InterruptAssertions++;
        }
        _lastInt = now;
    }

    private long Now => _clock?.NowMs ?? 0;

    private LedState Led(int cfg, ref bool tx, ref bool rx, ref bool col)
    {
        int stretch = ((_phy[M.PHLCON] >> 2) & 0x03) switch { 0 => 40, 1 => 73, _ => 139 };
        bool txAct, rxAct, colAct;
        if (_clock != null)
        {
            long now = _clock.NowMs;
            txAct = now - _lastTxActivityMs <= stretch;
            rxAct = now - _lastRxActivityMs <= stretch;
            colAct = now - _lastCollisionMs <= stretch;
        }
        else
        {
            // Without a clock, an activity shows once, at the next look at the LED.
            txAct = tx;
            rxAct = rx;
            colAct = col;
        }
        tx = rx = col = false;
        bool fullDuplex = (_phy[M.PHCON1] & 0x0100) != 0;
        LedState Act(bool a) => a ? LedState.Blinking : LedState.Off;
        LedState OnUnless(bool on, bool a) => !on ? LedState.Off : a ? LedState.Blinking : LedState.On;
        return cfg switch
        {
            0x1 => Act(txAct),
            0x2 => Act(rxAct),
            0x3 => Act(colAct),
            0x4 => _linkUp ? LedState.On : LedState.Off,
            0x5 => fullDuplex ? LedState.On : LedState.Off,
            0x7 => Act(txAct || rxAct),
            0x8 => LedState.On,
            0x9 => LedState.Off,
            0xA or 0xB => LedState.Blinking,
            0xC => OnUnless(_linkUp, rxAct),
            0xD => OnUnless(_linkUp, txAct || rxAct),
            0xE => OnUnless(fullDuplex, colAct),
            _ => LedState.Off,
        };
    }

    private void SoftReset()
    {
        Stats.SoftResets++;
        ResetRegisters();
        if (_clock != null)
        {
            _resetUntilMs = _clock.NowMs + 1; // datasheet: wait at least 1 ms after the reset command
        }
    }

    private void PowerOnReset()
    {
        ResetRegisters();
        ResetPhy();
    }

    private void ResetRegisters()
    {
        Array.Clear(_regs);
        SetWord(0, M.ERDPTL, 0x05FA);
        SetWord(0, M.ERXSTL, 0x05FA);
        SetWord(0, M.ERXNDL, 0x1FFF);
        _rdptCommitted = 0x05FA;
        _rdptLowLatch = 0xFA;
        SetWord(0, M.ERXRDPTL, 0x05FA);
        _rxWritePointer = 0x0000;
        _regs[1 * 32 + M.ERXFCON] = 0xA1; // UCEN | CRCEN | BCEN
        _regs[2 * 32 + M.MACLCON1] = 0x0F;
        _regs[2 * 32 + M.MACLCON2] = 0x37;
        SetWord(2, M.MAMXFLL, 0x0600);
        _regs[3 * 32 + M.ECOCON] = 0x04;
        _regs[3 * 32 + M.EPAUSH] = 0x10;
        _regs[M.ECON2] = 0x80; // AUTOINC
        _regs[M.ESTAT] = 0x00;
        _packetCount = 0;
        _miiBusy = 0;
        _txBusy = 0;
        _txStalled = false;
        UpdateInterruptLine();
    }

    private int Word(int bank, int lowAddress) => _regs[bank * 32 + lowAddress] | (_regs[bank * 32 + lowAddress + 1] << 8);

    private void SetWord(int bank, int lowAddress, int value)
    {
        _regs[bank * 32 + lowAddress] = (byte)value;
        _regs[bank * 32 + lowAddress + 1] = (byte)((value >> 8) & 0x1F);
    }

    private sealed class ResetLine : IDigitalOutput
    {
        private readonly VirtualEnc28j60 _chip;

        public ResetLine(VirtualEnc28j60 chip) => _chip = chip;

        public void Write(bool high)
        {
            if (!high)
            {
                _chip._resetHeld = true;
                return;
            }
            if (_chip._resetHeld)
            {
                _chip._resetHeld = false;
                _chip.Stats.HardwareResets++;
                if (_chip.RecoverOnReset)
                {
                    _chip._unresponsive = false;
                }
                _chip.PowerOnReset();
            }
        }
    }

    private sealed class WireSide : INetworkDevice
    {
        private readonly VirtualEnc28j60 _chip;

        public WireSide(VirtualEnc28j60 chip) => _chip = chip;

        public int MaxFrameLength => 1514;

        public bool LinkUp => _chip._linkUp;

        public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
        {
            _chip.ServiceCable();
            long now = _chip.LineRateBitsPerSecond > 0 ? _chip.NowUs : long.MaxValue;
            while (_chip._toWire.Count > 0 && _chip._toWireDueUs.Peek() <= now)
            {
                _chip._toWireDueUs.Dequeue();
                byte[] frame = _chip._toWire.Dequeue();
                if (frame.Length <= capacity)
                {
                    Array.Copy(frame, 0, buffer, offset, frame.Length);
                    return frame.Length;
                }
            }
            return 0;
        }

        public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
        {
            if (!_chip._linkUp)
            {
                _chip.Stats.FramesFromWire++;
                _chip.Stats.FramesDroppedLinkDown++;
                return false;
            }
            _chip.ArriveFromCable(buffer, offset, length);
            return true;
        }
    }
}

/// <summary>What the emulated chip saw and did.</summary>
public sealed class VirtualEnc28j60Stats
{
    public long SpiTransactions;
    public long SpiBytes;
    public long FramesFromWire;
    public long FramesStored;
    public long FramesFiltered;
    /// <summary>Frames dropped because the receive ring was full (the chip sets EIR.RXERIF; it counts nothing itself).</summary>
    public long FramesDroppedOverflow;
    /// <summary>Overflows as a driver can see them: EIR.RXERIF set while it was clear (each lost at least one frame).</summary>
    public long OverflowEpisodes;
    /// <summary>Frames dropped because the paced cable's queue (CableQueueFrames) was full.</summary>
    public long FramesDroppedCableQueue;
    public long FramesDroppedLinkDown;
    public long FramesDroppedRxDisabled;
    public long FramesDroppedTooLong;
    public long FramesDroppedRunt;
    public long FramesToWire;
    public long FramesLostLinkDown;
    public long TxAborts;
    public long TxResets;
    public long LateCollisionsInjected;
    public long StalledTransmitAttempts;
    public long CorruptedPackets;
    public long EvenReadPointerWrites;
    public long ProtocolViolations;
    public long AccessesDuringReset;
    public long UnsupportedCommands;
    public long InterruptAssertions;
    public long SoftResets;
    public long HardwareResets;
}
