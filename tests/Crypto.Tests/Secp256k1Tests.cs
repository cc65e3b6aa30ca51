using System.Numerics;
using Chain.Crypto;

namespace Chain.Crypto.Tests;

public class Secp256k1Tests
{
    private static readonly BigInteger Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    [Fact]
    public void Sign_and_verify_round_trip()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("lease 42"u8);
        var sig = key.Sign(hash);
        Assert.Equal(64, sig.Length);
        Assert.Equal(SignatureCheck.Valid, Secp256k1.Verify(key.PublicKey, hash, sig));
        Assert.True(PublicKey.VerifyMessage(key.PublicKey, "lease 42"u8, sig));
    }

    [Fact]
    public void Signing_is_deterministic()
    {
        var key = PrivateKey.FromBytes(Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000001"));
        var hash = Hashes.Sha256("x"u8);
        Assert.Equal(key.Sign(hash), key.Sign(hash));
        // Generator point G, compressed.
        Assert.Equal("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", Convert.ToHexStringLower(key.PublicKey));
    }

    [Fact]
    public void A_flipped_bit_anywhere_fails()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("transfer"u8);
        var sig = key.Sign(hash);
        for (var bit = 0; bit < sig.Length * 8; bit++)
        {
            var bad = (byte[])sig.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(SignatureCheck.Valid, Secp256k1.Verify(key.PublicKey, hash, bad));
        }

        for (var bit = 0; bit < hash.Length * 8; bit++)
        {
            var bad = (byte[])hash.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(SignatureCheck.Invalid, Secp256k1.Verify(key.PublicKey, bad, sig));
        }

        Assert.Equal(SignatureCheck.Invalid, Secp256k1.Verify(PrivateKey.Generate().PublicKey, hash, sig));
    }

    [Fact]
    public void High_s_signature_is_rejected()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("high s"u8);
        var sig = key.Sign(hash);
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true, isBigEndian: true);
        Assert.True(s <= Order / 2, "the signer must produce low S");
        var highS = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var malleated = new byte[64];
        sig.AsSpan(0, 32).CopyTo(malleated);
        highS.CopyTo(malleated.AsSpan(64 - highS.Length));
        Assert.Equal(SignatureCheck.HighS, Secp256k1.Verify(key.PublicKey, hash, malleated));
        Assert.False(PublicKey.Verify(key.PublicKey, hash, malleated));
    }

    [Fact]
    public void Malformed_inputs_are_told_apart()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("m"u8);
        var sig = key.Sign(hash);
        Assert.Equal(SignatureCheck.MalformedSignature, Secp256k1.Verify(key.PublicKey, hash, sig.AsSpan(0, 63)));
        Assert.Equal(SignatureCheck.MalformedPublicKey, Secp256k1.Verify(new byte[33], hash, sig));
        Assert.Equal(SignatureCheck.MalformedSignature, Secp256k1.Verify(key.PublicKey, hash, Enumerable.Repeat((byte)0xff, 64).ToArray()));
        Assert.False(Secp256k1.IsValidPrivateKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => PrivateKey.FromBytes(new byte[32]));
    }

    [Fact]
    public void A_parsed_key_verifies_exactly_as_its_bytes_do()
    {
        var key = PrivateKey.Generate();
        Assert.True(Secp256k1.TryParsePublicKey(key.PublicKey, out var parsed));
        var hash = Hashes.Sha256("parsed once"u8);
        var sig = key.Sign(hash);
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var highS = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var malleated = new byte[64];
        sig.AsSpan(0, 32).CopyTo(malleated);
        highS.CopyTo(malleated.AsSpan(64 - highS.Length));
        var otherHash = Hashes.Sha256("something else"u8);
        byte[][] signatures = [sig, malleated, Enumerable.Repeat((byte)0xff, 64).ToArray(), sig[..63], key.Sign(otherHash)];
        foreach (var signature in signatures)
        {
            foreach (var h in new[] { hash, otherHash, hash[..31] })
            {
                Assert.Equal(Secp256k1.Verify(key.PublicKey, h, signature), Secp256k1.Verify(parsed, h, signature));
            }
        }

        Assert.Equal(SignatureCheck.Valid, Secp256k1.Verify(parsed, hash, sig));
        Assert.True(Secp256k1.TryParsePublicKey(PrivateKey.Generate().PublicKey, out var other));
        Assert.Equal(SignatureCheck.Invalid, Secp256k1.Verify(other, hash, sig));
    }

    [Fact]
    public void A_key_parsed_again_is_the_same_key_and_a_key_differing_in_one_byte_is_another()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("parsed twice"u8);
        var sig = key.Sign(hash);
        var negated = (byte[])key.PublicKey.Clone();
        negated[0] ^= 0x01; // 02 <-> 03: the same x, the other y, always on the curve
        for (var round = 0; round < 2; round++)
        {
            // The second round is answered from the parsed-key cache.
            Assert.True(Secp256k1.TryParsePublicKey(key.PublicKey, out var parsed));
            Assert.True(Secp256k1.TryParsePublicKey(negated, out var parsedNegated));
            Assert.False(((ReadOnlySpan<byte>)parsed).SequenceEqual(parsedNegated));
            Assert.Equal(SignatureCheck.Valid, Secp256k1.Verify(parsed, hash, sig));
            Assert.Equal(SignatureCheck.Invalid, Secp256k1.Verify(parsedNegated, hash, sig));
        }

        // Past the cache's size it is emptied and refills: keys still parse to themselves.
        for (var i = 0; i <= Secp256k1.ParsedKeyCacheSize; i++)
        {
            Assert.True(Secp256k1.TryParsePublicKey(PrivateKey.Generate().PublicKey, out _));
        }

        Assert.True(Secp256k1.TryParsePublicKey(key.PublicKey, out var again));
        Assert.Equal(SignatureCheck.Valid, Secp256k1.Verify(again, hash, sig));
        Assert.False(Secp256k1.TryParsePublicKey(new byte[33], out _));
    }

    [Fact]
    public void Keys_off_the_curve_do_not_parse_and_no_key_never_verifies()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("k"u8);
        var sig = key.Sign(hash);
        Assert.False(Secp256k1.TryParsePublicKey(new byte[33], out var zero));
        Assert.False(Secp256k1.TryParsePublicKey(key.PublicKey.AsSpan(0, 32), out _));
        Assert.False(Secp256k1.TryParsePublicKey([.. key.PublicKey, 0], out _));
        var badPrefix = (byte[])key.PublicKey.Clone();
        badPrefix[0] = 0x04;
        Assert.False(Secp256k1.TryParsePublicKey(badPrefix, out _));
        Assert.False(Secp256k1.IsValidPublicKey(badPrefix));
        Assert.Equal(SignatureCheck.MalformedPublicKey, Secp256k1.Verify(zero, hash, sig));
        Assert.Equal(SignatureCheck.MalformedPublicKey, Secp256k1.Verify(default(ParsedPublicKey), hash, sig));
    }

    // BIP-340 test vectors 0 and 1.
    [Theory]
    [InlineData(
        "0000000000000000000000000000000000000000000000000000000000000003",
        "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0")]
    [InlineData(
        "B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF",
        "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
        "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A")]
    public void Bip340_vectors(string secret, string publicKey, string aux, string message, string signature)
    {
        var sk = Convert.FromHexString(secret);
        Assert.Equal(publicKey, Convert.ToHexString(Secp256k1.GetXOnlyPublicKey(sk)));
        var sig = Secp256k1.SignSchnorr(sk, Convert.FromHexString(message), Convert.FromHexString(aux));
        Assert.Equal(signature, Convert.ToHexString(sig));
        Assert.True(Secp256k1.VerifySchnorr(Convert.FromHexString(publicKey), Convert.FromHexString(message), sig));
        sig[5] ^= 1;
        Assert.False(Secp256k1.VerifySchnorr(Convert.FromHexString(publicKey), Convert.FromHexString(message), sig));
    }

    [Fact]
    public void Ecdh_agrees_on_both_sides()
    {
        var a = PrivateKey.Generate();
        var b = PrivateKey.Generate();
        Assert.Equal(a.SharedSecret(b.PublicKey), b.SharedSecret(a.PublicKey));
    }

    [Fact]
    public void Verification_is_safe_from_many_threads()
    {
        var key = PrivateKey.Generate();
        var hash = Hashes.Sha256("parallel"u8);
        var sig = key.Sign(hash);
        var results = new bool[2000];
        Parallel.For(0, results.Length, i => results[i] = PublicKey.Verify(key.PublicKey, hash, sig));
        Assert.All(results, Assert.True);
    }
}
