namespace Chain.Crypto;

/// <summary>Verification against 33-byte compressed secp256k1 public keys.</summary>
public static class PublicKey
{
    /// <summary>True only for a valid, low-S signature of <paramref name="hash32"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature) =>
        Secp256k1.Verify(publicKey, hash32, signature) == SignatureCheck.Valid;

    /// <summary>Verifies a signature over SHA-256 of <paramref name="message"/>.</summary>
    public static bool VerifyMessage(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> hash = stackalloc byte[Hashes.Sha256Size];
        Hashes.Sha256(message, hash);
        return Verify(publicKey, hash, signature);
    }
}
