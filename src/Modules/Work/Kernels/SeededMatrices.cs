// Hand-written: AES-128 in counter mode is not a .NET API; it is built here from the platform's AES (ECB over counter
// blocks, AES-NI underneath), because any row of A or column of B must be regenerated alone, at its own counter.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The seeded inputs of a workload: A (rows x n, row-major) and B (n x n, column-major) as int8 streams of AES-128
/// in counter mode, each under its own key derived from the seed (SHA-256 of a domain tag and the seed, first 16
/// bytes). Counter block c is the 16-byte big-endian c; byte t of the stream is byte t % 16 of block t / 16. Row i
/// of A is bytes [i·n, (i+1)·n) of A's stream and column j of B bytes [j·n, (j+1)·n) of B's, so a validator
/// regenerates exactly the row and the k columns a tile needs, (k + 1)·n bytes.
/// </summary>
public sealed class SeededMatrices : IDisposable
{
    private static readonly byte[] ADomain = Encoding.ASCII.GetBytes("chain/work/v1/A");
    private static readonly byte[] BDomain = Encoding.ASCII.GetBytes("chain/work/v1/B");

    private readonly Aes _a;
    private readonly Aes _b;

    public SeededMatrices(ReadOnlySpan<byte> seed, int n)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException($"the seed is {seed.Length} bytes, expected 32", nameof(seed));
        }

        if (n <= 0 || n % 16 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"n = {n} must be a positive multiple of 16");
        }

        N = n;
        _a = Key(ADomain, seed);
        _b = Key(BDomain, seed);
    }

    public int N { get; }

    /// <summary>Writes row <paramref name="i"/> of A (n values) into <paramref name="row"/>.</summary>
    public void RowOfA(long i, Span<sbyte> row) => Generate(_a, i, row);

    /// <summary>Writes column <paramref name="j"/> of B (n values) into <paramref name="column"/>.</summary>
    public void ColumnOfB(long j, Span<sbyte> column) => Generate(_b, j, column);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private void Generate(Aes aes, long index, Span<sbyte> output)
    {
        if (output.Length != N)
        {
            throw new ArgumentException($"the buffer holds {output.Length} values, a row or column has {N}", nameof(output));
        }

        var blocks = N / 16;
        var counters = new byte[N];
        var first = (ulong)index * (ulong)blocks;
        for (var b = 0; b < blocks; b++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((b * 16) + 8, 8), first + (ulong)b);
        }

        aes.EncryptEcb(counters, System.Runtime.InteropServices.MemoryMarshal.AsBytes(output), PaddingMode.None);
    }

    private static Aes Key(byte[] domain, ReadOnlySpan<byte> seed)
    {
        var material = new byte[domain.Length + seed.Length];
        domain.CopyTo(material, 0);
        seed.CopyTo(material.AsSpan(domain.Length));
        var aes = Aes.Create();
        aes.Key = SHA256.HashData(material)[..16];
        return aes;
    }
}
