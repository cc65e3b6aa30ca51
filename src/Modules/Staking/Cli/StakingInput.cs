using System.Globalization;
using Chain.Client.Cli;
using Chain.Crypto;
using Chain.Modules.Staking.Handlers;
using Chain.Proto.Staking;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Staking.Cli;

/// <summary>Checks of what a user typed for the staking module's commands, before anything is sent to a node.</summary>
internal static class StakingInput
{
    /// <summary>uchn above 0: a plain number ("10000000000", as the SDK's --amount examples), "10000uchn" or "1.5chn".</summary>
    public static ulong Amount(string text, string what)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || !trimmed.All(char.IsAsciiDigit))
        {
            return ClientInput.Uchn(text, what);
        }

        if (!ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw new CliException($"invalid {what} '{text}': does not fit in 64 bits");
        }

        return amount == 0 ? throw new CliException($"invalid {what} '{text}': amounts must be above 0") : amount;
    }

    /// <summary>A commission rate: a decimal from 0 to 1 with at most 18 places.</summary>
    public static Dec Rate(string text, string what) =>
        Dec.TryParse(text.Trim(), out var rate) && !rate.IsNegative && rate <= Dec.One
            ? rate
            : throw new CliException($"invalid {what} '{text}': a decimal from 0 to 1 with at most 18 places, e.g. 0.10");

    /// <summary>A consensus public key: 33-byte compressed secp256k1, 66 hex characters (0x allowed).</summary>
    public static ByteString ConsensusKey(string text, string what)
    {
        var hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != Secp256k1.CompressedPublicKeySize * 2 || !hex.All(char.IsAsciiHexDigit) || !Secp256k1.IsValidPublicKey(Convert.FromHexString(hex)))
        {
            throw new CliException($"invalid {what} '{text}': expected a 33-byte compressed secp256k1 public key as {Secp256k1.CompressedPublicKeySize * 2} hex characters");
        }

        return ByteString.CopyFrom(Convert.FromHexString(hex));
    }

    /// <summary>A block height above 0.</summary>
    public static ulong Height(ulong height, string what) =>
        height == 0 ? throw new CliException($"invalid {what}: heights start at 1") : height;

    /// <summary>A description checked by the handlers' own rules (moniker, length limits), with errors naming the options.</summary>
    public static Description Description(string? moniker, string? identity, string? website, string? securityContact, string? details, bool requireMoniker)
    {
        var description = new Description
        {
            Moniker = moniker ?? string.Empty,
            Identity = identity ?? string.Empty,
            Website = website ?? string.Empty,
            SecurityContact = securityContact ?? string.Empty,
            Details = details ?? string.Empty,
        };
        var check = DescriptionRules.Validate(description, requireMoniker);
        return check.IsOk ? description : throw new CliException(check.Log.Replace("description.", "--", StringComparison.Ordinal).Replace('_', '-'));
    }
}
