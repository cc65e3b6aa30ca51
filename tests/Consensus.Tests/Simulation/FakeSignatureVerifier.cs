using System.Security.Cryptography;
using Chain.Consensus.Signing;

namespace Chain.Consensus.Tests.Simulation;

public sealed class FakeSignatureVerifier : ISignatureVerifier
{
    public static byte[] Compute(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes)
    {
        byte[] buffer = new byte[publicKey.Length + signBytes.Length];
        publicKey.CopyTo(buffer);
        signBytes.CopyTo(buffer.AsSpan(publicKey.Length));
        return SHA256.HashData(buffer);
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[32];
        byte[] buffer = new byte[publicKey.Length + signBytes.Length];
        publicKey.CopyTo(buffer);
        signBytes.CopyTo(buffer.AsSpan(publicKey.Length));
        SHA256.HashData(buffer, expected);
        return signature.SequenceEqual(expected);
    }
}
