using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// Validators and delegations (Cosmos SDK x/staking): create validators (<see cref="ValidatorKeeper"/> edits, jails and removes them), delegate, undelegate, redelegate,
/// cancel an unbonding, complete matured entries. Coins move between accounts and the bonded and not-bonded pools;
/// every delegation change withdraws its rewards first and restarts its F1 starting info after (<see cref="DistributionKeeper"/>).
/// Every method checks everything before it writes, so an error leaves state as it was.
/// </summary>
public sealed class StakingKeeper(StakingRecords records, DistributionKeeper distribution, IBankKeeper bank)
{
    public StakingRecords Records => records;

    /// <summary>Edit, jail, unjail and removal of validators.</summary>
    public ValidatorKeeper Validators { get; } = new(records, distribution);

    public static long Now(MsgContext ctx) => ctx.Block.TimeUnixNanos / 1_000_000_000;

    // Validators

    public ExecResult CreateValidator(MsgContext ctx, byte[] op, byte[] pubkey, Description description, CommissionRates rates, ulong minSelfDelegation, ulong value)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        if (records.GetValidator(store, op) is not null)
        {
            return StakingErrors.Error(StakingErrors.ValidatorExists, $"validator {StakingRecords.OperatorText(op)} already exists");
        }

        var cons = Address.FromPublicKey(pubkey);
        if (records.OperatorByCons(store, cons) is { } other)
        {
            return StakingErrors.Error(StakingErrors.ConsensusKeyInUse,
                $"consensus key {Convert.ToHexStringLower(pubkey)} is already used by validator {StakingRecords.OperatorText(other)}");
        }

        var rate = Dec.Parse(rates.Rate);
        var minRate = Dec.Parse(p.MinCommissionRate);
        if (rate < minRate)
        {
            return StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission rate {rates.Rate} is below the minimum commission rate {p.MinCommissionRate}");
        }

        if (value < minSelfDelegation)
        {
            return StakingErrors.Error(StakingErrors.SelfDelegationBelowMinimum,
                $"self delegation {value}uchn is below the validator's min_self_delegation {minSelfDelegation}uchn");
        }

        var have = bank.GetBalance(store, op, Coins.BaseDenom);
        if (have < value)
        {
            return StakingErrors.Error(StakingErrors.InsufficientFunds, $"{StakingRecords.AccountText(op)} has {have}uchn, cannot self-delegate {value}uchn");
        }

