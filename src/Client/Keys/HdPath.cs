using NBitcoin;

namespace Chain.Client.Keys;

/// <summary>
/// A BIP-32 derivation path such as m/44'/118'/0'/0/0 (the Cosmos HD path, this chain's default: coin type 118 as
/// in the Cosmos SDK, so a mnemonic gives the same private key here as in a Cosmos wallet). Parsed by NBitcoin's
/// <see cref="KeyPath"/>, which refuses indices beyond 2^31-1.
/// </summary>
public sealed record HdPath
{
    public const uint CosmosCoinType = 118;
    public const int MaxDepth = 16;

    private HdPath(KeyPath path)
    {
        KeyPath = path;
    }

    public KeyPath KeyPath { get; }

    /// <summary>m/44'/118'/0'/0/0.</summary>
    public static HdPath Default { get; } = Bip44(0, 0);

    /// <summary>m/44'/118'/<paramref name="account"/>'/0/<paramref name="index"/>.</summary>
    public static HdPath Bip44(uint account, uint index)
    {
        if (account >= 0x80000000u || index >= 0x80000000u)
        {
            throw new KeyringException($"account and index are below 2147483648 (got account {account}, index {index})");
        }

        return Parse($"m/44'/{CosmosCoinType}'/{account}'/0/{index}");
    }

    public static HdPath Parse(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("m/", StringComparison.Ordinal) || trimmed.Length > 200)
        {
            throw new KeyringException($"invalid HD path '{text}': expected m/ then up to {MaxDepth} indices such as m/44'/118'/0'/0/0");
        }

        if (!KeyPath.TryParse(trimmed, out var path) || path is null || path.Indexes.Length == 0 || path.Indexes.Length > MaxDepth)
        {
            throw new KeyringException($"invalid HD path '{text}': expected m/ then 1 to {MaxDepth} indices below 2147483648, each hardened with ' or not, such as m/44'/118'/0'/0/0");
        }

        return new HdPath(path);
    }

    public override string ToString() => "m/" + KeyPath;
}
