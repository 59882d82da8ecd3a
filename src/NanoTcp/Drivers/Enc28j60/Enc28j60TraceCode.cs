namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>Code of a TraceKind.Driver event from the ENC28J60 driver (TraceEvent.Code; Value as noted).</summary>
    public enum Enc28j60TraceCode
    {
        /// <summary>Bring-up done; Value = EREVID.</summary>
        Revision = 0,
        /// <summary>The chip did not answer sensibly during bring-up; Value = what was read.</summary>
        InitFailed = 1,
        /// <summary>Receive-buffer overflow cleared, reception resumed.</summary>
        RxOverflowRecovered = 2,
        /// <summary>Receive-buffer overflow seen but not cleared (recovery switched off).</summary>
        RxOverflow = 3,
        /// <summary>Watchdog re-initialisation; Value = Enc28j60ReinitReason.</summary>
        Reinit = 4,
        LinkUp = 5,
        LinkDown = 6,
        /// <summary>Late collision (status vector); the frame is sent again. Value = attempt.</summary>
        TxLateCollisionRetry = 7,
        /// <summary>Transmission aborted and given up; Value = TSV bytes 2-3 (bits 16-31).</summary>
        TxFailed = 8,
        /// <summary>Transmission did not finish in time; transmit logic reset.</summary>
        TxStall = 9,
        /// <summary>ECON1.TXRST pulsed after an abort (errata).</summary>
        TxReset = 10,
    }

    /// <summary>Why the watchdog re-initialised the chip (TraceEvent.Value of Enc28j60TraceCode.Reinit).</summary>
    public enum Enc28j60ReinitReason
    {
        None = 0,
        /// <summary>EREVID read 0x00/0xFF or ECON1/ESTAT read impossible values.</summary>
        NotAnswering = 1,
        /// <summary>Next-packet pointer odd or outside the receive ring.</summary>
        BadNextPointer = 2,
        /// <summary>Byte count impossible or not matching the next-packet pointer.</summary>
        BadByteCount = 3,
        /// <summary>ECON1 lost its configuration (RXEN clear, bank changed): the chip reset itself.</summary>
        ConfigurationLost = 4,
    }

    /// <summary>Console names for the driver's trace codes, revisions and reinit reasons.</summary>
    public static class Enc28j60TraceNames
    {
        private static readonly string[] CodeNames =
        {
            "enc28j60 revision",
            "enc28j60 init failed",
            "enc28j60 rx-overflow recovered",
            "enc28j60 rx-overflow",
            "enc28j60 reinit",
            "enc28j60 phy link up",
            "enc28j60 phy link down",
            "enc28j60 tx late-collision retry",
            "enc28j60 tx failed",
            "enc28j60 tx stall",
            "enc28j60 tx reset",
        };

        private static readonly string[] ReasonNames =
        {
            "none",
            "not-answering",
            "bad-next-pointer",
            "bad-byte-count",
            "configuration-lost",
        };

        public static int CodeCount
        {
            get { return CodeNames.Length; }
        }

        public static int ReasonCount
        {
            get { return ReasonNames.Length; }
        }

        public static string Code(int code)
        {
            if (code < 0 || code >= CodeNames.Length)
            {
                return "enc28j60 unknown";
            }
            return CodeNames[code];
        }

        public static string Reason(int reason)
        {
            if (reason < 0 || reason >= ReasonNames.Length)
            {
                return "unknown";
            }
            return ReasonNames[reason];
        }

        /// <summary>Silicon revision name for an EREVID value: "B1", "B4", "B5", "B7" or "rev 0xNN".</summary>
        public static string Revision(int erevid)
        {
            switch (erevid)
            {
                case Enc28j60Registers.RevB1: return "B1";
                case Enc28j60Registers.RevB4: return "B4";
                case Enc28j60Registers.RevB5: return "B5";
                case Enc28j60Registers.RevB7: return "B7";
                default: return "rev 0x" + erevid.ToString("X2");
            }
        }

        /// <summary>The console text of a driver event (allocates: for formatters only).</summary>
        public static string Format(int code, long value)
        {
            switch (code)
            {
                case (int)Enc28j60TraceCode.Revision:
                    return "enc28j60 revision " + Revision((int)value);
                case (int)Enc28j60TraceCode.InitFailed:
                    return "enc28j60 init failed (read 0x" + ((int)value).ToString("X2") + ")";
                case (int)Enc28j60TraceCode.Reinit:
                    return "enc28j60 reinit (" + Reason((int)value) + ")";
                case (int)Enc28j60TraceCode.TxLateCollisionRetry:
                    return "enc28j60 tx late-collision retry " + ((int)value).ToString();
                default:
                    return Code(code);
            }
        }
    }
}
