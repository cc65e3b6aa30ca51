using System.Security.Cryptography;

namespace Chain.Crypto;

/// <summary>SHA-256, the chain's one hash function.</summary>
public static class Hashes
{
    public const int Sha256Size = 32;

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination) => SHA256.HashData(data, destination);
}
