using Chain.Crypto;

namespace Chain.State.Tree;

/// <summary>
/// The hash functions of the tree, domain separated by a one-byte prefix:
/// leaf = SHA-256(0x00 || keyHash || valueHash), internal = SHA-256(0x01 || left || right),
/// and a fixed placeholder for an empty subtree (<see cref="Placeholder"/>), which is never the
/// output of either (it would need a SHA-256 preimage).
/// </summary>
internal static class TreeHasher
{
    public const int HashSize = 32;
    public const byte LeafPrefix = 0x00;
    public const byte InternalPrefix = 0x01;

    /// <summary>SHA-256 of the ASCII string "Chain.StateTree.Empty": the hash of an empty subtree and the root of the empty tree.</summary>
    public static ReadOnlySpan<byte> Placeholder =>
    [
        0xee, 0x76, 0xfa, 0x1c, 0x71, 0xd9, 0x91, 0x75, 0x29, 0x1e, 0x9f, 0x25, 0xfa, 0xd8, 0x68, 0x61,
        0x17, 0xdd, 0x8b, 0x74, 0x54, 0x77, 0x31, 0xde, 0x12, 0x32, 0x53, 0x28, 0xad, 0x47, 0x81, 0x6a,
    ];

    public static void HashKey(ReadOnlySpan<byte> key, Span<byte> destination) => Hashes.Sha256(key, destination);

    public static void HashValue(ReadOnlySpan<byte> value, Span<byte> destination) => Hashes.Sha256(value, destination);

    public static void HashLeaf(ReadOnlySpan<byte> keyHash, ReadOnlySpan<byte> valueHash, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = LeafPrefix;
        keyHash.CopyTo(buffer[1..]);
        valueHash.CopyTo(buffer[(1 + HashSize)..]);
        Hashes.Sha256(buffer, destination);
    }

    public static void HashInternal(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = InternalPrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        Hashes.Sha256(buffer, destination);
    }

    /// <summary>Bit <paramref name="index"/> (0 = most significant bit of byte 0) of a key hash.</summary>
    public static int Bit(ReadOnlySpan<byte> keyHash, int index) => (keyHash[index >> 3] >> (7 - (index & 7))) & 1;

    /// <summary>Nibble <paramref name="index"/> (0 = high nibble of byte 0) of a key hash.</summary>
    public static int Nibble(ReadOnlySpan<byte> keyHash, int index) =>
        (index & 1) == 0 ? keyHash[index >> 1] >> 4 : keyHash[index >> 1] & 0x0F;

    /// <summary>How many leading bits two 32-byte hashes share.</summary>
    public static int CommonPrefixBits(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (var i = 0; i < HashSize; i++)
        {
            var x = a[i] ^ b[i];
            if (x != 0)
            {
                return (i * 8) + System.Numerics.BitOperations.LeadingZeroCount((uint)x) - 24;
            }
        }

        return HashSize * 8;
    }
}
