using System;
using NanoTcp.Scenarios;
using NanoTcp.Tcp;
using NanoTcp.Wire;
using NfProbe;

namespace NanoTcp.InterpreterBench
{
    /// <summary>
    /// Runs in nanoCLR. Times are the interpreter thread's CPU time (NfProbe Stat(7)): on the host
    /// they are for ratios (an ESP32 is roughly ten times slower); heap blocks are the board's.
    /// </summary>
    public sealed class Program
    {
        private const int FrameBytes = 1500;

        public static void Main()
        {
            Console.WriteLine("nanoCLR bench: heap block " + Counters.Stat(3).ToString() + " B (12 = 32-bit build, as the ESP32; 24 = 64-bit build)");
            Costs();
            Checksums();
            Segments();
        }

        private static int Increment(int x)
        {
            return x + 1;
        }

        private int _field = 3;
        private int Property { get { return _field; } }

        /// <summary>The interpreter's cost model: what a call, a field, a property and a native call add to a loop step.</summary>
        private static void Costs()
        {
            const int N = 100000;
            int acc = 0;
            long t = CpuUs();
            for (int i = 0; i < N; i++) acc = acc + 1;
            long loop = CpuUs() - t;
            t = CpuUs();
            for (int i = 0; i < N; i++) acc = Increment(acc);
            long call = CpuUs() - t;
            Program p = new Program();
            t = CpuUs();
            for (int i = 0; i < N; i++) acc += p._field;
            long field = CpuUs() - t;
            t = CpuUs();
            for (int i = 0; i < N; i++) acc += p.Property;
            long property = CpuUs() - t;
            byte[] b = new byte[8];
            t = CpuUs();
            for (int i = 0; i < N; i++) acc += (int)BitConverter.ToUInt32(b, 0);
            long native = CpuUs() - t;
            Console.WriteLine("interpreter costs, ns: a loop step " + (loop * 1000 / N).ToString() + "; added to it: a static call " + ((call - loop) * 1000 / N).ToString()
                + ", a field read " + ((field - loop) * 1000 / N).ToString() + ", a property " + ((property - loop) * 1000 / N).ToString()
                + ", a native call (BitConverter.ToUInt32) " + ((native - loop) * 1000 / N).ToString() + (acc == 7 ? "" : ""));
        }

        private static long CpuUs()
        {
            return Counters.Stat(7) / 10;
        }

        private static string Rate(long bytes, long us)
        {
            if (us <= 0) us = 1;
            long tenths = bytes * 10 / us; // bytes per us = MB/s
            return (tenths / 10).ToString() + "." + (tenths % 10).ToString() + " MB/s";
        }

        private static void Checksums()
        {
            byte[] frame = new byte[FrameBytes];
            byte[] copy = new byte[FrameBytes];
            for (int i = 0; i < frame.Length; i++) frame[i] = (byte)(i * 7);
            const int Rounds = 2000;
            uint sink = 0;

            long t = CpuUs();
            for (int r = 0; r < Rounds; r++) sink += Checksum.Add(frame, 0, FrameBytes, 0);
            long stack = CpuUs() - t;

            t = CpuUs();
            for (int r = 0; r < Rounds; r++) sink += PlainChecksum(frame, FrameBytes);
            long plain = CpuUs() - t;

            t = CpuUs();
            for (int r = 0; r < Rounds * 10; r++) Array.Copy(frame, 0, copy, 0, FrameBytes);
            long arrayCopy = CpuUs() - t;

            long bytes = (long)Rounds * FrameBytes;
            Console.WriteLine("checksum " + FrameBytes.ToString() + "-byte frames:");
            Console.WriteLine("  Checksum.Add         " + Rate(bytes, stack) + "  (" + (stack * 1000 / Rounds).ToString() + " ns per frame)");
            Console.WriteLine("  plain 2-byte loop    " + Rate(bytes, plain) + "  (" + (plain * 1000 / Rounds).ToString() + " ns per frame)");
            Console.WriteLine("  Array.Copy           " + Rate(bytes * 10, arrayCopy) + "  (" + (arrayCopy * 100 / Rounds).ToString() + " ns per frame)");
            Console.WriteLine("  Checksum.Add / plain loop: " + (plain * 100 / (stack <= 0 ? 1 : stack)).ToString() + " %" + (sink == 1 ? "" : ""));
        }

        /// <summary>The textbook RFC 1071 loop: two bytes per step, big-endian.</summary>
        private static uint PlainChecksum(byte[] b, int length)
        {
            uint sum = 0;
            int i = 0;
            for (; i + 1 < length; i += 2) sum += (uint)((b[i] << 8) | b[i + 1]);
            if (i < length) sum += (uint)(b[i] << 8);
            while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
            return sum;
        }

