using Chain.Crypto;

namespace Chain.Consensus.Signing;

/// <summary>The validator's secp256k1 consensus key: signs SHA-256 of the canonical sign bytes (64-byte compact, low-S).</summary>
public sealed class Secp256k1VoteSigner(PrivateKey key) : IVoteSigner
{
    public byte[] Address { get; } = key.Address;

    public byte[] PublicKey => key.PublicKey;

    public byte[] Sign(ReadOnlySpan<byte> signBytes) => key.Sign(Hashes.Sha256(signBytes));
}
