namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>
    /// Which recovery paths and errata work-arounds the driver applies. All are on by default;
    /// tests switch one off to show the failure it prevents.
    /// </summary>
    [System.Flags]
    public enum Enc28j60Recovery
    {
        None = 0,
        /// <summary>Errata: never write an even value to ERXRDPT (next-packet-pointer − 1, or ERXND).</summary>
        OddRxReadPointer = 0x01,
        /// <summary>Clear EIR.RXERIF and ESTAT.BUFER after a receive-buffer overflow.</summary>
        RxOverflow = 0x02,
        /// <summary>Errata: retransmit when the transmit status vector reports a late collision.</summary>
        TxLateCollisionRetry = 0x04,
        /// <summary>Errata: pulse ECON1.TXRST after an abort or a stalled transmission.</summary>
        TxResetAfterAbort = 0x08,
        /// <summary>Re-initialise the chip when it stops answering sensibly.</summary>
        Watchdog = 0x10,
        All = 0x1F,
    }

    /// <summary>Configuration of the ENC28J60 driver. Validated by the driver's constructor.</summary>
    public sealed class Enc28j60Options
    {
        /// <summary>Buffer memory size of the chip.</summary>
        public const int BufferSize = 0x2000;

        /// <summary>The station address (6 bytes). Written to MAADR1..6.</summary>
        public byte[] MacAddress = new byte[] { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

        /// <summary>
        /// Last byte of the receive ring (ERXND), odd. The ring starts at 0x0000 (errata);
        /// the transmit area follows at <see cref="TransmitStart"/>.
        /// </summary>
        public int ReceiveEnd = 0x19FF;

        /// <summary>First byte of the transmit area (ETXST): control byte, frame, 7-byte status vector.</summary>
        public int TransmitStart = 0x1A00;

        /// <summary>Full duplex (the chip has no auto-negotiation: the default is half duplex).</summary>
        public bool FullDuplex;

        /// <summary>Accept multicast frames (ERXFCON.MCEN).</summary>
        public bool Multicast;

        /// <summary>Largest frame on the wire including the 4-byte FCS (MAMXFL).</summary>
        public int MaxFrameLengthWithFcs = 1518;

        /// <summary>Recovery paths in force (tests switch them off).</summary>
        public Enc28j60Recovery Recovery = Enc28j60Recovery.All;

        /// <summary>Attempts for one frame when the status vector reports a late collision (errata).</summary>
        public int MaxTxAttempts = 16;

        /// <summary>How long a transmission may take before it is declared stalled.</summary>
        public int TxTimeoutMs = 50;

        /// <summary>
        /// Interval of the status check (EIR: overflow, link change, errors; ECON1: chip sanity)
        /// while frames keep arriving or when no interrupt line is wired. With an interrupt line,
        /// an asserted line with no packet pending is checked at once.
        /// </summary>
        public int StatusIntervalMs = 10;

        /// <summary>How often a dead chip is re-initialised.</summary>
        public int ReinitIntervalMs = 1000;

        /// <summary>Hold time of the hardware reset pulse and wait after it.</summary>
        public int ResetPulseMs = 1;

        /// <summary>Wait after the soft reset command (datasheet/errata: at least 1 ms; CLKRDY is not reliable).</summary>
        public int ResetWaitMs = 2;
    }
}
