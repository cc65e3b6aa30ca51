// Hand-written: AES-128 in counter mode is not a .NET API; it is built here from the platform's AES (ECB over counter
// blocks, AES-NI underneath), because any row of A or column of B must be regenerated alone, at its own counter.
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
    public void RowOfA(long i, Span<sbyte> row) => Generate(_a, i, One(row));

    /// <summary>Writes column <paramref name="j"/> of B (n values) into <paramref name="column"/>.</summary>
    public void ColumnOfB(long j, Span<sbyte> column) => Generate(_b, j, One(column));

    /// <summary>
    /// Writes columns <paramref name="first"/>, <paramref name="first"/> + 1, ... of B back to back into
    /// <paramref name="columns"/> (a multiple of n values): they are one run of B's stream, so a tile's k columns
    /// cost one AES call instead of k.
    /// </summary>
    public void ColumnsOfB(long first, Span<sbyte> columns) => Generate(_b, first, columns);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private Span<sbyte> One(Span<sbyte> output)
    {
        if (output.Length != N)
        {
            throw new ArgumentException($"the buffer holds {output.Length} values, a row or column has {N}", nameof(output));
        }

        return output;
    }

    private void Generate(Aes aes, long index, Span<sbyte> output)
    {
        if (output.Length == 0 || output.Length % N != 0)
        {
            throw new ArgumentException($"the buffer holds {output.Length} values, not a whole number of columns of {N}", nameof(output));
        }

        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"row or column {index}");
        }

        var blocks = output.Length / 16;
        var counters = ArrayPool<byte>.Shared.Rent(output.Length);
        try
        {
            var first = (ulong)index * (ulong)(N / 16);
            for (var b = 0; b < blocks; b++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(b * 16, 8), 0);
                BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((b * 16) + 8, 8), first + (ulong)b);
            }

            aes.EncryptEcb(counters.AsSpan(0, output.Length), MemoryMarshal.AsBytes(output), PaddingMode.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(counters);
        }
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
