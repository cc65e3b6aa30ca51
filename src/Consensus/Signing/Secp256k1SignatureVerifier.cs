
namespace Chain.Consensus.Signing;

/// <summary>Verifies secp256k1 signatures over SHA-256 of canonical sign bytes with libsecp256k1.</summary>
public sealed class Secp256k1SignatureVerifier : ISignatureVerifier
{
    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 33 || signature.Length != 64)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        Chain.Crypto.Hashes.Sha256(signBytes, hash);
        return Chain.Crypto.PublicKey.Verify(publicKey, hash, signature);
    }
}
