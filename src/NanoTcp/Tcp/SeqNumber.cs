namespace NanoTcp.Tcp
{
    /// <summary>
    /// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): a is "before" b when the signed
    /// 32-bit difference a − b is negative. Every comparison of SND.*/RCV.*/SEG.* goes through
    /// here, so the stack is correct across the wrap. Plain uints, no wrapper struct: the
    /// interpreter on the device pays for every struct copy.
    /// </summary>
    public static class SeqNumber
    {
        public static bool Lt(uint a, uint b) { return (int)(a - b) < 0; }
        public static bool Le(uint a, uint b) { return (int)(a - b) <= 0; }
        public static bool Gt(uint a, uint b) { return (int)(a - b) > 0; }
        public static bool Ge(uint a, uint b) { return (int)(a - b) >= 0; }

        /// <summary>a − b as a signed distance.</summary>
        public static int Diff(uint a, uint b) { return (int)(a - b); }

        /// <summary>lo ≤ x &lt; hi (modulo 2^32).</summary>
        public static bool InRange(uint x, uint lo, uint hi) { return Le(lo, x) && Lt(x, hi); }

        public static uint Max(uint a, uint b) { return Gt(a, b) ? a : b; }
        public static uint Min(uint a, uint b) { return Lt(a, b) ? a : b; }
    }
}
