namespace Chain.Crypto;

/// <summary>
/// Multihash content identifiers: unsigned-varint code, unsigned-varint digest length, digest.
/// Written here because no multihash package is in the registry (Multiformats.Hash is not).
/// </summary>
public static class Multihash
{
    /// <summary>Multicodec code of SHA2-256.</summary>
    public const ulong Sha2_256 = 0x12;

    /// <summary>The largest digest accepted when decoding (SHA-512 and friends are 64 bytes).</summary>
    public const int MaxDigestLength = 128;

    /// <summary>The multihash of SHA-256(<paramref name="data"/>): 0x12 0x20 followed by the digest.</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> data) => Encode(Sha2_256, Hashes.Sha256(data));

    public static byte[] Encode(ulong code, ReadOnlySpan<byte> digest)
    {
        if (digest.Length > MaxDigestLength)
        {
            throw new ArgumentException($"digest is {digest.Length} bytes, over the {MaxDigestLength} limit", nameof(digest));
        }

        Span<byte> header = stackalloc byte[2 * UnsignedVarint.MaxLength];
        var n = UnsignedVarint.Write(code, header);
        n += UnsignedVarint.Write((ulong)digest.Length, header[n..]);
        var result = new byte[n + digest.Length];
        header[..n].CopyTo(result);
        digest.CopyTo(result.AsSpan(n));
        return result;
    }

    /// <summary>Decodes a whole multihash; throws <see cref="FormatException"/> only.</summary>
    public static (ulong Code, byte[] Digest) Decode(ReadOnlySpan<byte> bytes)
    {
        var code = UnsignedVarint.Read(bytes, out var n1);
        var length = UnsignedVarint.Read(bytes[n1..], out var n2);
        if (length > MaxDigestLength)
        {
            throw new FormatException($"multihash digest length {length} is over the {MaxDigestLength} limit");
        }

        var rest = bytes[(n1 + n2)..];
        if ((ulong)rest.Length != length)
        {
            throw new FormatException($"multihash declares a {length}-byte digest but {rest.Length} bytes follow");
        }

        if (code == Sha2_256 && length != 32)
        {
            throw new FormatException($"sha2-256 multihash must have a 32-byte digest, got {length}");
        }

        return (code, rest.ToArray());
    }

    /// <summary>True when <paramref name="bytes"/> is a sha2-256 multihash of <paramref name="data"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> data)
    {
        try
        {
            var (code, digest) = Decode(bytes);
            return code == Sha2_256 && digest.AsSpan().SequenceEqual(Hashes.Sha256(data));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
