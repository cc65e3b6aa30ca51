using System.Security.Cryptography;

namespace Chain.Crypto;

/// <summary>A secp256k1 secret key with its compressed public key.</summary>
public sealed class PrivateKey
{
    private readonly byte[] _secret;

    private PrivateKey(byte[] secret)
    {
        _secret = secret;
        PublicKey = Secp256k1.GetPublicKey(secret);
    }

    /// <summary>33-byte compressed public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>20-byte address of the public key.</summary>
    public byte[] Address => Crypto.Address.FromPublicKey(PublicKey);

    public static PrivateKey Generate()
    {
        var secret = new byte[Secp256k1.PrivateKeySize];
        do
        {
            RandomNumberGenerator.Fill(secret);
        }
        while (!Secp256k1.IsValidPrivateKey(secret));

        return new PrivateKey(secret);
    }

    /// <summary>Loads 32 secret bytes; throws <see cref="ArgumentException"/> when they are not a valid key.</summary>
    public static PrivateKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (!Secp256k1.IsValidPrivateKey(secret))
        {
            throw new ArgumentException("not a valid secp256k1 private key (32 bytes, non-zero, below the curve order)", nameof(secret));
        }

        return new PrivateKey(secret.ToArray());
    }

    /// <summary>A copy of the 32 secret bytes (for key files).</summary>
    public byte[] ToBytes() => (byte[])_secret.Clone();

    /// <summary>64-byte compact low-S ECDSA signature over a 32-byte hash.</summary>
    public byte[] Sign(ReadOnlySpan<byte> hash32) => Secp256k1.Sign(_secret, hash32);

    /// <summary>Signs SHA-256 of <paramref name="message"/>.</summary>
    public byte[] SignMessage(ReadOnlySpan<byte> message) => Sign(Hashes.Sha256(message));

    /// <summary>ECDH shared secret with a peer's compressed public key.</summary>
    public byte[] SharedSecret(ReadOnlySpan<byte> peerPublicKey) => Secp256k1.Ecdh(_secret, peerPublicKey);
}