        var v = new Validator
        {
            OperatorAddress = StakingRecords.OperatorText(op),
            ConsensusPubkey = Google.Protobuf.ByteString.CopyFrom(pubkey),
            Status = BondStatus.Unbonded,
            Tokens = 0,
            DelegatorShares = Dec.Zero.ToString(),
            Description = description.Clone(),
            Commission = new Commission { Rates = Normalise(rates), UpdateTime = Now(ctx) },
            MinSelfDelegation = minSelfDelegation,
        };
        records.SaveValidator(store, v);
        distribution.InitializeValidator(store, op);
        ctx.Events.Emit(StakingEvents.CreateValidator, ("validator", v.OperatorAddress), ("consensus_address", Address.ToBech32(cons, Address.ValidatorConsensusPrefix)),
            ("amount", StakingEvents.N(value)), ("commission_rate", rate.ToString()));
        return Delegate(ctx, op, v, value, BondStatus.Unbonded, subtractAccount: true, out _);
    }

    // Delegation

    /// <summary>MsgDelegate: bonds <paramref name="amount"/> from the delegator's account to the validator (jailed or not).</summary>
    public ExecResult Delegate(MsgContext ctx, byte[] del, byte[] val, ulong amount)
    {
        var v = records.GetValidator(ctx.Store, val);
        if (v is null)
        {
            return UnknownValidator(val);
        }

        var have = bank.GetBalance(ctx.Store, del, Coins.BaseDenom);
        if (have < amount)
        {
            return StakingErrors.Error(StakingErrors.InsufficientFunds, $"{StakingRecords.AccountText(del)} has {have}uchn, cannot delegate {amount}uchn");
        }

        return Delegate(ctx, del, v, amount, BondStatus.Unbonded, subtractAccount: true, out _);
    }

    /// <summary>
    /// Adds <paramref name="amount"/> tokens to a delegation: from the delegator's account when
    /// <paramref name="subtractAccount"/>, otherwise from the pool of <paramref name="tokenSource"/> (redelegation,
    /// cancelled unbonding). Rewards so far are withdrawn first.
    /// </summary>
    public ExecResult Delegate(MsgContext ctx, byte[] del, Validator v, ulong amount, BondStatus tokenSource, bool subtractAccount, out Dec newShares)
    {
        newShares = Dec.Zero;
        var store = ctx.Store;
        if (v.InvalidExchangeRate())
        {
            return StakingErrors.Error(StakingErrors.InvalidExchangeRate,
                $"validator {v.OperatorAddress} has shares but no tokens (slashed to zero): delegating to it would be worth nothing");
        }

        var val = StakingRecords.Operator(v);
        var delegation = records.GetDelegation(store, del, val);
        if (delegation is null)
        {
            distribution.IncrementValidatorPeriod(store, v);
            delegation = new Delegation { DelegatorAddress = StakingRecords.AccountText(del), ValidatorAddress = v.OperatorAddress, Shares = Dec.Zero.ToString() };
        }
        else
        {
            distribution.WithdrawDelegationRewards(ctx, v, delegation);
        }

        var toBonded = v.Status == BondStatus.Bonded;
        if (subtractAccount)
        {
            Must(bank.Send(store, del, toBonded ? StakingAccounts.BondedPool : StakingAccounts.NotBondedPool, amount));
        }
        else
        {
            var fromBonded = tokenSource == BondStatus.Bonded;
            if (fromBonded && !toBonded)
            {
                Must(bank.Send(store, StakingAccounts.BondedPool, StakingAccounts.NotBondedPool, amount));
            }
            else if (!fromBonded && toBonded)
            {
                Must(bank.Send(store, StakingAccounts.NotBondedPool, StakingAccounts.BondedPool, amount));
            }
        }

        newShares = v.AddTokensFromDelegation(amount);
        records.SaveValidator(store, v);
        var shares = Dec.Parse(delegation.Shares) + newShares;
        delegation.Shares = shares.ToString();
        records.SetDelegation(store, del, val, delegation);
        distribution.InitializeDelegation(store, v, del, shares, ctx.Block.Height);
        ctx.Events.Emit(StakingEvents.Delegate, ("delegator", delegation.DelegatorAddress), ("validator", v.OperatorAddress), ("amount", StakingEvents.N(amount)),
            ("new_shares", newShares.ToString()));
        return ExecResult.Ok;
    }

    /// <summary>
    /// The shares that <paramref name="amount"/> tokens of a delegation are (capped at the delegation's shares when
    /// rounding overshoots); an error when the delegation is worth less.
    /// </summary>
    public ExecResult SharesForAmount(IStateReader state, byte[] del, Validator v, ulong amount, out Dec shares)
    {
        shares = Dec.Zero;
        var delegation = records.GetDelegation(state, del, StakingRecords.Operator(v));
        if (delegation is null)
        {
            return StakingErrors.Error(StakingErrors.NoDelegation, $"{StakingRecords.AccountText(del)} has no delegation to {v.OperatorAddress}");
        }

        if (v.Tokens == 0)
        {
            return StakingErrors.Error(StakingErrors.InvalidExchangeRate, $"validator {v.OperatorAddress} has no tokens");
        }

        var held = Dec.Parse(delegation.Shares);
        shares = v.SharesFromTokens(amount);
        var truncated = v.SharesFromTokensTruncated(amount);
        if (truncated > held)
        {
            return StakingErrors.Error(StakingErrors.InsufficientShares,
                $"{StakingRecords.AccountText(del)} holds {v.TokensFromSharesTruncated(held).TruncateInt()}uchn with {v.OperatorAddress}, less than {amount}uchn");
        }

        if (shares > held)
        {
            shares = held;
        }

        return shares.IsPositive ? ExecResult.Ok : StakingErrors.Error(StakingErrors.InvalidAmount, $"{amount}uchn is worth no shares of {v.OperatorAddress}");
    }

    /// <summary>
    /// Removes <paramref name="shares"/> from a delegation (withdrawing its rewards first) and the tokens they are worth
    /// from the validator; jails an operator whose self delegation falls below its minimum; removes an unbonded
    /// validator left without shares. Moves no coins. The caller has checked the shares are held.
    /// </summary>
    public ulong Unbond(MsgContext ctx, byte[] del, Validator v, Dec shares)
    {
        var store = ctx.Store;
        var val = StakingRecords.Operator(v);
        var delegation = records.GetDelegation(store, del, val)!;
        distribution.WithdrawDelegationRewards(ctx, v, delegation);
        var remaining = Dec.Parse(delegation.Shares) - shares;
        if (remaining.IsNegative)
        {
            throw new InvalidOperationException($"unbonding {shares} shares from a delegation of {delegation.Shares}");
        }

        var isOperator = del.AsSpan().SequenceEqual(val);
        if (isOperator && !v.Jailed && v.TokensFromShares(remaining).TruncateInt() < v.MinSelfDelegation)
        {
            Validators.JailValidator(ctx, v, "self delegation below min_self_delegation");
        }

        if (remaining.IsZero)
        {
            records.DeleteDelegation(store, del, val);
        }
        else
        {
            // As the SDK: the new starting stake is valued at the exchange rate before the shares leave.
            delegation.Shares = remaining.ToString();
            records.SetDelegation(store, del, val, delegation);
            distribution.InitializeDelegation(store, v, del, remaining, ctx.Block.Height);
        }

        var amount = v.RemoveDelegatorShares(shares);
        records.SaveValidator(store, v);

        if (v.Shares().IsZero && v.Status == BondStatus.Unbonded)
        {
            Validators.RemoveValidator(ctx, v);
        }

        return amount;
    }

    /// <summary>MsgUndelegate: unbonds <paramref name="amount"/> worth of shares; the tokens are paid after the unbonding time.</summary>
    public ExecResult Undelegate(MsgContext ctx, byte[] del, byte[] val, ulong amount, out long completionTime)
    {
        completionTime = 0;
        var store = ctx.Store;
        var v = records.GetValidator(store, val);
        if (v is null)
        {
            return UnknownValidator(val);
        }

        var r = SharesForAmount(store, del, v, amount, out var shares);
        if (!r.IsOk)
        {
            return r;
        }

        var p = records.GetParams(store);
        var ubd = records.GetUnbonding(store, del, val) ?? new UnbondingDelegation { DelegatorAddress = StakingRecords.AccountText(del), ValidatorAddress = v.OperatorAddress };
        if (ubd.Entries.Count >= p.MaxEntries)
        {
            return StakingErrors.Error(StakingErrors.TooManyEntries,
                $"{ubd.DelegatorAddress} already has {ubd.Entries.Count} unbonding entries with {v.OperatorAddress} (max_entries {p.MaxEntries}); wait for one to complete");
        }

        var wasBonded = v.Status == BondStatus.Bonded;
        var returned = Unbond(ctx, del, v, shares);
        if (wasBonded && returned > 0)
        {
            Must(bank.Send(store, StakingAccounts.BondedPool, StakingAccounts.NotBondedPool, returned));
        }

        completionTime = Now(ctx) + (long)p.UnbondingTime;
        ubd.Entries.Add(new UnbondingDelegationEntry { CreationHeight = ctx.Block.Height, CompletionTime = completionTime, InitialBalance = returned, Balance = returned });
        records.SaveUnbonding(store, del, val, ubd);
        records.Enqueue(store, StakingKeys.UnbondingQueueEntry(completionTime, del, val));
        ctx.Events.Emit(StakingEvents.Unbond, ("delegator", ubd.DelegatorAddress), ("validator", v.OperatorAddress), ("amount", StakingEvents.N(returned)),
            ("completion_time", StakingEvents.N(completionTime)));
        return ExecResult.Ok;
    }

    public ExecResult BeginRedelegate(MsgContext ctx, byte[] del, byte[] src, byte[] dst, ulong amount, out long completionTime)
    {
        completionTime = 0;
        var store = ctx.Store;
        if (src.AsSpan().SequenceEqual(dst))
        {
            return StakingErrors.Error(StakingErrors.SelfRedelegation, "cannot redelegate to the same validator");
        }

        var source = records.GetValidator(store, src);
        if (source is null)
        {
            return UnknownValidator(src);
        }

        var destination = records.GetValidator(store, dst);
        if (destination is null)
        {
            return UnknownValidator(dst);
        }

        if (destination.InvalidExchangeRate())
        {
            return StakingErrors.Error(StakingErrors.InvalidExchangeRate, $"validator {destination.OperatorAddress} has shares but no tokens");
        }

        if (records.HasReceivingRedelegation(store, del, src))
        {
            return StakingErrors.Error(StakingErrors.TransitiveRedelegation,
                $"{StakingRecords.AccountText(del)} redelegated to {source.OperatorAddress} and that redelegation has not completed; it cannot be redelegated on");
        }

        var p = records.GetParams(store);
        var red = records.GetRedelegation(store, del, src, dst) ?? new Redelegation
        {
            DelegatorAddress = StakingRecords.AccountText(del),
            ValidatorSrcAddress = source.OperatorAddress,
            ValidatorDstAddress = destination.OperatorAddress,
        };
        if (red.Entries.Count >= p.MaxEntries)
        {
            return StakingErrors.Error(StakingErrors.TooManyEntries,
                $"{red.DelegatorAddress} already has {red.Entries.Count} redelegation entries from {source.OperatorAddress} to {destination.OperatorAddress} (max_entries {p.MaxEntries})");
        }

        var r = SharesForAmount(store, del, source, amount, out var shares);
        if (!r.IsOk)
        {
            return r;
        }

        if (source.TokensFromShares(shares).TruncateInt().IsZero)
        {
            return StakingErrors.Error(StakingErrors.TinyRedelegation, $"{amount}uchn of {source.OperatorAddress} is worth no whole uchn");
        }

        var sourceStatus = source.Status;
        var sourceUnbondingTime = source.UnbondingTime;
        var returned = Unbond(ctx, del, source, shares);
        destination = records.GetValidator(store, dst)!;
        r = Delegate(ctx, del, destination, returned, sourceStatus, subtractAccount: false, out var sharesDst);
        if (!r.IsOk)
        {
            return r;
        }

        var now = Now(ctx);
        completionTime = sourceStatus switch
        {
            BondStatus.Bonded => now + (long)p.UnbondingTime,
            BondStatus.Unbonding => sourceUnbondingTime,
            _ => now,
        };
        ctx.Events.Emit(StakingEvents.Redelegate, ("delegator", red.DelegatorAddress), ("source_validator", red.ValidatorSrcAddress),
            ("destination_validator", red.ValidatorDstAddress), ("amount", StakingEvents.N(returned)), ("completion_time", StakingEvents.N(completionTime)));
        if (completionTime <= now)
        {
            return ExecResult.Ok; // from an unbonded validator: nothing left to slash, nothing to wait for
        }

        red.Entries.Add(new RedelegationEntry { CreationHeight = ctx.Block.Height, CompletionTime = completionTime, InitialBalance = returned, SharesDst = sharesDst.ToString() });
        records.SaveRedelegation(store, del, src, dst, red);
        records.Enqueue(store, StakingKeys.RedelegationQueueEntry(completionTime, del, src, dst));
        return ExecResult.Ok;
    }

    public ExecResult CancelUnbonding(MsgContext ctx, byte[] del, byte[] val, ulong amount, ulong creationHeight)
    {
        var store = ctx.Store;
        var v = records.GetValidator(store, val);
        if (v is null)
        {
            return UnknownValidator(val);
        }

        if (v.Jailed)
        {
            return StakingErrors.Error(StakingErrors.ValidatorJailed, $"validator {v.OperatorAddress} is jailed: unbonding from it cannot be cancelled");
        }

        var ubd = records.GetUnbonding(store, del, val);
        var index = -1;
        for (var i = 0; ubd is not null && i < ubd.Entries.Count; i++)
        {
            if (ubd.Entries[i].CreationHeight == creationHeight)
            {
                index = i;
                break;
            }
        }

        if (ubd is null || index < 0)
        {
            return StakingErrors.Error(StakingErrors.UnknownUnbondingEntry,
                $"{StakingRecords.AccountText(del)} has no unbonding entry with {v.OperatorAddress} created at height {creationHeight}");
        }

        var entry = ubd.Entries[index];
        if (entry.CompletionTime <= Now(ctx))
        {
            return StakingErrors.Error(StakingErrors.UnbondingEntryMatured, $"the unbonding entry of height {creationHeight} completed at {entry.CompletionTime}");
        }

        if (amount > entry.Balance)
        {
            return StakingErrors.Error(StakingErrors.InsufficientShares, $"the unbonding entry of height {creationHeight} holds {entry.Balance}uchn, less than {amount}uchn");
        }

        var r = Delegate(ctx, del, v, amount, BondStatus.Unbonding, subtractAccount: false, out _);
        if (!r.IsOk)
        {
            return r;
        }

        entry.Balance -= amount;
        entry.InitialBalance -= Math.Min(amount, entry.InitialBalance);
        if (entry.Balance == 0)
        {
            ubd.Entries.RemoveAt(index);
        }

        records.SaveUnbonding(store, del, val, ubd);
        ctx.Events.Emit(StakingEvents.CancelUnbonding, ("delegator", ubd.DelegatorAddress), ("validator", v.OperatorAddress), ("amount", StakingEvents.N(amount)),
            ("creation_height", StakingEvents.N(creationHeight)));
        return ExecResult.Ok;
    }

    /// <summary>Pays out the matured entries of an unbonding delegation from the not-bonded pool.</summary>
    public void CompleteUnbonding(MsgContext ctx, byte[] del, byte[] val)
    {
        var store = ctx.Store;
        var ubd = records.GetUnbonding(store, del, val);
        if (ubd is null)
        {
            return;
        }

        var now = Now(ctx);
        ulong paid = 0;
        for (var i = ubd.Entries.Count - 1; i >= 0; i--)
        {
            var e = ubd.Entries[i];
            if (e.CompletionTime <= now)
            {
                paid += e.Balance;
                ubd.Entries.RemoveAt(i);
            }
        }

        if (paid > 0)
        {
            Must(bank.Send(store, StakingAccounts.NotBondedPool, del, paid));
        }

        records.SaveUnbonding(store, del, val, ubd);
        ctx.Events.Emit(StakingEvents.CompleteUnbonding, ("delegator", ubd.DelegatorAddress), ("validator", ubd.ValidatorAddress), ("amount", StakingEvents.N(paid)));
    }

    public void CompleteRedelegation(MsgContext ctx, byte[] del, byte[] src, byte[] dst)
    {
        var store = ctx.Store;
        var red = records.GetRedelegation(store, del, src, dst);
        if (red is null)
        {
            return;
        }

        var now = Now(ctx);
        for (var i = red.Entries.Count - 1; i >= 0; i--)
        {
            if (red.Entries[i].CompletionTime <= now)
            {
                red.Entries.RemoveAt(i);
            }
        }

        records.SaveRedelegation(store, del, src, dst, red);
        ctx.Events.Emit(StakingEvents.CompleteRedelegation, ("delegator", red.DelegatorAddress), ("source_validator", red.ValidatorSrcAddress),
            ("destination_validator", red.ValidatorDstAddress));
    }

    private static CommissionRates Normalise(CommissionRates rates) => new()
    {
        Rate = Dec.Parse(rates.Rate).ToString(),
        MaxRate = Dec.Parse(rates.MaxRate).ToString(),
        MaxChangeRate = Dec.Parse(rates.MaxChangeRate).ToString(),
    };

    public static ExecResult UnknownValidator(ReadOnlySpan<byte> op) =>
        StakingErrors.Error(StakingErrors.UnknownValidator, $"validator {StakingRecords.OperatorText(op)} does not exist");

    internal static void Must(ExecResult r)
    {
        if (!r.IsOk)
        {
            throw new InvalidOperationException($"a staking or distribution module account cannot pay: {r.Log}");
        }
    }
}
