using System.Security.Cryptography;
using Chain.Consensus.Signing;
using Chain.Crypto;

namespace Chain.Bench;

/// <summary>A validator key for the consensus benchmarks: real secp256k1, or a SHA-256 stand-in that
/// isolates the cost of the state machine from the cost of elliptic-curve math.</summary>
internal sealed class BenchSigner : IVoteSigner, ISignatureVerifier
{
    private readonly Secp256k1VoteSigner? _real;
    private readonly Secp256k1SignatureVerifier _realVerifier = new();

    public BenchSigner(bool secp256k1)
    {
        if (secp256k1)
        {
            _real = new Secp256k1VoteSigner(PrivateKey.Generate());
            PublicKey = _real.PublicKey;
        }
        else
        {
            PublicKey = new byte[33];
            PublicKey[0] = 0x02;
            RandomNumberGenerator.Fill(PublicKey.AsSpan(1));
        }

        Address = SHA256.HashData(PublicKey)[..20];
    }

    public byte[] Address { get; }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> signBytes) => _real?.Sign(signBytes) ?? Fake(PublicKey, signBytes);

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes, ReadOnlySpan<byte> signature) =>
        _real is not null ? _realVerifier.Verify(publicKey, signBytes, signature) : signature.SequenceEqual(Fake(publicKey, signBytes));

    private static byte[] Fake(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes)
    {
        byte[] buffer = new byte[publicKey.Length + signBytes.Length];
        publicKey.CopyTo(buffer);
        signBytes.CopyTo(buffer.AsSpan(publicKey.Length));
        return SHA256.HashData(buffer);
    }
}
