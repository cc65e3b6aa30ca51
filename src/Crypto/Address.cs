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

    public static string ToBech32(ReadOnlySpan<byte> address, string prefix = AccountPrefix) => Bech32.Encode(prefix, address);

    /// <summary>Decodes a bech32 address with the expected prefix; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static byte[] FromBech32(string text, string prefix = AccountPrefix)
    {
        var (hrp, data) = Bech32.Decode(text);
        if (hrp != prefix)
        {
            throw new FormatException($"address '{text}' has prefix '{hrp}', expected '{prefix}'");
        }

        if (data.Length != Size)
        {
            throw new FormatException($"address '{text}' holds {data.Length} bytes, expected {Size}");
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
