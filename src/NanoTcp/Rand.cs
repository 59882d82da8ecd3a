namespace NanoTcp
{
    /// <summary>
    /// A small seeded generator (xorshift32). System.Random's sequence differs between
    /// nanoFramework and .NET; this one is identical everywhere, so a seed reproduces a
    /// fault-injection run or a DHCP transaction id on the host and on the board alike.
    /// Not for secrets.
    /// </summary>
    public sealed class Rand
    {
        private uint _state;

        public Rand(uint seed)
        {
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        public uint NextUInt()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }

        /// <summary>Uniform-enough integer in [0, max) for max &gt; 0.</summary>
        public int Next(int max)
        {
            return (int)(NextUInt() % (uint)max);
        }

        /// <summary>True with the given probability in per-mille (0..1000).</summary>
        public bool ChancePerMille(int perMille)
        {
            return perMille > 0 && Next(1000) < perMille;
        }
    }
}
