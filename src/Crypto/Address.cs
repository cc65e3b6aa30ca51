using System.Buffers.Binary;

namespace Chain.Crypto;

/// <summary>
/// Account and validator addresses: the first 20 bytes of SHA-256 of the compressed public key,
/// shown as bech32 with the prefix <see cref="AccountPrefix"/> or <see cref="ValidatorOperatorPrefix"/>.
/// </summary>
public static class Address
{
    public const int Size = 20;
    public const string AccountPrefix = "chain";
    public const string ValidatorOperatorPrefix = "chainvaloper";

    /// <summary>The prefix of a consensus address (from the consensus key), as signing infos show it.</summary>
    public const string ValidatorConsensusPrefix = "chainvalcons";

    public static byte[] FromPublicKey(ReadOnlySpan<byte> compressedPublicKey)
    {
        Span<byte> hash = stackalloc byte[Hashes.Sha256Size];
        Hashes.Sha256(compressedPublicKey, hash);
        return hash[..Size].ToArray();
    }

    /// <summary>
    /// How many account addresses each direction remembers. A transfer's two addresses are decoded about four times and
    /// encoded about twice on every node (decode, ValidateBasic, signer, handler, events), and the same accounts send
    /// again and again; a bech32 checksum costs ~0.5 us, a lookup a tenth of it. Full, a cache is emptied and refills,
    /// so whatever addresses a peer or client sends, it never holds more than this many (a few MB).
    /// </summary>
    public const int CacheSize = 16_384;

    private static readonly RecentValues<string, byte[]> Decoded = new(StringComparer.Ordinal, CacheSize);
    private static readonly RecentValues<(ulong, ulong, uint), string> Encoded = new(EqualityComparer<(ulong, ulong, uint)>.Default, CacheSize);

    public static string ToBech32(ReadOnlySpan<byte> address, string prefix = AccountPrefix)
    {
        if (address.Length != Size || !ReferenceEquals(prefix, AccountPrefix) && prefix != AccountPrefix)
        {
            return Bech32.Encode(prefix, address);
        }

        var key = (BinaryPrimitives.ReadUInt64LittleEndian(address), BinaryPrimitives.ReadUInt64LittleEndian(address[8..]), BinaryPrimitives.ReadUInt32LittleEndian(address[16..]));
        if (Encoded.Map.TryGetValue(key, out var text))
        {
            return text;
        }

        text = Bech32.Encode(prefix, address);
        Encoded.Remember(key, text);
        return text;
    }

    /// <summary>Decodes a bech32 address with the expected prefix; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static byte[] FromBech32(string text, string prefix = AccountPrefix)
    {
        var cache = ReferenceEquals(prefix, AccountPrefix) || prefix == AccountPrefix;
        if (cache && Decoded.Map.TryGetValue(text, out var known))
        {
            return known.AsSpan().ToArray(); // a copy: callers may keep or change what they get
        }

        var (hrp, data) = Bech32.Decode(text);
        if (hrp != prefix)
        {
            throw new FormatException($"address '{text}' has prefix '{hrp}', expected '{prefix}'");
        }

        if (data.Length != Size)
        {
            throw new FormatException($"address '{text}' holds {data.Length} bytes, expected {Size}");
        }

        if (cache)
        {
            Decoded.Remember(text, data.AsSpan().ToArray());
        }

        return data;
    }

    /// <summary>Like <see cref="FromBech32"/> but reports failure instead of throwing.</summary>
    public static bool TryFromBech32(string? text, out byte[] address, out string error, string prefix = AccountPrefix)
    {
        address = [];
        error = string.Empty;
        if (string.IsNullOrEmpty(text))
        {
            error = "address is empty";
            return false;
        }

        try
        {
            address = FromBech32(text, prefix);
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }
}
