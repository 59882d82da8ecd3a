namespace NanoTcp.Tcp
{
    /// <summary>
    /// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, key),
    /// M a clock ticking every 4 µs (here nowMs × 250), F SipHash-2-4 keyed with a 128-bit secret set
    /// at start-up (RFC 6528 §3 allows any keyed PRF; MD5 is only its example). The clock keeps a new
    /// incarnation's numbers ahead of an old one; the keyed hash keeps them unguessable off-path.
    /// </summary>
    public sealed class TcpIsnGenerator
    {
        private readonly ulong _k0;
        private readonly ulong _k1;

        public TcpIsnGenerator(byte[] key)
        {
            ulong k0 = 0, k1 = 0;
            if (key != null)
            {
                for (int i = 0; i < 8 && i < key.Length; i++) k0 |= (ulong)key[i] << (8 * i);
                for (int i = 8; i < 16 && i < key.Length; i++) k1 |= (ulong)key[i] << (8 * (i - 8));
            }
            _k0 = k0;
            _k1 = k1;
        }

        public uint Next(uint localIp, int localPort, uint remoteIp, int remotePort, long nowMs)
        {
            ulong m0 = ((ulong)localIp << 32) | remoteIp;
            ulong m1 = ((ulong)(uint)localPort << 16) | (uint)remotePort;
            return (uint)(nowMs * 250) + (uint)SipHash24(m0, m1);
        }

        /// <summary>SipHash-2-4, with this generator's key, of a 16-byte message given as two little-endian words (SYN cookies use it too).</summary>
        internal ulong SipHash24(ulong m0, ulong m1)
        {
            ulong v0 = _k0 ^ 0x736f6d6570736575UL;
            ulong v1 = _k1 ^ 0x646f72616e646f6dUL;
            ulong v2 = _k0 ^ 0x6c7967656e657261UL;
            ulong v3 = _k1 ^ 0x7465646279746573UL;
            Compress(ref v0, ref v1, ref v2, ref v3, m0);
            Compress(ref v0, ref v1, ref v2, ref v3, m1);
            Compress(ref v0, ref v1, ref v2, ref v3, 16UL << 56);
            v2 ^= 0xff;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            return v0 ^ v1 ^ v2 ^ v3;
        }

        private static void Compress(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ulong m)
        {
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
        {
            v0 += v1; v1 = (v1 << 13) | (v1 >> 51); v1 ^= v0; v0 = (v0 << 32) | (v0 >> 32);
            v2 += v3; v3 = (v3 << 16) | (v3 >> 48); v3 ^= v2;
            v0 += v3; v3 = (v3 << 21) | (v3 >> 43); v3 ^= v0;
            v2 += v1; v1 = (v1 << 17) | (v1 >> 47); v1 ^= v2; v2 = (v2 << 32) | (v2 >> 32);
        }
    }
}
