using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Handlers;

/// <summary>MsgCreateValidator: a validator operated by the signer, with its first self delegation.</summary>
public sealed class CreateValidatorHandler(StakingKeeper staking) : StakingMsgHandler<MsgCreateValidator>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgCreateValidator m) => ("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix);

    protected override ExecResult ValidateFields(MsgCreateValidator m)
    {
        if (!Secp256k1.IsValidPublicKey(m.Pubkey.Span))
        {
            return StakingErrors.Error(StakingErrors.InvalidConsensusKey, $"pubkey is not a 33-byte compressed secp256k1 key (got {m.Pubkey.Length} bytes)");
        }

        var r = DescriptionRules.Validate(m.Description, requireMoniker: true);
        r = r.IsOk ? CommissionRules.Validate(m.Commission) : r;
        r = r.IsOk ? Positive(m.Value, "value") : r;
        return r.IsOk ? Positive(m.MinSelfDelegation, "min_self_delegation") : r;
    }

    protected override ExecResult Handle(MsgContext context, MsgCreateValidator m) =>
        staking.CreateValidator(context, Signer(m), m.Pubkey.ToByteArray(), m.Description, m.Commission, m.MinSelfDelegation, m.Value);
}

/// <summary>Length limits of a validator's description (the SDK's).</summary>
public static class DescriptionRules
{
    public static ExecResult Validate(Description? d, bool requireMoniker)
    {
        if (d is null)
        {
            return requireMoniker ? StakingErrors.Error(StakingErrors.InvalidDescription, "description.moniker is required") : ExecResult.Ok;
        }

        if (requireMoniker && d.Moniker.Trim().Length == 0)
        {
            return StakingErrors.Error(StakingErrors.InvalidDescription, "description.moniker is required");
        }

        foreach (var (value, name, max) in new[] { (d.Moniker, "moniker", 70), (d.Identity, "identity", 3000), (d.Website, "website", 140), (d.SecurityContact, "security_contact", 140), (d.Details, "details", 280) })
        {
            if (value.Length > max)
            {
                return StakingErrors.Error(StakingErrors.InvalidDescription, $"description.{name} has {value.Length} characters, at most {max}");
            }
        }

        return ExecResult.Ok;
    }
}

/// <summary>The SDK's commission bounds: max_rate in [0, 1], rate in [0, max_rate], max_change_rate in [0, max_rate].</summary>
public static class CommissionRules
{
    public static ExecResult Validate(CommissionRates? c)
    {
        if (c is null)
        {
            return StakingErrors.Error(StakingErrors.InvalidCommission, "commission is required");
        }

        if (!Dec.TryParse(c.Rate, out var rate) || !Dec.TryParse(c.MaxRate, out var max) || !Dec.TryParse(c.MaxChangeRate, out var change))
        {
            return StakingErrors.Error(StakingErrors.InvalidCommission, $"commission rates must be decimals with at most 18 places (rate '{c.Rate}', max_rate '{c.MaxRate}', max_change_rate '{c.MaxChangeRate}')");
        }

        if (max.IsNegative || max > Dec.One)
        {
            return StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission max rate {max} must be from 0 to 1");
        }

        if (rate.IsNegative || rate > max)
        {
            return StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission rate {rate} must be from 0 to the max rate {max}");
        }

        return change.IsNegative || change > max
            ? StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission max change rate {change} must be from 0 to the max rate {max}")
            : ExecResult.Ok;
    }
}
