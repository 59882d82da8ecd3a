namespace NanoTcp.Sim.Enc28j60;

/// <summary>
/// The emulator's own copy of the ENC28J60 register map (DS39662, table 3-2), kept apart from
/// the driver's so that a wrong address in one is caught by tests against the other.
/// </summary>
public static class Enc28j60Map
{
    // Common registers (every bank)
    public const int EIE = 0x1B, EIR = 0x1C, ESTAT = 0x1D, ECON2 = 0x1E, ECON1 = 0x1F;

    // Bank 0
    public const int ERDPTL = 0x00, ERDPTH = 0x01, EWRPTL = 0x02, EWRPTH = 0x03;
    public const int ETXSTL = 0x04, ETXSTH = 0x05, ETXNDL = 0x06, ETXNDH = 0x07;
    public const int ERXSTL = 0x08, ERXSTH = 0x09, ERXNDL = 0x0A, ERXNDH = 0x0B;
    public const int ERXRDPTL = 0x0C, ERXRDPTH = 0x0D, ERXWRPTL = 0x0E, ERXWRPTH = 0x0F;
    public const int EDMASTL = 0x10, EDMACSH = 0x17;

    // Bank 1
    public const int EHT0 = 0x00, EPMM0 = 0x08, EPMCSL = 0x10, EPMCSH = 0x11, EPMOL = 0x14, EPMOH = 0x15;
    public const int ERXFCON = 0x18, EPKTCNT = 0x19;

    // Bank 2 (MAC/MII)
    public const int MACON1 = 0x00, MACON3 = 0x02, MACON4 = 0x03, MABBIPG = 0x04;
    public const int MAIPGL = 0x06, MAIPGH = 0x07, MACLCON1 = 0x08, MACLCON2 = 0x09;
    public const int MAMXFLL = 0x0A, MAMXFLH = 0x0B, MICMD = 0x12, MIREGADR = 0x14;
    public const int MIWRL = 0x16, MIWRH = 0x17, MIRDL = 0x18, MIRDH = 0x19;

    // Bank 3
    public const int MAADR5 = 0x00, MAADR6 = 0x01, MAADR3 = 0x02, MAADR4 = 0x03, MAADR1 = 0x04, MAADR2 = 0x05;
    public const int EBSTSD = 0x06, EBSTCON = 0x07, EBSTCSL = 0x08, EBSTCSH = 0x09, MISTAT = 0x0A;
    public const int EREVID = 0x12, ECOCON = 0x15, EFLOCON = 0x17, EPAUSL = 0x18, EPAUSH = 0x19;

    // PHY
    public const int PHCON1 = 0x00, PHSTAT1 = 0x01, PHID1 = 0x02, PHID2 = 0x03;
    public const int PHCON2 = 0x10, PHSTAT2 = 0x11, PHIE = 0x12, PHIR = 0x13, PHLCON = 0x14;

    /// <summary>True for registers that answer an RCR with a dummy byte first (MAC and MII).</summary>
    public static bool IsMacOrMii(int bank, int address) =>
        address < 0x1B && (bank == 2 || (bank == 3 && (address <= MAADR2 || address == MISTAT)));
}
