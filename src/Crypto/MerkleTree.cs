namespace Chain.Crypto;

/// <summary>
/// Simple binary Merkle root over a list of items, as RFC 6962 and CometBFT define it:
/// leaf = SHA-256(0x00 || item), inner = SHA-256(0x01 || left || right), split at the largest
/// power of two below the count; the empty list hashes to SHA-256 of nothing.
/// Used for a block's data hash and results hash.
/// </summary>
public static class MerkleTree
{
    public static byte[] Root(IReadOnlyList<byte[]> items) => items.Count == 0 ? Hashes.Sha256([]) : Root(items, 0, items.Count);

    private static byte[] Root(IReadOnlyList<byte[]> items, int start, int count)
    {
        if (count == 1)
        {
            return LeafHash(items[start]);
        }

        var split = SplitPoint(count);
        return InnerHash(Root(items, start, split), Root(items, start + split, count - split));
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> item)
    {
        var buffer = new byte[item.Length + 1];
        item.CopyTo(buffer.AsSpan(1));
        return Hashes.Sha256(buffer);
    }

    public static byte[] InnerHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + left.Length + right.Length];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        return Hashes.Sha256(buffer);
    }

    private static int SplitPoint(int count)
    {
        var k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        return k;
    }
}
