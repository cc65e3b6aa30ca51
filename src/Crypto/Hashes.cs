using System.Security.Cryptography;

namespace Chain.Crypto;

/// <summary>
/// SHA-256, the chain's one hash function. On Linux it calls OpenSSL's low-level SHA-256 directly
/// (<see cref="Native.OpenSslSha256"/>, no per-call dispatch, allocation or error-queue clearing). Elsewhere, or where
/// libcrypto lacks those functions, each thread reuses one <see cref="IncrementalHash"/>: a one-shot
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> makes and frees an OpenSSL digest context per call,
/// which costs more than hashing the 32-100 bytes the state tree and the tx pipeline hash (docs/benchmarks.md,
/// "one SHA-256 context per thread"). A thread's context lives as long as the thread.
/// </summary>
public static class Hashes
{
    public const int Sha256Size = 32;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    public static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        var hash = new byte[Sha256Size];
        Sha256(data, hash);
        return hash;
    }

    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        // Checked before appending: a throw after it would leave the data in this thread's context for its next hash.
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Sha256Size, nameof(destination));
        if (Native.OpenSslSha256.Available)
        {
            Native.OpenSslSha256.Hash(data, destination);
            return;
        }

        HashThroughDotNet(data, destination);
    }

    /// <summary>The path without libcrypto's low-level functions: .NET's hashing, one context per thread.</summary>
    internal static void HashThroughDotNet(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.GetHashAndReset(destination);
    }
}
