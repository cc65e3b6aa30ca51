using System.Globalization;
using Chain.State.Types;

namespace Chain.Node.Config;

/// <summary>A price per unit of gas such as "0.01uchn": a non-negative decimal amount of a denomination.</summary>
public sealed record GasPrice(decimal Amount, string Denom)
{
    public const string Expected = "a non-negative decimal amount followed by a denomination, e.g. 0.01uchn";

    public static bool TryParse(string? text, out GasPrice price)
    {
        price = new GasPrice(0m, Coins.BaseDenom);
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        if (!Coins.TrySplit(text, out var number, out var denom)
            || !Coins.IsValidDenom(denom)
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        price = new GasPrice(amount, denom);
        return true;
    }

    /// <summary>The smallest whole fee that pays this price for <paramref name="gas"/> units (rounded up).</summary>
    public ulong FeeFor(ulong gas)
    {
        var fee = decimal.Ceiling(Amount * gas);
        return fee > ulong.MaxValue ? ulong.MaxValue : (ulong)fee;
    }

    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Denom;
}
