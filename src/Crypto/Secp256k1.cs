using System.Buffers.Binary;
using System.Security.Cryptography;
using Chain.Crypto.Native;

namespace Chain.Crypto;

/// <summary>
/// secp256k1 operations over one native context, created and randomized once per process and never
/// mutated afterwards, so every call below is safe from any number of threads.
/// </summary>
public static unsafe class Secp256k1
{
    public const int PrivateKeySize = 32;
    public const int CompressedPublicKeySize = 33;
    public const int CompactSignatureSize = 64;
    public const int HashSize = 32;
    public const int XOnlyPublicKeySize = 32;
    public const int SchnorrSignatureSize = 64;

    private static readonly Lazy<IntPtr> SharedContext = new(CreateContext, LazyThreadSafetyMode.ExecutionAndPublication);

    private static IntPtr Context => SharedContext.Value;

    private static IntPtr CreateContext()
    {
        Secp256k1Native.EnsureResolver();
        var ctx = Secp256k1Native.ContextCreate(Secp256k1Native.ContextNone);
        if (ctx == IntPtr.Zero)
        {
            throw new CryptographicException("secp256k1_context_create failed");
        }

        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        fixed (byte* s = seed)
        {
            if (Secp256k1Native.ContextRandomize(ctx, s) != 1)
            {
                throw new CryptographicException("secp256k1_context_randomize failed");
            }
        }

        return ctx;
    }

    /// <summary>Whether 32 bytes are a valid secret key (non-zero and below the group order).</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != PrivateKeySize)
        {
            return false;
        }

