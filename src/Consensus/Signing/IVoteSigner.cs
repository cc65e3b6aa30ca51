namespace Chain.Consensus.Signing;

/// <summary>The validator's consensus key: signs canonical sign bytes (the implementation hashes them).
/// The node supplies a secp256k1 key; the simulator a cheap deterministic fake.</summary>
public interface IVoteSigner
{
    /// <summary>First 20 bytes of SHA-256 of <see cref="PublicKey"/>.</summary>
    byte[] Address { get; }

    byte[] PublicKey { get; }

    byte[] Sign(ReadOnlySpan<byte> signBytes);
}
