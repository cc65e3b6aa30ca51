using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// The chain's two random draws, pure functions every validator and every prover computes alike:
/// the seed of a round's inputs, bound to the lease, the round and the hash of the block before the round opened
/// (so no input exists before that block), and the tiles a challenge opens, drawn from the hash of a block that
/// follows the receipt by challenge_delay, mixed with the receipt's hash.
/// </summary>
public static class WorkDraws
{
    private static readonly byte[] SeedDomain = "chain/work/v1/seed"u8.ToArray();
    private static readonly byte[] ChallengeDomain = "chain/work/v1/challenge"u8.ToArray();

    /// <summary>SHA-256("chain/work/v1/seed" ‖ lease u64 BE ‖ round u64 BE ‖ block hash).</summary>
    public static byte[] RoundSeed(ulong leaseId, ulong round, ReadOnlySpan<byte> blockHash)
    {
        Span<byte> numbers = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(numbers, leaseId);
        BinaryPrimitives.WriteUInt64BigEndian(numbers[8..], round);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(SeedDomain);
        sha.AppendData(numbers);
        sha.AppendData(blockHash);
        return sha.GetHashAndReset();
    }

    /// <summary>
    /// <paramref name="samples"/> tile indices, each independent and uniform over [0, <paramref name="tileCount"/>)
    /// (with replacement, so a fraction f of wrong tiles escapes with probability exactly (1 - f)^s): index j is the
    /// first 8 bytes (BE) of SHA-256("chain/work/v1/challenge" ‖ receipt hash ‖ block hash ‖ j u32 BE) modulo the
    /// count. The modulo bias is below count / 2^64.
    /// </summary>
    public static ulong[] ChallengeTiles(ReadOnlySpan<byte> receiptHash, ReadOnlySpan<byte> blockHash, ulong tileCount, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tileCount);
        var tiles = new ulong[samples];
        Span<byte> j = stackalloc byte[4];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(j, (uint)i);
            sha.AppendData(ChallengeDomain);
            sha.AppendData(receiptHash);
            sha.AppendData(blockHash);
            sha.AppendData(j);
            tiles[i] = BinaryPrimitives.ReadUInt64BigEndian(sha.GetHashAndReset()) % tileCount;
        }

        return tiles;
    }
}
