namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>What the ENC28J60 driver did: SPI cost, traffic, every error and recovery.</summary>
    public sealed class Enc28j60Counters
    {
        // SPI
        /// <summary>SPI transactions (chip-select cycles).</summary>
        public long SpiTransactions;
        /// <summary>Bytes clocked on SPI (each direction clocks the same number).</summary>
        public long SpiBytes;
        /// <summary>Transactions spent switching register banks.</summary>
        public long BankSwitches;

        // Traffic
        public long FramesIn;
        public long BytesIn;
        public long FramesOut;
        public long BytesOut;

        // Receive errors (frames dropped by the driver)
        /// <summary>Status vector without "received OK" (CRC, length check, ...).</summary>
        public long RxErrors;
        /// <summary>Byte count below 64 (including CRC).</summary>
        public long RxRunts;
        /// <summary>Frame longer than the maximum or than the caller's buffer.</summary>
        public long RxTooLong;
        /// <summary>Receive-buffer overflows seen (EIR.RXERIF / ESTAT.BUFER); frames were lost in the chip.</summary>
        public long RxOverflows;
        /// <summary>Overflows cleared and reception resumed.</summary>
        public long RxOverflowRecoveries;

        // Transmit errors
        /// <summary>Transmissions aborted by the chip (EIR.TXERIF).</summary>
        public long TxAborts;
        /// <summary>Aborts whose status vector reports a late collision.</summary>
        public long TxLateCollisions;
        /// <summary>Retransmissions after a late collision (errata).</summary>
        public long TxRetries;
        /// <summary>Frames given up after aborts or a stall.</summary>
        public long TxFailed;
        /// <summary>Transmissions that did not finish within TxTimeoutMs.</summary>
        public long TxStalls;
        /// <summary>ECON1.TXRST pulses (errata: transmit logic stalls after an abort).</summary>
        public long TxResets;
        /// <summary>Frames refused: too long, too short, or the chip is not running.</summary>
        public long TxRefused;

        // Chip
        /// <summary>Successful bring-ups (the first one included).</summary>
        public long Initializations;
        /// <summary>Bring-ups where the chip did not answer sensibly.</summary>
        public long InitFailures;
        /// <summary>Watchdog re-initialisations (chip stopped answering sensibly).</summary>
        public long Reinits;
        /// <summary>Link state changes seen.</summary>
        public long LinkChanges;
        /// <summary>Status checks (EIR/ECON1 reads).</summary>
        public long StatusChecks;

        public void Clear()
        {
            SpiTransactions = 0;
            SpiBytes = 0;
            BankSwitches = 0;
            FramesIn = 0;
            BytesIn = 0;
            FramesOut = 0;
            BytesOut = 0;
            RxErrors = 0;
            RxRunts = 0;
            RxTooLong = 0;
            RxOverflows = 0;
            RxOverflowRecoveries = 0;
            TxAborts = 0;
            TxLateCollisions = 0;
            TxRetries = 0;
            TxFailed = 0;
            TxStalls = 0;
            TxResets = 0;
            TxRefused = 0;
            Initializations = 0;
            InitFailures = 0;
            Reinits = 0;
            LinkChanges = 0;
            StatusChecks = 0;
        }
    }
}
