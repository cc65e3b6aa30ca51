using System.Buffers.Binary;

namespace Chain.State.Transactions;

/// <summary>
/// A tx hash (SHA-256, all 32 bytes) as a value, for the large sets of recent hashes a node keeps (verified signatures,
/// what each peer has, what was committed lately). Held as arrays of this struct, those sets hold no object per hash:
/// the collector neither keeps nor scans hundreds of thousands of small arrays. Never truncated: a signature cache
/// keyed by a shorter prefix could be fooled by two txs whose hashes collide in it.
/// </summary>
public readonly record struct TxHashKey(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = 32;

    /// <summary>The key of a 32-byte hash; throws <see cref="ArgumentException"/> for any other length.</summary>
    public static TxHashKey Of(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != Size)
        {
            throw new ArgumentException($"a tx hash is {Size} bytes, got {hash.Length}", nameof(hash));
        }

        return new TxHashKey(
            BinaryPrimitives.ReadUInt64LittleEndian(hash),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }
}
