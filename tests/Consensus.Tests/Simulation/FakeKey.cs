using System.Security.Cryptography;
using Chain.Consensus.Signing;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>A cheap deterministic stand-in for a secp256k1 key: the "signature" is SHA-256(public key || sign bytes).
/// Anyone could forge it, which does not matter in a simulation whose adversaries we write ourselves.</summary>
public sealed class FakeKey : IVoteSigner
{
    public FakeKey(int seed)
    {
        byte[] secret = SHA256.HashData(BitConverter.GetBytes(seed));
        PublicKey = new byte[33];
        PublicKey[0] = 0x02;
        secret.CopyTo(PublicKey, 1);
        Address = SHA256.HashData(PublicKey)[..20];
    }

    public byte[] Address { get; }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> signBytes) => FakeSignatureVerifier.Compute(PublicKey, signBytes);
}
