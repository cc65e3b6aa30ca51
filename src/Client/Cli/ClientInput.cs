using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Types;

namespace Chain.Client.Cli;

/// <summary>Checks what a user typed (addresses, amounts, hashes) before anything is sent to a node.</summary>
public static class ClientInput
{
    public static string AccountAddress(string text, string what)
    {
        if (!Address.TryFromBech32(text, out _, out var error))
        {
            throw new CliException($"invalid {what} '{text}': {error}");
        }

        return text;
    }

    /// <summary>A validator's operator address (chainvaloper...).</summary>
    public static string ValidatorAddress(string text, string what)
    {
        if (!Address.TryFromBech32(text, out _, out var error, Address.ValidatorOperatorPrefix))
        {
            throw new CliException($"invalid {what} '{text}': {error}");
        }

        return text;
    }

    /// <summary>One amount above 0 in the base denomination: "5000000uchn" or "5chn".</summary>
    public static ulong Uchn(string text, string what)
    {
        var coins = Coins(text, what, allowZero: false);
        if (coins.Count != 1 || coins[0].Denom != Chain.State.Types.Coins.BaseDenom)
        {
            throw new CliException($"invalid {what} '{text}': one amount in {Chain.State.Types.Coins.BaseDenom} or {Chain.State.Types.Coins.DisplayDenom}, e.g. 5000000uchn or 5chn");
        }

        return coins[0].Amount;
    }

    /// <summary>Comma-separated coins such as "1500uchn" or "1.5chn,10uatom"; each denomination once.</summary>
    public static List<Coin> Coins(string text, string what, bool allowZero)
    {
        var coins = new List<Coin>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Chain.State.Types.Coins.TryParse(part, out var coin, out var error))
            {
                throw new CliException($"invalid {what}: {error}");
            }

            if (coins.Any(c => c.Denom == coin.Denom))
            {
                throw new CliException($"invalid {what} '{text}': {coin.Denom} appears more than once");
            }

            if (coin.Amount == 0 && !allowZero)
            {
                throw new CliException($"invalid {what} '{text}': amounts must be above 0");
            }

            if (coin.Amount > 0)
            {
                coins.Add(coin);
            }
        }

        if (coins.Count == 0 && !allowZero)
        {
            throw new CliException($"invalid {what} '{text}': nothing to send");
        }

        return coins;
    }

    public static byte[] TxHash(string text)
    {
        var hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != Hashes.Sha256Size * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new CliException($"invalid tx hash '{text}': expected {Hashes.Sha256Size * 2} hex characters");
        }

        return Convert.FromHexString(hex);
    }

    public static string Denom(string text)
    {
        if (!Chain.State.Types.Coins.IsValidDenom(text))
        {
            throw new CliException($"invalid denomination '{text}': 3 to 16 lower-case letters or digits, starting with a letter");
        }

        return text;
    }
}
