using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// Slash(h, power, f) of the SDK: the amount is f of the power the validator had at the infraction (power x 10^6);
/// unbonding entries and redelegations made from it at or after h that have not completed lose f of their initial
/// balance first (a redelegation's shares are unbonded at the destination and burned); the validator burns the rest,
/// at most its tokens. Distribution ends a period first so rewards before the slash are paid on the old stake.
/// </summary>
public sealed class SlashKeeper(StakingRecords records, StakingKeeper staking, DistributionKeeper distribution, IBankKeeper bank)
{
    /// <summary>Burns up to <paramref name="fraction"/> of the stake behind <paramref name="power"/>; returns the uchn burned.</summary>
    public ulong Slash(MsgContext ctx, byte[] cons, ulong infractionHeight, long power, Dec fraction, string reason)
    {
        var store = ctx.Store;
        var v = records.GetValidatorByCons(store, cons);
        if (v is null || v.Status == BondStatus.Unbonded)
        {
            // Nothing bonded is left to slash (its unbonding entries matured with it).
            return 0;
        }

        var amount = Dec.FromInt((ulong)power * StakingRecords.PowerReduction).Mul(fraction).TruncateInt();
        var remaining = amount;
        ulong burned = 0;
        var val = StakingRecords.Operator(v);
        if (infractionHeight < ctx.Block.Height)
        {
            foreach (var ubd in records.UnbondingsFrom(store, val).ToList())
            {
                var (slashed, burnt) = SlashUnbonding(ctx, ubd, infractionHeight, fraction);
                remaining -= slashed;
                burned += burnt;
            }

            foreach (var red in records.RedelegationsFrom(store, val).ToList())
            {
                var (slashed, burnt) = SlashRedelegation(ctx, red, infractionHeight, fraction);
                remaining -= slashed;
                burned += burnt;
            }

            v = records.GetValidator(store, val)!;
        }

        var tokensToBurn = remaining.Sign <= 0 ? 0UL : (ulong)System.Numerics.BigInteger.Min(remaining, v.Tokens);
        if (tokensToBurn > 0)
        {
            var effective = Dec.Min(Dec.FromInt(tokensToBurn).QuoRoundUp(Dec.FromInt(v.Tokens)), Dec.One);
            distribution.BeforeValidatorSlashed(store, v, effective, ctx.Block.Height);
            v.Tokens -= tokensToBurn;
            records.SaveValidator(store, v);
            var pool = v.Status == BondStatus.Bonded ? StakingAccounts.BondedPool : StakingAccounts.NotBondedPool;
            StakingKeeper.Must(bank.Burn(store, pool, tokensToBurn));
            burned += tokensToBurn;
        }

        ctx.Events.Emit(StakingEvents.Slash, ("validator", v.OperatorAddress), ("consensus_address", Address.ToBech32(cons, Address.ValidatorConsensusPrefix)),
            ("infraction_height", StakingEvents.N(infractionHeight)), ("power", StakingEvents.N(power)), ("fraction", fraction.ToString()),
            ("burned", StakingEvents.N(burned)), ("reason", reason));
        return burned;
    }

    /// <summary>Entries created at or after the infraction and not yet complete lose the fraction of their initial balance (capped at what is left).</summary>
    private (System.Numerics.BigInteger Slashed, ulong Burned) SlashUnbonding(MsgContext ctx, UnbondingDelegation ubd, ulong infractionHeight, Dec fraction)
    {
        var now = StakingKeeper.Now(ctx);
        System.Numerics.BigInteger total = 0;
        ulong burned = 0;
        foreach (var e in ubd.Entries)
        {
            if (e.CreationHeight < infractionHeight || e.CompletionTime <= now)
            {
                continue;
            }

            var slash = Dec.FromInt(e.InitialBalance).MulTruncate(fraction).TruncateU64();
            total += slash;
            var take = Math.Min(slash, e.Balance);
            if (take == 0)
            {
                continue;
            }

            burned += take;
            e.Balance -= take;
        }

        if (burned > 0)
        {
            var del = Address.FromBech32(ubd.DelegatorAddress);
            var val = Address.FromBech32(ubd.ValidatorAddress, Address.ValidatorOperatorPrefix);
            records.SaveUnbonding(ctx.Store, del, val, ubd);
            StakingKeeper.Must(bank.Burn(ctx.Store, StakingAccounts.NotBondedPool, burned));
        }

        return (total, burned);
    }

    /// <summary>
    /// Redelegation entries made at or after the infraction and not complete: the fraction of their destination shares
    /// is unbonded at the destination (at most what the delegation still holds) and burned from the pool holding it.
    /// </summary>
    private (System.Numerics.BigInteger Slashed, ulong Burned) SlashRedelegation(MsgContext ctx, Redelegation red, ulong infractionHeight, Dec fraction)
    {
        var store = ctx.Store;
        var now = StakingKeeper.Now(ctx);
        var del = Address.FromBech32(red.DelegatorAddress);
        var dst = Address.FromBech32(red.ValidatorDstAddress, Address.ValidatorOperatorPrefix);
        System.Numerics.BigInteger total = 0;
        ulong bondedBurn = 0;
        ulong notBondedBurn = 0;
        foreach (var e in red.Entries)
        {
            if (e.CreationHeight < infractionHeight || e.CompletionTime <= now)
            {
                continue;
            }

            total += Dec.FromInt(e.InitialBalance).MulTruncate(fraction).TruncateInt();
            var shares = fraction.MulTruncate(Dec.Parse(e.SharesDst));
            if (shares.IsZero)
            {
                continue;
            }

            var delegation = records.GetDelegation(store, del, dst);
            var destination = records.GetValidator(store, dst);
            if (delegation is null || destination is null)
            {
                continue; // the delegator left the destination; what it unbonded there is slashed with that validator's entries
            }

            shares = Dec.Min(shares, Dec.Parse(delegation.Shares));
            var status = destination.Status;
            var tokens = staking.Unbond(ctx, del, destination, shares);
            if (status == BondStatus.Bonded)
            {
                bondedBurn += tokens;
            }
            else
            {
                notBondedBurn += tokens;
            }
        }

        if (bondedBurn > 0)
        {
            StakingKeeper.Must(bank.Burn(store, StakingAccounts.BondedPool, bondedBurn));
        }

        if (notBondedBurn > 0)
        {
            StakingKeeper.Must(bank.Burn(store, StakingAccounts.NotBondedPool, notBondedBurn));
        }

        return (total, bondedBurn + notBondedBurn);
    }
}
