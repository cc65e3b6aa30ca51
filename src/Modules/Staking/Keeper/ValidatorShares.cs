using System.Numerics;
using Chain.Proto.Staking;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// The exchange between a validator's tokens and its delegators' shares, with the SDK's rounding: a first delegation
/// gets shares = tokens, later ones S·T_j/T (truncated); shares are paid out as S_j·T/S (rounded, then truncated to
/// whole uchn), and the last shares out take every remaining token.
/// </summary>
public static class ValidatorShares
{
    public static Dec Shares(this Validator v) => Dec.ParseOrZero(v.DelegatorShares);

    /// <summary>What <paramref name="shares"/> are worth, rounded at 18 places.</summary>
    public static Dec TokensFromShares(this Validator v, Dec shares) => shares.MulInt(v.Tokens).Quo(v.Shares());

    /// <summary>What <paramref name="shares"/> are worth, truncated at 18 places.</summary>
    public static Dec TokensFromSharesTruncated(this Validator v, Dec shares) => shares.MulInt(v.Tokens).QuoTruncate(v.Shares());

    /// <summary>The shares <paramref name="tokens"/> buy (the validator must hold tokens).</summary>
    public static Dec SharesFromTokens(this Validator v, ulong tokens) => v.Shares().MulInt(tokens).QuoInt(new BigInteger(v.Tokens));

    public static Dec SharesFromTokensTruncated(this Validator v, ulong tokens) => v.Shares().MulInt(tokens).QuoTruncate(Dec.FromInt(v.Tokens));

    /// <summary>Whether the validator holds shares but no tokens (every delegation to it would be worth nothing).</summary>
    public static bool InvalidExchangeRate(this Validator v) => v.Tokens == 0 && v.Shares().IsPositive;

    /// <summary>Adds delegated tokens and returns the shares issued for them.</summary>
    public static Dec AddTokensFromDelegation(this Validator v, ulong amount)
    {
        var issued = v.Shares().IsZero ? Dec.FromInt(amount) : v.SharesFromTokens(amount);
        v.Tokens = checked(v.Tokens + amount);
        v.DelegatorShares = (v.Shares() + issued).ToString();
        return issued;
    }

    /// <summary>Removes shares and returns the tokens they were worth (all remaining tokens for the last shares).</summary>
    public static ulong RemoveDelegatorShares(this Validator v, Dec shares)
    {
        var remaining = v.Shares() - shares;
        ulong issued;
        if (remaining.IsZero)
        {
            issued = v.Tokens;
            v.Tokens = 0;
        }
        else
        {
            issued = v.TokensFromShares(shares).TruncateU64();
            v.Tokens = checked(v.Tokens - issued);
        }

        v.DelegatorShares = remaining.ToString();
        return issued;
    }
}
