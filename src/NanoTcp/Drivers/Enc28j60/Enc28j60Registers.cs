namespace NanoTcp.Drivers.Enc28j60
{
    /// <summary>
    /// ENC28J60 register map, SPI opcodes and bit positions (Microchip DS39662).
    /// A register constant packs: bits 0-4 address, bits 5-6 bank, bit 7 = MAC/MII register
    /// (an RCR returns a dummy byte before the data). Addresses 0x1B-0x1F exist in every bank.
    /// </summary>
    internal static class Enc28j60Registers
    {
        // SPI opcodes
        public const byte OpRcr = 0x00;
        public const byte OpRbm = 0x3A;
        public const byte OpWcr = 0x40;
        public const byte OpWbm = 0x7A;
        public const byte OpBfs = 0x80;
        public const byte OpBfc = 0xA0;
        public const byte OpSoftReset = 0xFF;

        public const int AddressMask = 0x1F;
        public const int MacMii = 0x80;
        public const int FirstCommon = 0x1B;

        private const int B0 = 0x00;
        private const int B1 = 0x20;
        private const int B2 = 0x40;
        private const int B3 = 0x60;

        // Common (all banks)
        public const int EIE = 0x1B;
        public const int EIR = 0x1C;
        public const int ESTAT = 0x1D;
        public const int ECON2 = 0x1E;
        public const int ECON1 = 0x1F;

        // Bank 0
        public const int ERDPTL = B0 | 0x00;
        public const int ERDPTH = B0 | 0x01;
        public const int EWRPTL = B0 | 0x02;
        public const int EWRPTH = B0 | 0x03;
        public const int ETXSTL = B0 | 0x04;
        public const int ETXSTH = B0 | 0x05;
        public const int ETXNDL = B0 | 0x06;
        public const int ETXNDH = B0 | 0x07;
        public const int ERXSTL = B0 | 0x08;
        public const int ERXSTH = B0 | 0x09;
        public const int ERXNDL = B0 | 0x0A;
        public const int ERXNDH = B0 | 0x0B;
        public const int ERXRDPTL = B0 | 0x0C;
        public const int ERXRDPTH = B0 | 0x0D;
        public const int ERXWRPTL = B0 | 0x0E;
        public const int ERXWRPTH = B0 | 0x0F;

        // Bank 1
        public const int ERXFCON = B1 | 0x18;
        public const int EPKTCNT = B1 | 0x19;

        // Bank 2 (all MAC/MII)
        public const int MACON1 = B2 | MacMii | 0x00;
        public const int MACON3 = B2 | MacMii | 0x02;
        public const int MACON4 = B2 | MacMii | 0x03;
        public const int MABBIPG = B2 | MacMii | 0x04;
        public const int MAIPGL = B2 | MacMii | 0x06;
        public const int MAIPGH = B2 | MacMii | 0x07;
        public const int MACLCON1 = B2 | MacMii | 0x08;
        public const int MACLCON2 = B2 | MacMii | 0x09;
        public const int MAMXFLL = B2 | MacMii | 0x0A;
        public const int MAMXFLH = B2 | MacMii | 0x0B;
        public const int MICMD = B2 | MacMii | 0x12;
        public const int MIREGADR = B2 | MacMii | 0x14;
        public const int MIWRL = B2 | MacMii | 0x16;
        public const int MIWRH = B2 | MacMii | 0x17;
        public const int MIRDL = B2 | MacMii | 0x18;
        public const int MIRDH = B2 | MacMii | 0x19;

        // Bank 3
        public const int MAADR5 = B3 | MacMii | 0x00;
        public const int MAADR6 = B3 | MacMii | 0x01;
        public const int MAADR3 = B3 | MacMii | 0x02;
        public const int MAADR4 = B3 | MacMii | 0x03;
        public const int MAADR1 = B3 | MacMii | 0x04;
        public const int MAADR2 = B3 | MacMii | 0x05;
        public const int MISTAT = B3 | MacMii | 0x0A;
        public const int EREVID = B3 | 0x12;

        // EIE
        public const byte EIE_INTIE = 0x80;
        public const byte EIE_PKTIE = 0x40;
        public const byte EIE_DMAIE = 0x20;
        public const byte EIE_LINKIE = 0x10;
        public const byte EIE_TXIE = 0x08;
        public const byte EIE_TXERIE = 0x02;
        public const byte EIE_RXERIE = 0x01;

        // EIR
        public const byte EIR_PKTIF = 0x40;
        public const byte EIR_DMAIF = 0x20;
        public const byte EIR_LINKIF = 0x10;
        public const byte EIR_TXIF = 0x08;
        public const byte EIR_TXERIF = 0x02;
        public const byte EIR_RXERIF = 0x01;

        // ESTAT
        public const byte ESTAT_INT = 0x80;
        public const byte ESTAT_BUFER = 0x40;
        public const byte ESTAT_LATECOL = 0x10;
        public const byte ESTAT_UNIMPLEMENTED3 = 0x08;
        public const byte ESTAT_RXBUSY = 0x04;
        public const byte ESTAT_TXABRT = 0x02;
        public const byte ESTAT_CLKRDY = 0x01;

        // ECON2
        public const byte ECON2_AUTOINC = 0x80;
        public const byte ECON2_PKTDEC = 0x40;
        public const byte ECON2_PWRSV = 0x20;
        public const byte ECON2_VRPS = 0x08;

        // ECON1
        public const byte ECON1_TXRST = 0x80;
        public const byte ECON1_RXRST = 0x40;
        public const byte ECON1_DMAST = 0x20;
        public const byte ECON1_CSUMEN = 0x10;
        public const byte ECON1_TXRTS = 0x08;
        public const byte ECON1_RXEN = 0x04;
        public const byte ECON1_BSEL1 = 0x02;
        public const byte ECON1_BSEL0 = 0x01;

        // ERXFCON
        public const byte ERXFCON_UCEN = 0x80;
        public const byte ERXFCON_ANDOR = 0x40;
        public const byte ERXFCON_CRCEN = 0x20;
        public const byte ERXFCON_PMEN = 0x10;
        public const byte ERXFCON_MPEN = 0x08;
        public const byte ERXFCON_HTEN = 0x04;
        public const byte ERXFCON_MCEN = 0x02;
        public const byte ERXFCON_BCEN = 0x01;

        // MACON1
        public const byte MACON1_TXPAUS = 0x08;
        public const byte MACON1_RXPAUS = 0x04;
        public const byte MACON1_PASSALL = 0x02;
        public const byte MACON1_MARXEN = 0x01;

        // MACON3
        public const byte MACON3_PADCFG2 = 0x80;
        public const byte MACON3_PADCFG1 = 0x40;
        public const byte MACON3_PADCFG0 = 0x20;
        public const byte MACON3_TXCRCEN = 0x10;
        public const byte MACON3_PHDREN = 0x08;
        public const byte MACON3_HFRMEN = 0x04;
        public const byte MACON3_FRMLNEN = 0x02;
        public const byte MACON3_FULDPX = 0x01;

        // MACON4
        public const byte MACON4_DEFER = 0x40;

        // MICMD / MISTAT
        public const byte MICMD_MIISCAN = 0x02;
        public const byte MICMD_MIIRD = 0x01;
        public const byte MISTAT_NVALID = 0x04;
        public const byte MISTAT_SCAN = 0x02;
        public const byte MISTAT_BUSY = 0x01;

        // PHY registers (through MII)
        public const byte PHCON1 = 0x00;
        public const byte PHSTAT1 = 0x01;
        public const byte PHID1 = 0x02;
        public const byte PHID2 = 0x03;
        public const byte PHCON2 = 0x10;
        public const byte PHSTAT2 = 0x11;
        public const byte PHIE = 0x12;
        public const byte PHIR = 0x13;
        public const byte PHLCON = 0x14;

        public const int PHCON1_PRST = 0x8000;
        public const int PHCON1_PDPXMD = 0x0100;
        public const int PHCON2_HDLDIS = 0x0100;
        public const int PHSTAT2_LSTAT = 0x0400;
        public const int PHIE_PLNKIE = 0x0010;
        public const int PHIE_PGEIE = 0x0002;
        public const int PHIR_PLNKIF = 0x0010;
        public const int PHIR_PGIF = 0x0004;

        /// <summary>
        /// PHLCON: bits 13-12 must be written as 1; LEDA (bits 11-8) = 0100 link status,
        /// LEDB (bits 7-4) = 0111 transmit and receive activity, LFRQ (3-2) = 01 stretch 73 ms,
        /// STRCH (1) = stretch LED events.
        /// </summary>
        public const int PHLCON_LinkAndActivity = 0x3476;

        // Receive status vector (bytes 4-5 of the 6-byte header = bits 16-31)
        public const int RSV_RxOk = 0x0080;          // bit 23
        public const int RSV_CrcError = 0x0010;      // bit 20
        public const int RSV_LengthCheckError = 0x0020; // bit 21
        public const int RSV_Multicast = 0x0100;     // bit 24
        public const int RSV_Broadcast = 0x0200;     // bit 25

        // Transmit status vector (7 bytes after ETXND)
        public const int TSV_Byte2_Done = 0x80;        // bit 23
        public const int TSV_Byte3_ExcessiveCollision = 0x10; // bit 28
        public const int TSV_Byte3_LateCollision = 0x20;       // bit 29
        public const int TSV_Byte3_Giant = 0x40;               // bit 30
        public const int TSV_Byte3_Underrun = 0x80;            // bit 31

        /// <summary>Microchip revision IDs (EREVID) per errata DS80349.</summary>
        public const int RevB1 = 0x02;
        public const int RevB4 = 0x04;
        public const int RevB5 = 0x05;
        public const int RevB7 = 0x06;
    }
}
