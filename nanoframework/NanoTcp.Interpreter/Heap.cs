using System;
using NfProbe;

namespace NanoTcp.Interpreter
{
    /// <summary>The interpreter's counters (NfProbe.Counters.Stat), by name.</summary>
    public static class Heap
    {
        public static long Blocks { get { return Counters.Stat(0); } }
        public static long Allocations { get { return Counters.Stat(1); } }
        public static long Collections { get { return Counters.Stat(2); } }
        public static long BlockBytes { get { return Counters.Stat(3); } }
        public static long FreeAfterLastCollection { get { return Counters.Stat(4); } }
        public static long Size { get { return Counters.Stat(6); } }
        /// <summary>CPU time of the interpreter thread in microseconds.</summary>
        public static long CpuMicroseconds { get { return Counters.Stat(7) / 10; } }

        /// <summary>
        /// Runs a full collection (with compaction) and returns the bytes in use by everything but
        /// this method. mscorlib has no GC.Collect, and a request larger than the heap fails without
        /// one, so the heap is filled with small chunks until the interpreter collects; the chunks,
        /// still held then, are counted out.
        /// </summary>
        public static long LiveBytes()
        {
            long collections = Collections;
            long blocks = Blocks;
            Chunk held = null;
            try
            {
                while (Collections == collections)
                {
                    Chunk c = new Chunk();
                    c.Next = held;
                    held = c;
                }
            }
            catch (OutOfMemoryException)
            {
                // the collection ran and the chunks filled what it freed
            }
            long heldBytes = (Blocks - blocks) * BlockBytes;
            long live = Size - FreeAfterLastCollection - heldBytes;
            held = null;
            return live;
        }

        private sealed class Chunk
        {
            public Chunk Next;
            public byte[] Data = new byte[256];
        }
    }
}