        /// <summary>Two stacks over a memory link: A sends 1460-byte segments to B, no work per byte on either side.</summary>
        private static void Segments()
        {
            TcpConfig c = TwoStacks.OneConnection();
            c.SendBufferSize = 8192;
            c.ReceiveBufferSize = 8192;
            TwoStacks s = new TwoStacks(c, c, 1, false);
            int listener = s.B.Listen(5001);
            int a = s.A.Connect(TwoStacks.AddressB, 5001, 0);
            int b = s.RunUntilAccept(listener, 10000);
            byte[] chunk = new byte[1460];

            const int Warm = 200, Measured = 2000;
            long segments = 0, bytes = 0, cpu = 0, blocks = 0, pollA = 0, pollB = 0, app = 0;
            for (int step = 0; segments < Measured && step < 100000; step++)
            {
                long seg0 = s.B.SegmentsIn;
                long t0 = CpuUs(), b0 = Counters.Stat(0);
                s.A.Send(a, chunk, 0, chunk.Length);
                int n, got = 0;
                while ((n = s.B.Receive(b, chunk, 0, chunk.Length)) > 0) got += n;
                long t1 = CpuUs();
                s.IfA.Poll(s.Now);
                long t2 = CpuUs();
                s.IfB.Poll(s.Now);
                long t3 = CpuUs();
                s.Advance(1);
                if (step >= Warm)
                {
                    segments += s.B.SegmentsIn - seg0;
                    bytes += got;
                    cpu += t3 - t0;
                    app += t1 - t0;
                    pollA += t2 - t1;
                    pollB += t3 - t2;
                    blocks += Counters.Stat(0) - b0;
                }
            }
            if (segments == 0) segments = 1;
            // A poll with nothing received and nothing to send: the fixed cost of a turn.
            long idle0 = CpuUs();
            for (int k = 0; k < 1000; k++)
            {
                s.IfA.Poll(s.Now);
            }
            long idleNs = (CpuUs() - idle0);
            Console.WriteLine("two stacks in memory, 1460-byte segments, A to B, 8 KB rings, no per-byte application work:");
            Console.WriteLine("  " + (cpu / segments).ToString() + " us per segment, " + Rate(bytes, cpu) + ", " + segments.ToString() + " segments, "
                + blocks.ToString() + " heap blocks in all (" + (blocks / segments).ToString() + " per segment)");
            Console.WriteLine("  where it goes, per segment: application Send+Receive " + (app / segments).ToString() + " us, sender's poll (ACKs in, data out) "
                + (pollA / segments).ToString() + " us, receiver's poll (data in, ACK out) " + (pollB / segments).ToString() + " us");
            Console.WriteLine("  an idle poll (nothing in, nothing to send): " + idleNs.ToString() + " ns");
            long checksumNs, copyNs;
            Pieces(out checksumNs, out copyNs);
            long perByteUs = (2 * checksumNs + 5 * copyNs) / 1000;
            Console.WriteLine("  of the " + (cpu / segments).ToString() + " us: 2 checksums + 5 copies = " + perByteUs.ToString()
                + " us; the rest, " + (cpu / segments - perByteUs).ToString() + " us, is per-segment work in the interface, TCP and the link");
        }

        /// <summary>The per-byte parts of one segment's path, timed alone: what is left of the poll times is per-segment logic.</summary>
        private static void Pieces(out long checksumNs, out long copyNs)
        {
            byte[] frame = new byte[1514];
            byte[] other = new byte[1514];
            const int Rounds = 2000;
            long t = CpuUs();
            uint sink = 0;
            for (int r = 0; r < Rounds; r++) sink += Checksum.Add(frame, 34, 1480, 0);
            long checksum = CpuUs() - t;
            t = CpuUs();
            for (int r = 0; r < Rounds; r++) Array.Copy(frame, 54, other, 54, 1460);
            long copy = CpuUs() - t;
            checksumNs = checksum * 1000 / Rounds;
            copyNs = copy * 1000 / Rounds;
            Console.WriteLine("  per-byte pieces: one checksum over a 1480-byte TCP segment " + (checksum * 1000 / Rounds).ToString()
                + " ns (the segment is summed when sent and when received), one 1460-byte Array.Copy " + (copy * 1000 / Rounds).ToString()
                + " ns (ring in, frame out, link, frame in, ring out: about 5 per segment)" + (sink == 1 ? "" : ""));
        }
    }
}
