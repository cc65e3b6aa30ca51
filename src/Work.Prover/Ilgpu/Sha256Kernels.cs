// Hand-written: no package has SHA-256 as an ILGPU kernel (ILGPU.Algorithms has reductions, scans and sorts, not
// hashes), and the output commitment must be hashed where C is, on the device.
using ILGPU;

namespace Chain.Work.Prover.Ilgpu;

/// <summary>
/// SHA-256 (FIPS 180-4) as ILGPU kernels for the tile tree: one thread per leaf, SHA-256(0x00 ‖ the tile's int32
/// values little-endian), then one launch per level, one thread per parent, SHA-256(0x01 ‖ left ‖ right) or the odd
/// last node copied unchanged. Digests are written as 32 bytes, big-endian words, as any SHA-256 writes them.
/// The message is never built in memory: each block's words are read byte by byte from C or from the level below.
/// </summary>
internal static class Sha256Kernels
{
    /// <summary>The 64 round constants, uploaded once per accelerator and passed to the kernels.</summary>
    public static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>
    /// Leaf <paramref name="leaf"/>: tile (i, J) of C (Rows x n int32, row-major), i = leaf / tilesPerRow,
    /// J = leaf % tilesPerRow, hashed into bytes [32·leaf, 32·leaf + 32) of <paramref name="hashes"/>.
    /// </summary>
    public static void LeafKernel(Index1D leaf, ArrayView<int> c, ArrayView<byte> hashes, ArrayView<uint> k, int n, int tileWidth, int tilesPerRow)
    {
        int index = leaf;
        var row = index / tilesPerRow;
        var tile = index - (row * tilesPerRow);
        var first = tile * tileWidth;
        var width = n - first < tileWidth ? n - first : tileWidth;
        var start = (row * n) + first;
        var length = 1 + (4 * width);
        var blocks = ((length + 8) / 64) + 1;
        var w = LocalMemory.Allocate<uint>(64);
        var state = Sha256State.Initial();
        for (var block = 0; block < blocks; block++)
        {
            for (var word = 0; word < 16; word++)
            {
                uint value = 0;
                for (var b = 0; b < 4; b++)
                {
                    var p = (block * 64) + (word * 4) + b;
                    uint x;
                    if (p == 0)
                    {
                        x = 0; // the leaf prefix
                    }
                    else if (p < length)
                    {
                        var q = p - 1;
                        x = ((uint)c[start + (q >> 2)] >> (8 * (q & 3))) & 0xff;
                    }
                    else
                    {
                        x = Padding(p, length, blocks);
                    }

                    value = (value << 8) | x;
                }

                w[word] = value;
            }

            state = Compress(state, w, k);
        }

        state.Write(hashes, index * 32);
    }

    /// <summary>
    /// Parent <paramref name="parent"/> of the level <paramref name="below"/> (<paramref name="count"/> nodes) into
    /// <paramref name="above"/>: SHA-256(0x01 ‖ node 2p ‖ node 2p + 1), or node 2p itself when it is the odd last one.
    /// </summary>
    public static void InnerKernel(Index1D parent, ArrayView<byte> below, ArrayView<byte> above, ArrayView<uint> k, int count)
    {
        int p = parent;
        var left = 2 * p;
        if (left + 1 >= count)
        {
            for (var b = 0; b < 32; b++)
            {
                above[(p * 32) + b] = below[(left * 32) + b];
            }

            return;
        }

        const int length = 65;
        const int blocks = 2;
        var w = LocalMemory.Allocate<uint>(64);
        var state = Sha256State.Initial();
        for (var block = 0; block < blocks; block++)
        {
            for (var word = 0; word < 16; word++)
            {
                uint value = 0;
                for (var b = 0; b < 4; b++)
                {
                    var position = (block * 64) + (word * 4) + b;
                    uint x;
                    if (position == 0)
                    {
                        x = 1; // the inner-node prefix
                    }
                    else if (position < length)
                    {
                        x = below[(left * 32) + position - 1];
                    }
                    else
                    {
                        x = Padding(position, length, blocks);
                    }

                    value = (value << 8) | x;
                }

                w[word] = value;
            }

            state = Compress(state, w, k);
        }

        state.Write(above, p * 32);
    }

    /// <summary>Byte <paramref name="p"/> (≥ length) of the padded message: 0x80, zeros, the bit length big-endian.</summary>
    private static uint Padding(int p, int length, int blocks)
    {
        if (p == length)
        {
            return 0x80;
        }

        var end = blocks * 64;
        if (p >= end - 8)
        {
            var bits = (ulong)length * 8;
            return (uint)(bits >> (8 * (end - 1 - p))) & 0xff;
        }

        return 0;
    }

    /// <summary>One compression: <paramref name="w"/>[0..16) holds the block's words; [16..64) is the schedule.</summary>
    private static Sha256State Compress(Sha256State s, ArrayView<uint> w, ArrayView<uint> k)
    {
        for (var t = 16; t < 64; t++)
        {
            var w15 = w[t - 15];
            var w2 = w[t - 2];
            var s0 = Rotr(w15, 7) ^ Rotr(w15, 18) ^ (w15 >> 3);
            var s1 = Rotr(w2, 17) ^ Rotr(w2, 19) ^ (w2 >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        var a = s.H0;
        var b = s.H1;
        var c = s.H2;
        var d = s.H3;
        var e = s.H4;
        var f = s.H5;
        var g = s.H6;
        var h = s.H7;
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
            var t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        return new Sha256State(s.H0 + a, s.H1 + b, s.H2 + c, s.H3 + d, s.H4 + e, s.H5 + f, s.H6 + g, s.H7 + h);
    }

    private static uint Rotr(uint x, int r) => (x >> r) | (x << (32 - r));

    /// <summary>The eight working words, passed by value (ILGPU keeps them in registers).</summary>
    private readonly struct Sha256State(uint h0, uint h1, uint h2, uint h3, uint h4, uint h5, uint h6, uint h7)
    {
        public readonly uint H0 = h0;
        public readonly uint H1 = h1;
        public readonly uint H2 = h2;
        public readonly uint H3 = h3;
        public readonly uint H4 = h4;
        public readonly uint H5 = h5;
        public readonly uint H6 = h6;
        public readonly uint H7 = h7;

        public static Sha256State Initial() =>
            new(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

        public void Write(ArrayView<byte> output, int offset)
        {
            WriteWord(output, offset, H0);
            WriteWord(output, offset + 4, H1);
            WriteWord(output, offset + 8, H2);
            WriteWord(output, offset + 12, H3);
            WriteWord(output, offset + 16, H4);
            WriteWord(output, offset + 20, H5);
            WriteWord(output, offset + 24, H6);
            WriteWord(output, offset + 28, H7);
        }

        private static void WriteWord(ArrayView<byte> output, int offset, uint word)
        {
            output[offset] = (byte)(word >> 24);
            output[offset + 1] = (byte)(word >> 16);
            output[offset + 2] = (byte)(word >> 8);
            output[offset + 3] = (byte)word;
        }
    }
}
