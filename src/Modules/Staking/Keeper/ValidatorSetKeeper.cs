using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// EndBlock of staking: the bonded set is the top max_validators non-jailed validators by power (tokens / 10^6, ties to
/// the lower operator address); a validator that enters is bonded, one that leaves starts unbonding; one net transfer
/// moves the changed tokens between the pools. Then matured unbonding validators, delegations and redelegations
/// complete. The returned updates (changed powers, 0 for those that left) take effect at H+2.
/// </summary>
public sealed class ValidatorSetKeeper(StakingRecords records, StakingKeeper staking, IBankKeeper bank)
{
    public IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext ctx)
    {
        var updates = ApplyAndReturnValidatorSetUpdates(ctx);
        UnbondAllMatureValidators(ctx);
        var now = StakingKeeper.Now(ctx);
        foreach (var rest in records.DequeueMature(ctx.Store, StakingKeys.UnbondingQueue, now))
        {
            staking.CompleteUnbonding(ctx, rest[..Address.Size], rest[Address.Size..]);
        }

        foreach (var rest in records.DequeueMature(ctx.Store, StakingKeys.RedelegationQueue, now))
        {
            staking.CompleteRedelegation(ctx, rest[..Address.Size], rest[Address.Size..(2 * Address.Size)], rest[(2 * Address.Size)..]);
        }

        return updates;
    }

    public IReadOnlyList<ValidatorPowerUpdate> ApplyAndReturnValidatorSetUpdates(MsgContext ctx)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        var last = new Dictionary<string, long>();
        foreach (var (op, power) in records.LastPowers(store))
        {
            last[Convert.ToHexString(op)] = power;
        }

        var updates = new List<ValidatorPowerUpdate>();
        ulong notBondedToBonded = 0;
        ulong bondedToNotBonded = 0;
        long totalPower = 0;
        var count = 0;
        foreach (var op in records.ByPower(store))
        {
            if (count >= p.MaxValidators)
            {
                break;
            }

            var v = records.GetValidator(store, op)!;
            var power = StakingRecords.Power(v);
            if (power == 0)
            {
                break;
            }

            if (v.Status != BondStatus.Bonded)
            {
                notBondedToBonded += v.Tokens;
                BondValidator(ctx, v);
            }

            var key = Convert.ToHexString(op);
            if (!last.TryGetValue(key, out var before) || before != power)
            {
                updates.Add(new ValidatorPowerUpdate(v.ConsensusPubkey.ToByteArray(), power));
                records.SetLastPower(store, op, power);
                ctx.Events.Emit(StakingEvents.PowerChanged, ("validator", v.OperatorAddress), ("power", StakingEvents.N(power)));
            }

            last.Remove(key);
            count++;
            totalPower += power;
        }

        foreach (var key in last.Keys.Order(StringComparer.Ordinal))
        {
            var op = Convert.FromHexString(key);
            var v = records.GetValidator(store, op)!;
            bondedToNotBonded += v.Tokens;
            BeginUnbondingValidator(ctx, v, p.UnbondingTime);
            records.DeleteLastPower(store, op);
            updates.Add(new ValidatorPowerUpdate(v.ConsensusPubkey.ToByteArray(), 0));
            ctx.Events.Emit(StakingEvents.PowerChanged, ("validator", v.OperatorAddress), ("power", "0"));
        }

        if (notBondedToBonded > bondedToNotBonded)
        {
            StakingKeeper.Must(bank.Send(store, StakingAccounts.NotBondedPool, StakingAccounts.BondedPool, notBondedToBonded - bondedToNotBonded));
        }
        else if (bondedToNotBonded > notBondedToBonded)
        {
            StakingKeeper.Must(bank.Send(store, StakingAccounts.BondedPool, StakingAccounts.NotBondedPool, bondedToNotBonded - notBondedToBonded));
        }

        if (updates.Count > 0 || records.GetLastTotalPower(store) != totalPower)
        {
            records.SetLastTotalPower(store, totalPower);
        }

        return updates;
    }

    private void BondValidator(MsgContext ctx, Validator v)
    {
        var store = ctx.Store;
        var op = StakingRecords.Operator(v);
        if (v.Status == BondStatus.Unbonding)
        {
            records.Dequeue(store, StakingKeys.ValidatorQueueEntry(v.UnbondingTime, v.UnbondingHeight, op));
        }

        v.Status = BondStatus.Bonded;
        v.UnbondingHeight = 0;
        v.UnbondingTime = 0;
        records.SaveValidator(store, v);

        // Slashing starts (or restarts) counting the liveness window from here.
        var cons = StakingRecords.ConsensusAddress(v);
        var info = records.SigningInfoOrNew(store, cons, ctx.Block.Height);
        info.StartHeight = ctx.Block.Height;
        records.SetSigningInfo(store, cons, info);
        ctx.Events.Emit(StakingEvents.ValidatorBonded, ("validator", v.OperatorAddress), ("tokens", StakingEvents.N(v.Tokens)));
    }

    private void BeginUnbondingValidator(MsgContext ctx, Validator v, ulong unbondingTime)
    {
        v.Status = BondStatus.Unbonding;
        v.UnbondingHeight = ctx.Block.Height;
        v.UnbondingTime = StakingKeeper.Now(ctx) + (long)unbondingTime;
        records.SaveValidator(ctx.Store, v);
        records.Enqueue(ctx.Store, StakingKeys.ValidatorQueueEntry(v.UnbondingTime, v.UnbondingHeight, StakingRecords.Operator(v)));
        ctx.Events.Emit(StakingEvents.ValidatorUnbonding, ("validator", v.OperatorAddress), ("completion_time", StakingEvents.N(v.UnbondingTime)));
    }

    private void UnbondAllMatureValidators(MsgContext ctx)
    {
        foreach (var rest in records.DequeueMature(ctx.Store, StakingKeys.ValidatorQueue, StakingKeeper.Now(ctx)))
        {
            var op = rest[8..];
            var v = records.GetValidator(ctx.Store, op);
            if (v is null || v.Status != BondStatus.Unbonding)
            {
                continue;
            }

            v.Status = BondStatus.Unbonded;
            records.SaveValidator(ctx.Store, v);
            ctx.Events.Emit(StakingEvents.ValidatorUnbonded, ("validator", v.OperatorAddress));
            if (v.Shares().IsZero)
            {
                staking.Validators.RemoveValidator(ctx, v);
            }
        }
    }
}
