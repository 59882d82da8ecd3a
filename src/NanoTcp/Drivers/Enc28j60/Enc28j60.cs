using System;
using NanoTcp.Hal;
using NanoTcp.Phy;
using NanoTcp.Trace;
using R = NanoTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>
    /// Driver for the Microchip ENC28J60 (10BASE-T MAC + PHY on SPI), datasheet DS39662,
    /// silicon errata DS80349. Implements <see cref="INetworkDevice"/>; allocates nothing after
    /// construction and never throws from Receive/Transmit: bad chip state is counted, traced
    /// and recovered from.
    ///
    /// <para><b>Memory layout.</b> Receive ring 0x0000..ReceiveEnd (must start at 0: errata),
    /// transmit area TransmitStart..0x1FFF: [control byte][frame][7-byte status vector].</para>
    ///
    /// <para><b>Receive, SPI transactions per frame</b> (one chip-select cycle each):
    /// <code>
    ///  1  BFS ECON1 BSEL0          select bank 1 (skipped while the cached bank is 1)
    ///  2  RCR EPKTCNT              packets pending (never EIR.PKTIF: errata); skipped while
    ///                              the count read earlier still has packets left
    ///  -  WCR ERDPTL, WCR ERDPTH   only after a dropped frame or a TSV read: ERDPT is
    ///                              otherwise already at the next packet (see step 4)
    ///  3  RBM x6                   next-packet pointer, byte count, status (one transfer)
    ///  4  RBM x(count rounded up to even)  frame + CRC (+ pad byte) in one transfer; the chip
    ///                              wraps ERDPT from ERXND to ERXST by itself, and the read
    ///                              ends exactly on the next packet, so ERDPT needs no write
    ///  5  BFC ECON1 BSEL           select bank 0 (skipped while the cached bank is 0)
    ///  6  BFS ECON2 PKTDEC         EPKTCNT - 1
    ///  7  WCR ERXRDPTL             next - 1, or ERXND when next == ERXST: always odd (errata)
    ///  8  WCR ERXRDPTH             (low byte first: the pair is latched on the high byte)
    ///  +  RCR ECON1, RCR EIR       status check, at most every StatusIntervalMs (overflow,
    ///                              link change, transmit end, chip sanity), or at once when
    ///                              the interrupt line is asserted with no packet pending
    /// </code>
    /// A burst read with one EPKTCNT costs 5 transactions per frame (3, 4, 6, 7, 8). An empty
    /// poll costs nothing while the interrupt line is quiet (EPKTCNT is still read at every
    /// status check, since PKTIF is unreliable), or steps 1-2 without an interrupt line.</para>
    ///
    /// <para><b>Transmit, SPI transactions per frame</b> (the wait for the end of frame N is
    /// done when frame N+1 is handed over, so the wire time overlaps the caller's work):
    /// <code>
    ///  1  RCR EIR                  previous frame ended? (TXIF) aborted? (TXERIF)
    ///  2  WCR EWRPTL               write pointer back to ETXST
    ///  3  WCR EWRPTH
    ///  4  WBM control + frame      one transfer (control byte 0x00: MACON3 padding and CRC)
    ///  5  WCR ETXNDL               skipped when unchanged since the last frame
    ///  6  WCR ETXNDH               skipped when unchanged since the last frame
    ///  7  BFC EIR TXIF|TXERIF
    ///  8  BFS ECON1 TXRTS
    /// </code>
    /// Only when step 1 shows TXERIF: WCR ERDPTL/H = ETXND+1, RBM x7 (transmit status vector),
    /// then on a late collision (errata) BFS/BFC ECON1 TXRST, clear flags, TXRTS again,
    /// bounded by MaxTxAttempts. A transmission that does not end within TxTimeoutMs is
    /// cancelled and the transmit logic reset with TXRST (errata: stall after abort).</para>
    /// </summary>
    public sealed class Enc28j60 : INetworkDevice
    {
        private const int HeaderLength = 6;
        private const int TsvLength = 7;
        private const int FcsLength = 4;
        private const int MinFrameWithFcs = 64;

        private readonly ISpiBus _spi;
        private readonly IInterruptLine _interrupt;
        private readonly IDigitalOutput _reset;
        private readonly IClock _clock;
        private readonly Tracer _tracer;
        private readonly Enc28j60Counters _counters = new Enc28j60Counters();

        private readonly byte[] _mac = new byte[6];
        private readonly int _rxEnd;
        private readonly int _txStart;
        private readonly int _maxFrame;
        private readonly int _maxFrameWithFcs;
        private readonly bool _fullDuplex;
        private readonly bool _multicast;
        private readonly Enc28j60Recovery _recovery;
        private readonly int _maxTxAttempts;
        private readonly int _txTimeoutMs;
        private readonly int _statusIntervalMs;
        private readonly int _reinitIntervalMs;
        private readonly int _resetPulseMs;
        private readonly int _resetWaitMs;

        // SPI buffers: small register commands, and one bulk pair for RBM/WBM.
        private readonly byte[] _cmd = new byte[4];
        private readonly byte[] _resp = new byte[4];
        private readonly byte[] _bulkOut;
        private readonly byte[] _bulkIn;

        // Chip state mirrored by the driver.
        private int _bank = -1;
        private int _nextPacket;
        private bool _readPointerAtNext;
        private int _pending;
        private int _txEndLow = -1;
        private int _txEndHigh = -1;
        private bool _txOutstanding;
        private int _txLength;
        private int _txAttempts;
        private bool _overflowReported;

        private bool _running;
        private int _revision;
        private bool _linkUp;
        private long _lastStatusMs;
        private bool _statusEverChecked;
        private long _lastInitMs;

        public Enc28j60(ISpiBus spi, IInterruptLine interrupt, IDigitalOutput reset, IClock clock,
            Enc28j60Options options, Tracer tracer)
        {
            if (spi == null)
            {
                throw new ArgumentNullException("spi");
            }
            if (clock == null)
            {
                throw new ArgumentNullException("clock");
            }
            if (options == null)
            {
                options = new Enc28j60Options();
            }
            if (options.MacAddress == null || options.MacAddress.Length != 6)
            {
                throw new ArgumentException("MacAddress must be 6 bytes");
            }
            if ((options.ReceiveEnd & 1) == 0 || options.ReceiveEnd < 0x03FF)
            {
                throw new ArgumentException("ReceiveEnd must be odd and leave a ring of at least 1 KB");
            }
            if (options.MaxFrameLengthWithFcs < 64 || options.MaxFrameLengthWithFcs > 1518)
            {
                throw new ArgumentException("MaxFrameLengthWithFcs must be 64..1518");
            }
            if (options.TransmitStart <= options.ReceiveEnd
                || options.TransmitStart + 1 + (options.MaxFrameLengthWithFcs - FcsLength) + TsvLength > Enc28j60Options.BufferSize)
            {
                throw new ArgumentException("TransmitStart must follow the ring and leave room for control byte, frame and status vector");
            }

            _spi = spi;
            _interrupt = interrupt;
            _reset = reset;
            _clock = clock;
            _tracer = tracer;
            Array.Copy(options.MacAddress, _mac, 6);
            _rxEnd = options.ReceiveEnd;
            _txStart = options.TransmitStart;
            _maxFrameWithFcs = options.MaxFrameLengthWithFcs;
            _maxFrame = _maxFrameWithFcs - FcsLength;
            _fullDuplex = options.FullDuplex;
            _multicast = options.Multicast;
            _recovery = options.Recovery;
            _maxTxAttempts = options.MaxTxAttempts < 1 ? 1 : options.MaxTxAttempts;
            _txTimeoutMs = options.TxTimeoutMs < 1 ? 1 : options.TxTimeoutMs;
            _statusIntervalMs = options.StatusIntervalMs < 0 ? 0 : options.StatusIntervalMs;
            _reinitIntervalMs = options.ReinitIntervalMs < 0 ? 0 : options.ReinitIntervalMs;
            _resetPulseMs = options.ResetPulseMs < 1 ? 1 : options.ResetPulseMs;
            _resetWaitMs = options.ResetWaitMs < 1 ? 1 : options.ResetWaitMs;

            // opcode + control byte + frame + CRC + pad, with room to spare.
            int bulk = 2 + _maxFrameWithFcs + 8;
            _bulkOut = new byte[bulk];
            _bulkIn = new byte[bulk];
        }

        /// <summary>Largest frame without FCS (normally 1514).</summary>
        public int MaxFrameLength
        {
            get { return _maxFrame; }
        }

        /// <summary>PHSTAT2.LSTAT as of the last bring-up or link-change interrupt.</summary>
        public bool LinkUp
        {
            get { return _linkUp; }
        }

        /// <summary>True after a bring-up in which the chip answered sensibly, until it stops doing so.</summary>
        public bool IsRunning
        {
            get { return _running; }
        }

        /// <summary>EREVID read at the last bring-up (0x06 = B7), 0 before.</summary>
        public int Revision
        {
            get { return _revision; }
        }

        /// <summary>"B1", "B4", "B5", "B7" or "rev 0xNN" (allocates).</summary>
        public string RevisionName
        {
            get { return Enc28j60TraceNames.Revision(_revision); }
        }

        public Enc28j60Counters Counters
        {
            get { return _counters; }
        }

        // ------------------------------------------------------------------ bring-up

        /// <summary>
        /// Resets and configures the chip. Returns true when it answered sensibly (clock ready,
        /// a plausible revision, MAC registers read back as written).
        /// </summary>
        public bool Initialize()
        {
            _running = false;
            _lastInitMs = _clock.NowMs;
            _txOutstanding = false;
            _pending = 0;
            _overflowReported = false;

            if (_reset != null)
            {
                _reset.Write(false);
                _clock.Sleep(_resetPulseMs);
                _reset.Write(true);
                _clock.Sleep(_resetPulseMs);
            }

            // Soft reset, then wait: after it the errata says ESTAT.CLKRDY is not cleared,
            // so polling it alone would not wait for the PHY; the datasheet asks for >= 1 ms.
            _cmd[0] = R.OpSoftReset;
            Transfer(1);
            _clock.Sleep(_resetWaitMs);
            _bank = 0; // ECON1 resets to 0

            int estat = 0;
            bool ready = false;
            for (int i = 0; i < 50; i++)
            {
                estat = ReadReg(R.ESTAT);
                if ((estat & R.ESTAT_CLKRDY) != 0 && (estat & R.ESTAT_UNIMPLEMENTED3) == 0)
                {
                    ready = true;
                    break;
                }
                _clock.Sleep(1);
            }
            if (!ready)
            {
                return InitFailed(estat);
            }

            int rev = ReadReg(R.EREVID);
            if (rev == 0x00 || rev == 0xFF || (rev & 0xE0) != 0)
            {
                return InitFailed(rev);
            }

            // Bank 3: station address.
            WriteReg(R.MAADR1, _mac[0]);
            WriteReg(R.MAADR2, _mac[1]);
            WriteReg(R.MAADR3, _mac[2]);
            WriteReg(R.MAADR4, _mac[3]);
            WriteReg(R.MAADR5, _mac[4]);
            WriteReg(R.MAADR6, _mac[5]);

            // Bank 2: MAC.
            WriteReg(R.MACON1, R.MACON1_MARXEN | (_fullDuplex ? (R.MACON1_TXPAUS | R.MACON1_RXPAUS) : 0));
            int macon3 = R.MACON3_PADCFG0 | R.MACON3_TXCRCEN | R.MACON3_FRMLNEN | (_fullDuplex ? R.MACON3_FULDPX : 0);
            WriteReg(R.MACON3, macon3);
            WriteReg(R.MACON4, _fullDuplex ? 0 : R.MACON4_DEFER);
            // Collision window 63: link-pulse late collisions happen less often (errata, B5/B7).
            WriteReg(R.MACLCON2, 63);
            WriteReg(R.MABBIPG, _fullDuplex ? 0x15 : 0x12);
            WriteReg(R.MAIPGL, 0x12);
            WriteReg(R.MAIPGH, 0x0C);
            WriteReg(R.MAMXFLL, _maxFrameWithFcs & 0xFF);
            WriteReg(R.MAMXFLH, _maxFrameWithFcs >> 8);
            int readBack = ReadReg(R.MACON3);
            if (readBack != macon3)
            {
                return InitFailed(readBack);
            }

            // PHY through MII (banks 2 and 3).
            WritePhy(R.PHCON1, _fullDuplex ? R.PHCON1_PDPXMD : 0);
            WritePhy(R.PHCON2, _fullDuplex ? 0 : R.PHCON2_HDLDIS);
            WritePhy(R.PHLCON, R.PHLCON_LinkAndActivity);
            WritePhy(R.PHIE, R.PHIE_PGEIE | R.PHIE_PLNKIE);
            ReadPhy(R.PHIR); // clears a pending link interrupt
            bool link = (ReadPhy(R.PHSTAT2) & R.PHSTAT2_LSTAT) != 0;

            // Bank 1: receive filters.
            int filter = R.ERXFCON_UCEN | R.ERXFCON_CRCEN | R.ERXFCON_BCEN | (_multicast ? R.ERXFCON_MCEN : 0);
            WriteReg(R.ERXFCON, filter);

            // Bank 0: buffer layout. ERXRDPT starts at ERXND (odd: errata), low byte first.
            WriteReg(R.ERXSTL, 0);
            WriteReg(R.ERXSTH, 0);
            WriteReg(R.ERXNDL, _rxEnd & 0xFF);
            WriteReg(R.ERXNDH, _rxEnd >> 8);
            int rdpt = ReleasePointer(0);
            WriteReg(R.ERXRDPTL, rdpt & 0xFF);
            WriteReg(R.ERXRDPTH, rdpt >> 8);
            WriteReg(R.ETXSTL, _txStart & 0xFF);
            WriteReg(R.ETXSTH, _txStart >> 8);
            WriteReg(R.ERDPTL, 0);
            WriteReg(R.ERDPTH, 0);
            _nextPacket = 0;
            _readPointerAtNext = true;
            _txEndLow = -1;
            _txEndHigh = -1;

            // Common registers: flags, auto-increment, interrupts, receive on.
            BitClear(R.EIR, R.EIR_DMAIF | R.EIR_TXIF | R.EIR_TXERIF | R.EIR_RXERIF);
            BitClear(R.ESTAT, R.ESTAT_BUFER | R.ESTAT_TXABRT);
            WriteReg(R.ECON2, R.ECON2_AUTOINC);
            WriteReg(R.EIE, R.EIE_INTIE | R.EIE_PKTIE | R.EIE_LINKIE | R.EIE_TXERIE | R.EIE_RXERIE);
            BitSet(R.ECON1, R.ECON1_RXEN);

            _revision = rev;
            _running = true;
            _counters.Initializations++;
            SetLink(link, false);
            if (_tracer != null && _tracer.Wants(TraceLevel.States))
            {
                TraceEvent e = _tracer.Begin(TraceKind.Driver, _clock.NowMs);
                e.Code = (int)Enc28j60TraceCode.Revision;
                e.Value = rev;
                _tracer.Emit();
            }
            return true;
        }

        private bool InitFailed(int value)
        {
            _running = false;
            _counters.InitFailures++;
            TraceDriver(Enc28j60TraceCode.InitFailed, value, _clock.NowMs);
            return false;
        }

        /// <summary>Re-initialises a chip that is not running, at most every ReinitIntervalMs.</summary>
        private bool EnsureRunning(long nowMs)
        {
            if (_running)
            {
                return true;
            }
            if ((_recovery & Enc28j60Recovery.Watchdog) == 0)
            {
                return false;
            }
            if (_clock.NowMs - _lastInitMs < _reinitIntervalMs)
            {
                return false;
            }
            return Initialize();
        }

        private void Watchdog(Enc28j60ReinitReason reason, long nowMs)
        {
            _pending = 0;
            _readPointerAtNext = false;
            if ((_recovery & Enc28j60Recovery.Watchdog) == 0)
            {
                return;
            }
            _counters.Reinits++;
            TraceDriver(Enc28j60TraceCode.Reinit, (int)reason, nowMs);
            Initialize();
        }

        // ------------------------------------------------------------------ receive

        public int Receive(byte[] buffer, int offset, int capacity, long nowMs)
        {
            if (!EnsureRunning(nowMs))
            {
                return 0;
            }
            if (buffer == null || offset < 0 || capacity < 0 || offset + capacity > buffer.Length)
            {
                return 0;
            }

            bool checkedNow = false;
            if (!_statusEverChecked || nowMs - _lastStatusMs >= _statusIntervalMs)
            {
                checkedNow = true;
                if (!CheckStatus(nowMs))
                {
                    return 0;
                }
            }

            while (true)
            {
                if (_pending == 0)
                {
                    // With an interrupt line, a quiet line means nothing to read: no SPI at all.
                    // EIR.PKTIF (which drives the line) is unreliable (errata), so EPKTCNT is
                    // still read at every status check: no packet waits longer than StatusIntervalMs.
                    if (_interrupt != null && !checkedNow && !_interrupt.IsAsserted)
                    {
                        return 0;
                    }
                    _pending = ReadReg(R.EPKTCNT);
                    if (_pending == 0)
                    {
                        // The line is asserted but no packet waits: overflow, link or transmit error.
                        if (!checkedNow && _interrupt != null && _interrupt.IsAsserted)
                        {
                            CheckStatus(nowMs);
                        }
                        return 0;
                    }
                }

                int length = ReceiveOne(buffer, offset, capacity, nowMs);
                if (length > 0)
                {
                    return length;
                }
                if (length < 0 || !_running)
                {
                    return 0; // the watchdog re-initialised the chip
                }
                // length == 0: the packet was dropped; go on with the next one.
            }
        }

        /// <summary>Reads one pending packet. Returns its length, 0 when it was dropped, -1 after a reinit.</summary>
        private int ReceiveOne(byte[] buffer, int offset, int capacity, long nowMs)
        {
            if (!_readPointerAtNext)
            {
                WriteReg(R.ERDPTL, _nextPacket & 0xFF);
                WriteReg(R.ERDPTH, _nextPacket >> 8);
                _readPointerAtNext = true;
            }

            _bulkOut[0] = R.OpRbm;
            TransferBulk(_bulkIn, 1 + HeaderLength);
            int next = _bulkIn[1] | (_bulkIn[2] << 8);
            int count = _bulkIn[3] | (_bulkIn[4] << 8);
            int status = _bulkIn[5] | (_bulkIn[6] << 8);

            if ((next & 1) != 0 || next > _rxEnd)
            {
                return Corrupt(Enc28j60ReinitReason.BadNextPointer, nowMs);
            }
            int ringSize = _rxEnd + 1;
            int span = (count + 1) & ~1;
            if (count > ringSize - 2 * HeaderLength || Wrap(_nextPacket + HeaderLength + span) != next)
            {
                return Corrupt(Enc28j60ReinitReason.BadByteCount, nowMs);
            }

            DropReason reason = DropReason.None;
            if ((status & R.RSV_RxOk) == 0)
            {
                reason = DropReason.DriverRxError;
                _counters.RxErrors++;
            }
            else if (count < MinFrameWithFcs)
            {
                reason = DropReason.DriverRxError;
                _counters.RxRunts++;
            }
            else if (count - FcsLength > _maxFrame || count - FcsLength > capacity)
            {
                reason = DropReason.DriverRxTooLong;
                _counters.RxTooLong++;
            }

            int length = count - FcsLength;
            if (reason == DropReason.None)
            {
                // Frame, CRC and pad in one transfer: ERDPT ends on the next packet.
                _bulkOut[0] = R.OpRbm;
                TransferBulk(_bulkIn, 1 + span);
                Array.Copy(_bulkIn, 1, buffer, offset, length);
            }
            else
            {
                _readPointerAtNext = false;
            }

            Release(next);

            if (reason != DropReason.None)
            {
                TraceDrop(reason, length, nowMs);
                return 0;
            }
            _counters.FramesIn++;
            _counters.BytesIn += length;
            return length;
        }

        private int Corrupt(Enc28j60ReinitReason reason, long nowMs)
        {
            _counters.RxErrors++;
            TraceDrop(DropReason.DriverRxError, 0, nowMs);
            Watchdog(reason, nowMs);
            return -1;
        }

        /// <summary>Frees the packet just read: EPKTCNT - 1, ERXRDPT behind it.</summary>
        private void Release(int next)
        {
            BitSet(R.ECON2, R.ECON2_PKTDEC);
            int rdpt = ReleasePointer(next);
            WriteReg(R.ERXRDPTL, rdpt & 0xFF);
            WriteReg(R.ERXRDPTH, rdpt >> 8);
            _nextPacket = next;
            if (_pending > 0)
            {
                _pending--;
            }
        }

        /// <summary>Errata: ERXRDPT must never be even: next - 1, or ERXND when next is ERXST.</summary>
        private int ReleasePointer(int next)
        {
            if ((_recovery & Enc28j60Recovery.OddRxReadPointer) == 0)
            {
                return next; // what drivers unaware of the errata do
            }
            return next == 0 ? _rxEnd : next - 1;
        }

        private int Wrap(int address)
        {
            int ringSize = _rxEnd + 1;
            return address >= ringSize ? address - ringSize : address;
        }

        // ------------------------------------------------------------------ status

        /// <summary>
        /// Reads ECON1 (is the chip still configured?) and EIR, and handles overflow, link
        /// change and the end of an outstanding transmission. False after a watchdog reinit.
        /// </summary>
        private bool CheckStatus(long nowMs)
        {
            _lastStatusMs = nowMs;
            _statusEverChecked = true;
            _counters.StatusChecks++;

            int econ1 = ReadReg(R.ECON1);
            int expected = R.ECON1_RXEN | _bank;
            int mask = R.ECON1_TXRST | R.ECON1_RXRST | R.ECON1_DMAST | R.ECON1_RXEN | R.ECON1_BSEL1 | R.ECON1_BSEL0;
            if ((econ1 & mask) != expected)
            {
                // A chip that answers its revision lost its configuration (brown-out, reset glitch).
                int rev = ReadReg(R.EREVID);
                bool answering = rev != 0x00 && rev != 0xFF && (rev & 0xE0) == 0;
                Watchdog(answering ? Enc28j60ReinitReason.ConfigurationLost : Enc28j60ReinitReason.NotAnswering, nowMs);
                return false;
            }

            int eir = ReadReg(R.EIR);
            if ((eir & 0x80) != 0)
            {
                // EIR bit 7 is unimplemented and reads 0.
                Watchdog(Enc28j60ReinitReason.NotAnswering, nowMs);
                return false;
            }

            if ((eir & R.EIR_RXERIF) != 0)
            {
                HandleOverflow(nowMs);
            }
            else
            {
                _overflowReported = false;
            }

            if ((eir & R.EIR_LINKIF) != 0)
            {
                ReadPhy(R.PHIR); // reading PHIR clears PLNKIF and with it EIR.LINKIF
                bool link = (ReadPhy(R.PHSTAT2) & R.PHSTAT2_LSTAT) != 0;
                SetLink(link, true);
            }

            if (_txOutstanding && (eir & (R.EIR_TXIF | R.EIR_TXERIF)) != 0)
            {
                FinishTransmit(nowMs);
            }
            else if (!_txOutstanding && (eir & R.EIR_TXERIF) != 0)
            {
                BitClear(R.EIR, R.EIR_TXERIF);
            }
            return _running;
        }

        private void HandleOverflow(long nowMs)
        {
            if ((_recovery & Enc28j60Recovery.RxOverflow) == 0)
            {
                if (!_overflowReported)
                {
                    _overflowReported = true;
                    _counters.RxOverflows++;
                    TraceDriver(Enc28j60TraceCode.RxOverflow, 0, nowMs);
                    TraceDrop(DropReason.DriverRxOverflow, 0, nowMs);
                }
                return;
            }
            // The packets already in the ring are intact: clear the flags and go on reading.
            _counters.RxOverflows++;
            BitClear(R.EIR, R.EIR_RXERIF);
            BitClear(R.ESTAT, R.ESTAT_BUFER);
            _counters.RxOverflowRecoveries++;
            TraceDrop(DropReason.DriverRxOverflow, 0, nowMs);
            TraceDriver(Enc28j60TraceCode.RxOverflowRecovered, 0, nowMs);
        }

        /// <summary>Records the link state; bring-up reports it without counting a change.</summary>
        private void SetLink(bool up, bool change)
        {
            if (change)
            {
                if (up == _linkUp)
                {
                    return;
                }
                _counters.LinkChanges++;
            }
            _linkUp = up;
            TraceDriver(up ? Enc28j60TraceCode.LinkUp : Enc28j60TraceCode.LinkDown, 0, _clock.NowMs);
        }

        // ------------------------------------------------------------------ transmit

        public bool Transmit(byte[] buffer, int offset, int length, long nowMs)
        {
            if (buffer == null || offset < 0 || length < 14 || offset + length > buffer.Length)
            {
                _counters.TxRefused++;
                return false;
            }
            if (length > _maxFrame)
            {
                _counters.TxRefused++;
                TraceDrop(DropReason.TxTooLong, length, nowMs);
                return false;
            }
            if (!EnsureRunning(nowMs))
            {
                _counters.TxRefused++;
                return false;
            }
            if (_txOutstanding)
            {
                FinishTransmit(nowMs);
                if (!_running)
                {
                    _counters.TxRefused++;
                    return false;
                }
            }

            WriteReg(R.EWRPTL, _txStart & 0xFF);
            WriteReg(R.EWRPTH, _txStart >> 8);

            _bulkOut[0] = R.OpWbm;
            _bulkOut[1] = 0x00; // per-packet control: use MACON3 (pad to 60, append CRC)
            Array.Copy(buffer, offset, _bulkOut, 2, length);
            TransferBulk(null, 2 + length);

            int end = _txStart + length; // control byte at ETXST, last frame byte at ETXND
            if ((end & 0xFF) != _txEndLow)
            {
                WriteReg(R.ETXNDL, end & 0xFF);
                _txEndLow = end & 0xFF;
            }
            if ((end >> 8) != _txEndHigh)
            {
                WriteReg(R.ETXNDH, end >> 8);
                _txEndHigh = end >> 8;
            }

            StartTransmit();
            _txOutstanding = true;
            _txLength = length;
            _txAttempts = 1;
            _counters.FramesOut++;
            _counters.BytesOut += length;
            return true;
        }

        private void StartTransmit()
        {
            BitClear(R.EIR, R.EIR_TXIF | R.EIR_TXERIF);
            BitSet(R.ECON1, R.ECON1_TXRTS);
        }

        /// <summary>
        /// Waits (bounded) for the outstanding transmission to end and handles aborts: reads the
        /// transmit status vector, retries late collisions, resets the transmit logic.
        /// </summary>
        private void FinishTransmit(long nowMs)
        {
            while (_txOutstanding)
            {
                int eir = WaitTransmitEnd();
                if (!_running)
                {
                    _txOutstanding = false;
                    return;
                }
                if (eir >= 0 && (eir & R.EIR_TXERIF) == 0)
                {
                    _txOutstanding = false; // sent
                    return;
                }

                bool retry;
                if (eir < 0)
                {
                    // Stalled: TXRTS never cleared. Cancel; errata: reset the transmit logic.
                    _counters.TxStalls++;
                    TraceDriver(Enc28j60TraceCode.TxStall, 0, nowMs);
                    BitClear(R.ECON1, R.ECON1_TXRTS);
                    retry = ResetTransmitLogic(nowMs);
                }
                else
                {
                    _counters.TxAborts++;
                    bool late = ReadTransmitStatusLateCollision();
                    if (late)
                    {
                        _counters.TxLateCollisions++;
                    }
                    bool reset = ResetTransmitLogic(nowMs);
                    // Errata: a link pulse taken for a collision gives a late collision: send again.
                    retry = late && (_recovery & Enc28j60Recovery.TxLateCollisionRetry) != 0;
                    if (!reset)
                    {
                        BitClear(R.EIR, R.EIR_TXIF | R.EIR_TXERIF);
                    }
                }

                if (!retry || _txAttempts >= _maxTxAttempts)
                {
                    _counters.TxFailed++;
                    TraceDriver(Enc28j60TraceCode.TxFailed, _txLength, nowMs);
                    _txOutstanding = false;
                    return;
                }
                _txAttempts++;
                _counters.TxRetries++;
                TraceDriver(Enc28j60TraceCode.TxLateCollisionRetry, _txAttempts, nowMs);
                StartTransmit();
            }
        }

        /// <summary>Polls EIR until TXIF or TXERIF; -1 when the transmission stalls (TxTimeoutMs).</summary>
        private int WaitTransmitEnd()
        {
            long start = _clock.NowMs;
            int polls = 0;
            while (true)
            {
                int eir = ReadReg(R.EIR);
                if ((eir & 0x80) != 0)
                {
                    Watchdog(Enc28j60ReinitReason.NotAnswering, _clock.NowMs);
                    return -1;
                }
                if ((eir & (R.EIR_TXIF | R.EIR_TXERIF)) != 0)
                {
                    return eir;
                }
                polls++;
                if (_clock.NowMs - start >= _txTimeoutMs)
                {
                    return -1;
                }
                if (polls >= 8)
                {
                    _clock.Sleep(1);
                }
            }
        }

        /// <summary>Reads the 7-byte transmit status vector after ETXND; true on a late collision.</summary>
        private bool ReadTransmitStatusLateCollision()
        {
            int tsv = _txStart + _txLength + 1;
            WriteReg(R.ERDPTL, tsv & 0xFF);
            WriteReg(R.ERDPTH, tsv >> 8);
            _readPointerAtNext = false;
            _bulkOut[0] = R.OpRbm;
            TransferBulk(_bulkIn, 1 + TsvLength);
            // The TSV, not ESTAT.LATECOL (unreliable, errata), tells a late collision: bit 29.
            return (_bulkIn[1 + 3] & R.TSV_Byte3_LateCollision) != 0;
        }

        /// <summary>Errata: pulse ECON1.TXRST, then clear the flags it may raise. False when switched off.</summary>
        private bool ResetTransmitLogic(long nowMs)
        {
            if ((_recovery & Enc28j60Recovery.TxResetAfterAbort) == 0)
            {
                return false;
            }
            BitSet(R.ECON1, R.ECON1_TXRST);
            BitClear(R.ECON1, R.ECON1_TXRST);
            BitClear(R.EIR, R.EIR_TXIF | R.EIR_TXERIF);
            _counters.TxResets++;
            TraceDriver(Enc28j60TraceCode.TxReset, 0, nowMs);
            return true;
        }

        // ------------------------------------------------------------------ SPI primitives

        private void Transfer(int count)
        {
            _spi.TransferFullDuplex(_cmd, _resp, count);
            _counters.SpiTransactions++;
            _counters.SpiBytes += count;
        }

        private void TransferBulk(byte[] read, int count)
        {
            _spi.TransferFullDuplex(_bulkOut, read, count);
            _counters.SpiTransactions++;
            _counters.SpiBytes += count;
        }

        /// <summary>Selects the bank of <paramref name="reg"/> with BFC/BFS on ECON1.BSEL (never a full write: TXRTS/RXEN live there).</summary>
        private void SelectBank(int reg)
        {
            if ((reg & R.AddressMask) >= R.FirstCommon)
            {
                return;
            }
            int bank = (reg >> 5) & 0x03;
            if (bank == _bank)
            {
                return;
            }
            int current = _bank < 0 ? 0x03 : _bank;
            int clear = current & ~bank;
            int set = bank & ~current;
            if (_bank < 0)
            {
                clear = 0x03;
                set = bank;
            }
            if (clear != 0)
            {
                _cmd[0] = (byte)(R.OpBfc | R.ECON1);
                _cmd[1] = (byte)clear;
                Transfer(2);
                _counters.BankSwitches++;
            }
            if (set != 0)
            {
                _cmd[0] = (byte)(R.OpBfs | R.ECON1);
                _cmd[1] = (byte)set;
                Transfer(2);
                _counters.BankSwitches++;
            }
            _bank = bank;
        }

        private int ReadReg(int reg)
        {
            SelectBank(reg);
            _cmd[0] = (byte)(R.OpRcr | (reg & R.AddressMask));
            _cmd[1] = 0;
            _cmd[2] = 0;
            int n = (reg & R.MacMii) != 0 ? 3 : 2; // MAC/MII registers answer a dummy byte first
            Transfer(n);
            return _resp[n - 1];
        }

        private void WriteReg(int reg, int value)
        {
            SelectBank(reg);
            _cmd[0] = (byte)(R.OpWcr | (reg & R.AddressMask));
            _cmd[1] = (byte)value;
            Transfer(2);
        }

        private void BitSet(int reg, int mask)
        {
            SelectBank(reg);
            _cmd[0] = (byte)(R.OpBfs | (reg & R.AddressMask));
            _cmd[1] = (byte)mask;
            Transfer(2);
        }

        private void BitClear(int reg, int mask)
        {
            SelectBank(reg);
            _cmd[0] = (byte)(R.OpBfc | (reg & R.AddressMask));
            _cmd[1] = (byte)mask;
            Transfer(2);
        }

        private bool WaitMii()
        {
            for (int i = 0; i < 100; i++)
            {
                if ((ReadReg(R.MISTAT) & R.MISTAT_BUSY) == 0)
                {
                    return true;
                }
                if (i >= 10)
                {
                    _clock.Sleep(1);
                }
            }
            return false;
        }

        private int ReadPhy(int address)
        {
            WriteReg(R.MIREGADR, address);
            WriteReg(R.MICMD, R.MICMD_MIIRD);
            WaitMii();
            WriteReg(R.MICMD, 0);
            int low = ReadReg(R.MIRDL);
            int high = ReadReg(R.MIRDH);
            return low | (high << 8);
        }

        private void WritePhy(int address, int value)
        {
            WriteReg(R.MIREGADR, address);
            WriteReg(R.MIWRL, value & 0xFF);
            WriteReg(R.MIWRH, (value >> 8) & 0xFF); // the write starts on MIWRH
            WaitMii();
        }

        // ------------------------------------------------------------------ tracing

        private void TraceDriver(Enc28j60TraceCode code, long value, long nowMs)
        {
            if (_tracer == null || !_tracer.Wants(TraceLevel.States))
            {
                return;
            }
            TraceEvent e = _tracer.Begin(TraceKind.Driver, nowMs);
            e.Code = (int)code;
            e.Value = value;
            _tracer.Emit();
        }

        private void TraceDrop(DropReason reason, int length, long nowMs)
        {
            if (_tracer == null || !_tracer.Wants(TraceLevel.Segments))
            {
                return;
            }
            TraceEvent e = _tracer.Begin(TraceKind.Drop, nowMs);
            e.Code = (int)reason;
            e.Length = length;
            _tracer.Emit();
        }
    }
}