        fixed (byte* k = key)
        {
            return Secp256k1Native.SecKeyVerify(Context, k) == 1;
        }
    }

    /// <summary>The 33-byte compressed public key of a secret key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        RequireLength(privateKey, PrivateKeySize, nameof(privateKey));
        var output = new byte[CompressedPublicKeySize];
        Span<byte> pub = stackalloc byte[Secp256k1Native.PubKeySize];
        fixed (byte* k = privateKey)
        fixed (byte* p = pub)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.PubKeyCreate(Context, p, k) != 1)
            {
                throw new CryptographicException("invalid secp256k1 private key");
            }

            nuint len = CompressedPublicKeySize;
            Secp256k1Native.PubKeySerialize(Context, o, &len, p, Secp256k1Native.EcCompressed);
        }

        return output;
    }

    /// <summary>Whether bytes parse as a compressed (33-byte) point on the curve.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => TryParsePublicKey(publicKey, out _);

    /// <summary>
    /// Parses a 33-byte compressed key once, for <see cref="Verify(in ParsedPublicKey, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>;
    /// false (and no key) when the bytes are not a point on the curve.
    /// </summary>
    public static bool TryParsePublicKey(ReadOnlySpan<byte> publicKey, out ParsedPublicKey parsed)
    {
        parsed = default;
        if (publicKey.Length != CompressedPublicKeySize)
        {
            return false;
        }

        var key = CompressedKey.Of(publicKey);
        if (RecentlyParsed.Map.TryGetValue(key, out parsed))
        {
            return true;
        }

        Span<byte> output = parsed;
        fixed (byte* i = publicKey)
        fixed (byte* p = output)
        {
            if (Secp256k1Native.PubKeyParse(Context, p, i, CompressedPublicKeySize) == 1)
            {
                RecentlyParsed.Remember(key, parsed);
                return true;
            }
        }

        parsed = default;
        return false;
    }

    /// <summary>
    /// How many parsed keys are remembered. Every node parses each tx's signer key when it decodes the tx, and the same
    /// accounts sign again and again: a parse (decompressing the point, a field square root) costs several microseconds,
    /// a lookup a small fraction of that. Only keys that parsed are kept, at most this many (about 2 MB).
    /// </summary>
    public const int ParsedKeyCacheSize = 16_384;

    private static readonly RecentValues<CompressedKey, ParsedPublicKey> RecentlyParsed = new(EqualityComparer<CompressedKey>.Default, ParsedKeyCacheSize);

    /// <summary>A 33-byte compressed key as a value, for the cache's lookups.</summary>
    private readonly record struct CompressedKey(ulong A, ulong B, ulong C, ulong D, byte E)
    {
        public static CompressedKey Of(ReadOnlySpan<byte> k) => new(
            BinaryPrimitives.ReadUInt64LittleEndian(k), BinaryPrimitives.ReadUInt64LittleEndian(k[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(k[16..]), BinaryPrimitives.ReadUInt64LittleEndian(k[24..]), k[32]);
    }

    /// <summary>Deterministic (RFC 6979) ECDSA over a 32-byte hash; returns the 64-byte compact, low-S signature.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash32)
    {
        RequireLength(privateKey, PrivateKeySize, nameof(privateKey));
        RequireLength(hash32, HashSize, nameof(hash32));
        var output = new byte[CompactSignatureSize];
        Span<byte> sig = stackalloc byte[Secp256k1Native.SignatureSize];
        fixed (byte* k = privateKey)
        fixed (byte* h = hash32)
        fixed (byte* s = sig)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.EcdsaSign(Context, s, h, k, IntPtr.Zero, IntPtr.Zero) != 1)
            {
                throw new CryptographicException("secp256k1 signing failed (invalid private key)");
            }

            Secp256k1Native.SignatureSerializeCompact(Context, o, s);
        }

        return output;
    }

    /// <summary>Checks a compact signature; see <see cref="SignatureCheck"/> for the outcomes.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != CompressedPublicKeySize)
        {
            return SignatureCheck.MalformedPublicKey;
        }

        if (signature.Length != CompactSignatureSize)
        {
            return SignatureCheck.MalformedSignature;
        }

        if (hash32.Length != HashSize)
        {
            return SignatureCheck.Invalid;
        }

        return TryParsePublicKey(publicKey, out var parsed) ? VerifyParsed(parsed, hash32, signature) : SignatureCheck.MalformedPublicKey;
    }

    /// <summary>
    /// <see cref="Verify(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> against a key parsed before
    /// (<see cref="TryParsePublicKey"/>): the same outcomes, without decompressing the key again.
    /// </summary>
    public static SignatureCheck Verify(in ParsedPublicKey publicKey, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != CompactSignatureSize)
        {
            return SignatureCheck.MalformedSignature;
        }

        if (hash32.Length != HashSize)
        {
            return SignatureCheck.Invalid;
        }

        return VerifyParsed(publicKey, hash32, signature);
    }

    private static SignatureCheck VerifyParsed(in ParsedPublicKey publicKey, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature)
    {
        ReadOnlySpan<byte> pub = publicKey;
        if (!pub.ContainsAnyExcept((byte)0))
        {
            // The default value: no key was parsed into it (libsecp256k1 would abort on an all-zero key).
            return SignatureCheck.MalformedPublicKey;
        }

        Span<byte> sig = stackalloc byte[Secp256k1Native.SignatureSize];
        Span<byte> normalized = stackalloc byte[Secp256k1Native.SignatureSize];
        fixed (byte* p = pub)
        fixed (byte* si = signature)
        fixed (byte* s = sig)
        fixed (byte* n = normalized)
        fixed (byte* h = hash32)
        {
            if (Secp256k1Native.SignatureParseCompact(Context, s, si) != 1)
            {
                return SignatureCheck.MalformedSignature;
            }

            if (Secp256k1Native.SignatureNormalize(Context, n, s) == 1)
            {
                return SignatureCheck.HighS;
            }

            return Secp256k1Native.EcdsaVerify(Context, s, h, p) == 1 ? SignatureCheck.Valid : SignatureCheck.Invalid;
        }
    }

    /// <summary>The 32-byte x-only public key used by BIP-340 Schnorr signatures.</summary>
    public static byte[] GetXOnlyPublicKey(ReadOnlySpan<byte> privateKey)
    {
        RequireLength(privateKey, PrivateKeySize, nameof(privateKey));
        var output = new byte[XOnlyPublicKeySize];
        Span<byte> keypair = stackalloc byte[Secp256k1Native.KeyPairSize];
        Span<byte> xonly = stackalloc byte[Secp256k1Native.XOnlyPubKeySize];
        fixed (byte* k = privateKey)
        fixed (byte* kp = keypair)
        fixed (byte* x = xonly)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.KeyPairCreate(Context, kp, k) != 1)
            {
                throw new CryptographicException("invalid secp256k1 private key");
            }

            int parity;
            Secp256k1Native.KeyPairXOnlyPub(Context, x, &parity, kp);
            Secp256k1Native.XOnlyPubKeySerialize(Context, o, x);
        }

        return output;
    }

    /// <summary>BIP-340 Schnorr signature over a 32-byte message, with fresh auxiliary randomness.</summary>
    public static byte[] SignSchnorr(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message32)
    {
        Span<byte> aux = stackalloc byte[32];
        RandomNumberGenerator.Fill(aux);
        return SignSchnorr(privateKey, message32, aux);
    }

    /// <summary>BIP-340 Schnorr signature with caller-chosen auxiliary randomness (for test vectors).</summary>
    public static byte[] SignSchnorr(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> auxRand32)
    {
        RequireLength(privateKey, PrivateKeySize, nameof(privateKey));
        RequireLength(message32, HashSize, nameof(message32));
        RequireLength(auxRand32, 32, nameof(auxRand32));
        var output = new byte[SchnorrSignatureSize];
        Span<byte> keypair = stackalloc byte[Secp256k1Native.KeyPairSize];
        fixed (byte* k = privateKey)
        fixed (byte* kp = keypair)
        fixed (byte* m = message32)
        fixed (byte* a = auxRand32)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.KeyPairCreate(Context, kp, k) != 1)
            {
                throw new CryptographicException("invalid secp256k1 private key");
            }

            if (Secp256k1Native.SchnorrSign32(Context, o, m, kp, a) != 1)
            {
                throw new CryptographicException("schnorr signing failed");
            }
        }

        return output;
    }

    public static bool VerifySchnorr(ReadOnlySpan<byte> xOnlyPublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (xOnlyPublicKey.Length != XOnlyPublicKeySize || signature.Length != SchnorrSignatureSize)
        {
            return false;
        }

        Span<byte> xonly = stackalloc byte[Secp256k1Native.XOnlyPubKeySize];
        fixed (byte* pk = xOnlyPublicKey)
        fixed (byte* x = xonly)
        fixed (byte* m = message)
        fixed (byte* s = signature)
        {
            if (Secp256k1Native.XOnlyPubKeyParse(Context, x, pk) != 1)
            {
                return false;
            }

            return Secp256k1Native.SchnorrVerify(Context, s, m, (nuint)message.Length, x) == 1;
        }
    }

    /// <summary>ECDH shared secret: SHA-256 of the compressed shared point (libsecp256k1's default hash).</summary>
    public static byte[] Ecdh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey)
    {
        RequireLength(privateKey, PrivateKeySize, nameof(privateKey));
        RequireLength(peerPublicKey, CompressedPublicKeySize, nameof(peerPublicKey));
        var output = new byte[32];
        Span<byte> pub = stackalloc byte[Secp256k1Native.PubKeySize];
        fixed (byte* k = privateKey)
        fixed (byte* pk = peerPublicKey)
        fixed (byte* p = pub)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.PubKeyParse(Context, p, pk, CompressedPublicKeySize) != 1)
            {
                throw new CryptographicException("invalid peer public key");
            }

            if (Secp256k1Native.Ecdh(Context, o, p, k, IntPtr.Zero, IntPtr.Zero) != 1)
            {
                throw new CryptographicException("ECDH failed");
            }
        }

        return output;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes, got {value.Length}", name);
        }
    }
}
