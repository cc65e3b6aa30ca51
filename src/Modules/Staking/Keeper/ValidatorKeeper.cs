using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// A validator's own record after creation: its description, commission and minimum self delegation (edit), and its
/// jailing, unjailing and removal. Delegations are <see cref="StakingKeeper"/>'s.
/// </summary>
public sealed class ValidatorKeeper(StakingRecords records, DistributionKeeper distribution)
{
    /// <summary>Commission rates may change once per this many seconds.</summary>
    public const long CommissionChangeInterval = 24 * 60 * 60;

    public ExecResult EditValidator(MsgContext ctx, byte[] op, Description? description, string commissionRate, ulong minSelfDelegation)
    {
        var store = ctx.Store;
        var v = records.GetValidator(store, op);
        if (v is null)
        {
            return StakingKeeper.UnknownValidator(op);
        }

        if (commissionRate.Length > 0)
        {
            var newRate = Dec.Parse(commissionRate);
            var rates = v.Commission.Rates;
            var now = StakingKeeper.Now(ctx);
            if (now - v.Commission.UpdateTime < CommissionChangeInterval)
            {
                return StakingErrors.Error(StakingErrors.CommissionChangeTooSoon,
                    $"commission changed at {v.Commission.UpdateTime} (Unix s); it may change again from {v.Commission.UpdateTime + CommissionChangeInterval}, it is {now}");
            }

            if (newRate > Dec.Parse(rates.MaxRate))
            {
                return StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission rate {newRate} is above the validator's max rate {rates.MaxRate}");
            }

            var minRate = Dec.Parse(records.GetParams(store).MinCommissionRate);
            if (newRate < minRate)
            {
                return StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission rate {newRate} is below the minimum commission rate {minRate}");
            }

            if (newRate - Dec.Parse(rates.Rate) > Dec.Parse(rates.MaxChangeRate))
            {
                return StakingErrors.Error(StakingErrors.CommissionChangeTooLarge,
                    $"commission rate {newRate} rises more than max_change_rate {rates.MaxChangeRate} above the current {rates.Rate}");
            }

            rates.Rate = newRate.ToString();
            v.Commission.UpdateTime = now;
        }

        if (minSelfDelegation != 0)
        {
            if (minSelfDelegation <= v.MinSelfDelegation)
            {
                return StakingErrors.Error(StakingErrors.MinSelfDelegationDecreased,
                    $"min_self_delegation may only rise: {minSelfDelegation} is not above the current {v.MinSelfDelegation}");
            }

            if (minSelfDelegation > v.Tokens)
            {
                return StakingErrors.Error(StakingErrors.SelfDelegationBelowMinimum,
                    $"min_self_delegation {minSelfDelegation} is above the validator's tokens {v.Tokens}");
            }

            v.MinSelfDelegation = minSelfDelegation;
        }

        if (description is not null)
        {
            var d = v.Description;
            if (description.Moniker.Length > 0)
            {
                d.Moniker = description.Moniker;
            }

            if (description.Identity.Length > 0)
            {
                d.Identity = description.Identity;
            }

            if (description.Website.Length > 0)
            {
                d.Website = description.Website;
            }

            if (description.SecurityContact.Length > 0)
            {
                d.SecurityContact = description.SecurityContact;
            }

            if (description.Details.Length > 0)
            {
                d.Details = description.Details;
            }
        }

        records.SaveValidator(store, v);
        ctx.Events.Emit(StakingEvents.EditValidator, ("validator", v.OperatorAddress), ("commission_rate", v.Commission.Rates.Rate),
            ("min_self_delegation", StakingEvents.N(v.MinSelfDelegation)));
        return ExecResult.Ok;
    }

    /// <summary>Jails a validator: it leaves the power index (and so the set at the next EndBlock) and stays slashable.</summary>
    public void JailValidator(MsgContext ctx, Validator v, string reason)
    {
        if (v.Jailed)
        {
            return;
        }

        v.Jailed = true;
        records.SaveValidator(ctx.Store, v);
        ctx.Events.Emit(StakingEvents.Jail, ("validator", v.OperatorAddress), ("reason", reason));
    }

    public void UnjailValidator(MsgContext ctx, Validator v)
    {
        v.Jailed = false;
        records.SaveValidator(ctx.Store, v);
        ctx.Events.Emit(StakingEvents.Unjail, ("validator", v.OperatorAddress));
    }

    /// <summary>Deletes an unbonded validator with no tokens and no shares; its leftover rewards go as distribution says.</summary>
    public void RemoveValidator(MsgContext ctx, Validator v)
    {
        if (v.Tokens != 0 || v.Status != BondStatus.Unbonded)
        {
            throw new InvalidOperationException($"cannot remove validator {v.OperatorAddress} with {v.Tokens} tokens in status {v.Status}");
        }

        distribution.AfterValidatorRemoved(ctx, v);
        records.DeleteValidator(ctx.Store, v);
        ctx.Events.Emit(StakingEvents.ValidatorRemoved, ("validator", v.OperatorAddress));
    }
}
