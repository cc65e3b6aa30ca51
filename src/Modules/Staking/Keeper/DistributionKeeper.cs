using System.Buffers.Binary;
using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// F1 fee distribution (Cosmos SDK x/distribution): every block the fee collector's balance (fees, the market's take,
/// minted coins) is split among the validators of the last commit by power; each validator's share pays its
/// commission and adds to its current period's rewards. A period ends whenever a delegation to it changes or it is
/// slashed, adding rewards per token to a cumulative ratio; a delegation's reward is its stake times the difference of
/// the ratios at its start and end (split at each slash), so no step ever loops over delegators. Payouts are capped by
/// what the validator has outstanding and truncated to whole uchn; every remainder goes to the community pool.
/// </summary>
public sealed class DistributionKeeper(StakingRecords records, IBankKeeper bank)
{
    private static IStateStore S(IStateStore store) => StakingRecords.Scoped(store);

    private static IStateStore S(IStateReader state) => StakingRecords.Scoped(state);

    // Records

    public Dec GetCommunityPool(IStateReader state) => ReadDec(S(state).Get(StakingKeys.CommunityPool));

    public void SetCommunityPool(IStateStore store, Dec pool) => S(store).Set(StakingKeys.CommunityPool, DecBytes(pool));

    public Dec GetOutstanding(IStateReader state, ReadOnlySpan<byte> val) => ReadDec(S(state).Get(StakingKeys.OutstandingRewards(val)));

    public void SetOutstanding(IStateStore store, ReadOnlySpan<byte> val, Dec value) => S(store).Set(StakingKeys.OutstandingRewards(val), DecBytes(value));

    public Dec GetCommission(IStateReader state, ReadOnlySpan<byte> val) => ReadDec(S(state).Get(StakingKeys.Commission(val)));

    public void SetCommission(IStateStore store, ReadOnlySpan<byte> val, Dec value) => S(store).Set(StakingKeys.Commission(val), DecBytes(value));

    public ValidatorCurrentRewards? GetCurrent(IStateReader state, ReadOnlySpan<byte> val) =>
        StakingRecords.Parse(S(state).Get(StakingKeys.Current(val)), ValidatorCurrentRewards.Parser);

    public void SetCurrent(IStateStore store, ReadOnlySpan<byte> val, ValidatorCurrentRewards value) => S(store).Set(StakingKeys.Current(val), value.ToByteArray());

    public ValidatorHistoricalRewards? GetHistorical(IStateReader state, ReadOnlySpan<byte> val, ulong period) =>
        StakingRecords.Parse(S(state).Get(StakingKeys.Historical(val, period)), ValidatorHistoricalRewards.Parser);

    public void SetHistorical(IStateStore store, ReadOnlySpan<byte> val, ulong period, ValidatorHistoricalRewards value) =>
        S(store).Set(StakingKeys.Historical(val, period), value.ToByteArray());

    public DelegatorStartingInfo? GetStartingInfo(IStateReader state, ReadOnlySpan<byte> val, ReadOnlySpan<byte> del) =>
        StakingRecords.Parse(S(state).Get(StakingKeys.StartingInfo(val, del)), DelegatorStartingInfo.Parser);

    public void SetStartingInfo(IStateStore store, ReadOnlySpan<byte> val, ReadOnlySpan<byte> del, DelegatorStartingInfo value) =>
        S(store).Set(StakingKeys.StartingInfo(val, del), value.ToByteArray());

    public void SetSlashEvent(IStateStore store, ReadOnlySpan<byte> val, ulong height, ulong period, ValidatorSlashEvent value) =>
        S(store).Set(StakingKeys.SlashEvent(val, height, period), value.ToByteArray());

    /// <summary>The slash events of <paramref name="val"/> at heights from <paramref name="from"/> to <paramref name="to"/> inclusive, in height order.</summary>
    public IEnumerable<ValidatorSlashEvent> SlashEventsBetween(IStateReader state, byte[] val, ulong from, ulong to)
    {
        var prefix = StakingKeys.Join(StakingKeys.SlashEvents, val);
        foreach (var (k, v) in S(state).IteratePrefix(prefix))
        {
            var height = BinaryPrimitives.ReadUInt64BigEndian(k.AsSpan(prefix.Length, 8));
            if (height < from)
            {
                continue;
            }

            if (height > to)
            {
                yield break;
            }

            yield return ValidatorSlashEvent.Parser.ParseFrom(v);
        }
    }

    // Hooks called by staking

    /// <summary>A new validator: period 0 with ratio 0 (one reference: the current period's predecessor), period 1 current.</summary>
    public void InitializeValidator(IStateStore store, ReadOnlySpan<byte> val)
    {
        SetHistorical(store, val, 0, new ValidatorHistoricalRewards { CumulativeRewardRatio = Dec.Zero.ToString(), ReferenceCount = 1 });
        SetCurrent(store, val, new ValidatorCurrentRewards { Rewards = Dec.Zero.ToString(), Period = 1 });
        SetCommission(store, val, Dec.Zero);
        SetOutstanding(store, val, Dec.Zero);
    }

    /// <summary>
    /// Ends the validator's current period: its rewards per token join the cumulative ratio (to the community pool when
    /// it has no tokens). Returns the period that ended.
    /// </summary>
    public ulong IncrementValidatorPeriod(IStateStore store, Validator v)
    {
        var val = StakingRecords.Operator(v);
        var current = GetCurrent(store, val) ?? throw new InvalidOperationException($"validator {v.OperatorAddress} has no current rewards");
        var rewards = Dec.ParseOrZero(current.Rewards);
        Dec perToken;
        if (v.Tokens == 0)
        {
            SetCommunityPool(store, GetCommunityPool(store) + rewards);
            perToken = Dec.Zero;
        }
        else
        {
            perToken = rewards.QuoTruncate(Dec.FromInt(v.Tokens));
        }

        var previous = GetHistorical(store, val, current.Period - 1)
            ?? throw new InvalidOperationException($"validator {v.OperatorAddress} has no historical rewards for period {current.Period - 1}");
        DecrementReferenceCount(store, val, current.Period - 1);
        SetHistorical(store, val, current.Period, new ValidatorHistoricalRewards
        {
            CumulativeRewardRatio = (Dec.Parse(previous.CumulativeRewardRatio) + perToken).ToString(),
            ReferenceCount = 1,
        });
        SetCurrent(store, val, new ValidatorCurrentRewards { Rewards = Dec.Zero.ToString(), Period = current.Period + 1 });
        return current.Period;
    }

    /// <summary>A delegation starts (or restarts) at the validator's last ended period, worth what its shares are now.</summary>
    public void InitializeDelegation(IStateStore store, Validator v, ReadOnlySpan<byte> del, Dec shares, ulong height)
    {
        var val = StakingRecords.Operator(v);
        var current = GetCurrent(store, val)!;
        var previousPeriod = current.Period - 1;
        IncrementReferenceCount(store, val, previousPeriod);
        SetStartingInfo(store, val, del, new DelegatorStartingInfo
        {
            PreviousPeriod = previousPeriod,
            Stake = v.TokensFromSharesTruncated(shares).ToString(),
            Height = height,
        });
    }

    /// <summary>A slash splits the period: the rewards so far are per pre-slash token; the event records the fraction.</summary>
    public void BeforeValidatorSlashed(IStateStore store, Validator v, Dec fraction, ulong height)
    {
        var val = StakingRecords.Operator(v);
        var newPeriod = IncrementValidatorPeriod(store, v);
        IncrementReferenceCount(store, val, newPeriod);
        SetSlashEvent(store, val, height, newPeriod, new ValidatorSlashEvent { ValidatorPeriod = newPeriod, Fraction = fraction.ToString() });
    }

    /// <summary>
    /// A validator is removed: its commission goes to its operator (the fraction to the community pool), whatever is left
    /// outstanding (dust) to the community pool, and its distribution records are deleted.
    /// </summary>
    public void AfterValidatorRemoved(MsgContext ctx, Validator v)
    {
        var store = ctx.Store;
        var val = StakingRecords.Operator(v);
        var outstanding = GetOutstanding(store, val);
        var commission = GetCommission(store, val);
        var pool = GetCommunityPool(store);
        if (commission.IsPositive)
        {
            outstanding -= commission;
            var coins = commission.TruncateU64();
            pool += commission - Dec.FromInt(coins);
            Pay(store, val, coins);
        }

        SetCommunityPool(store, pool + outstanding);
        var s = S(store);
        s.Delete(StakingKeys.OutstandingRewards(val));
        s.Delete(StakingKeys.Commission(val));
        s.Delete(StakingKeys.Current(val));
        foreach (var prefix in new[] { StakingKeys.Join(StakingKeys.HistoricalRewards, val), StakingKeys.Join(StakingKeys.SlashEvents, val) })
        {
            var keys = new List<byte[]>();
            foreach (var (k, _) in s.IteratePrefix(prefix))
            {
                keys.Add(k);
            }

            foreach (var k in keys)
            {
                s.Delete(k);
            }
        }
    }

    // Rewards

    /// <summary>
    /// The exact reward of a delegation up to <paramref name="endingPeriod"/> (which must have ended): stake times the
    /// ratio difference, split at each slash in between (the stake shrinks by each fraction, truncated).
    /// </summary>
    public Dec CalculateDelegationRewards(IStateReader state, Validator v, Delegation d, ulong endingPeriod, ulong height)
    {
        var val = StakingRecords.Operator(v);
        var del = Address.FromBech32(d.DelegatorAddress);
        var start = GetStartingInfo(state, val, del) ?? throw new InvalidOperationException($"delegation {d.DelegatorAddress} to {d.ValidatorAddress} has no starting info");
        var rewards = Dec.Zero;
        if (start.Height == height)
        {
            return rewards; // started in this block: nothing accrued yet
        }

        var startingPeriod = start.PreviousPeriod;
        var stake = Dec.Parse(start.Stake);
        if (height > start.Height)
        {
            foreach (var slash in SlashEventsBetween(state, val, start.Height, height))
            {
                if (slash.ValidatorPeriod > startingPeriod)
                {
                    rewards += RewardsBetween(state, val, startingPeriod, slash.ValidatorPeriod, stake);
                    stake = stake.MulTruncate(Dec.One - Dec.Parse(slash.Fraction));
                    startingPeriod = slash.ValidatorPeriod;
                }
            }
        }

        var currentStake = v.TokensFromShares(Dec.Parse(d.Shares));
        if (stake > currentStake)
        {
            // Rounding in the slash steps can leave the stake a few 10^-18 above what the shares are worth
            // (cosmos-sdk #4094, #4389); more than that is a bug, never silently paid.
            var margin = Dec.FromScaled(3);
            if (stake > currentStake + margin)
            {
                throw new InvalidOperationException(
                    $"delegation {d.DelegatorAddress} to {d.ValidatorAddress}: calculated stake {stake} exceeds current stake {currentStake}");
            }

            stake = currentStake;
        }

        return rewards + RewardsBetween(state, val, startingPeriod, endingPeriod, stake);
    }

    private Dec RewardsBetween(IStateReader state, byte[] val, ulong startingPeriod, ulong endingPeriod, Dec stake)
    {
        if (startingPeriod > endingPeriod)
        {
            throw new InvalidOperationException($"starting period {startingPeriod} after ending period {endingPeriod}");
        }

        var starting = Dec.Parse(GetHistorical(state, val, startingPeriod)!.CumulativeRewardRatio);
        var ending = Dec.Parse(GetHistorical(state, val, endingPeriod)!.CumulativeRewardRatio);
        var difference = ending - starting;
        if (difference.IsNegative)
        {
            throw new InvalidOperationException("negative reward ratio difference");
        }

        return difference.MulTruncate(stake);
    }

    /// <summary>
    /// What a delegation could withdraw now (its exact reward, before truncation), without changing state: the current
    /// period's rewards are counted as if it ended now.
    /// </summary>
    public Dec PendingRewards(IStateReader state, Validator v, Delegation d, ulong height)
    {
        var scratch = new CacheState(state);
        var endingPeriod = IncrementValidatorPeriod(scratch, v);
        return CalculateDelegationRewards(scratch, v, d, endingPeriod, height);
    }

    /// <summary>
    /// Pays a delegation's rewards to the delegator (capped by the validator's outstanding rewards, truncated to whole
    /// uchn, the fraction to the community pool) and ends its starting info. Returns the uchn paid.
    /// </summary>
    public ulong WithdrawDelegationRewards(MsgContext ctx, Validator v, Delegation d)
    {
        var store = ctx.Store;
        var val = StakingRecords.Operator(v);
        var del = Address.FromBech32(d.DelegatorAddress);
        var start = GetStartingInfo(store, val, del) ?? throw new InvalidOperationException($"delegation {d.DelegatorAddress} to {d.ValidatorAddress} has no starting info");
        var endingPeriod = IncrementValidatorPeriod(store, v);
        var raw = CalculateDelegationRewards(store, v, d, endingPeriod, ctx.Block.Height);
        var outstanding = GetOutstanding(store, val);
        var rewards = Dec.Min(raw, outstanding);
        var paid = rewards.TruncateU64();
        Pay(store, del, paid);
        SetOutstanding(store, val, outstanding - rewards);
        SetCommunityPool(store, GetCommunityPool(store) + (rewards - Dec.FromInt(paid)));
        DecrementReferenceCount(store, val, start.PreviousPeriod);
        S(store).Delete(StakingKeys.StartingInfo(val, del));
        ctx.Events.Emit(StakingEvents.WithdrawRewards, ("delegator", d.DelegatorAddress), ("validator", d.ValidatorAddress), ("amount", StakingEvents.N(paid)));
        return paid;
    }

    /// <summary>Pays the validator's accumulated commission (whole uchn; the fraction stays) to its operator account.</summary>
    public ExecResult WithdrawCommission(MsgContext ctx, Validator v, out ulong paid)
    {
        var store = ctx.Store;
        var val = StakingRecords.Operator(v);
        var commission = GetCommission(store, val);
        paid = commission.TruncateU64();
        if (paid == 0)
        {
            return StakingErrors.Error(StakingErrors.NoRewards, $"validator {v.OperatorAddress} has no whole uchn of commission to withdraw ({commission})");
        }

        SetCommission(store, val, commission - Dec.FromInt(paid));
        SetOutstanding(store, val, GetOutstanding(store, val) - Dec.FromInt(paid));
        Pay(store, val, paid);
        ctx.Events.Emit(StakingEvents.WithdrawCommission, ("validator", v.OperatorAddress), ("amount", StakingEvents.N(paid)));
        return ExecResult.Ok;
    }

    // Allocation

    /// <summary>
    /// BeginBlock: moves the fee collector's uchn to the distribution account and splits it among the last commit's
    /// validators by power (signed or not, as the SDK does), after the community tax; what no staking validator
    /// receives (tax, rounding, validators not known to staking) goes to the community pool.
    /// </summary>
    public void AllocateTokens(MsgContext ctx, IReadOnlyList<VoteInfo> votes)
    {
        var store = ctx.Store;
        var collected = bank.GetBalance(store, StakingAccounts.FeeCollector, Coins.BaseDenom);
        if (collected == 0)
        {
            return;
        }

        StakingKeeper.Must(bank.Send(store, StakingAccounts.FeeCollector, StakingAccounts.Distribution, collected));
        var fees = Dec.FromInt(collected);
        long totalPower = 0;
        foreach (var vote in votes)
        {
            totalPower += vote.Power;
        }

        var pool = GetCommunityPool(store);
        if (totalPower == 0)
        {
            SetCommunityPool(store, pool + fees);
            return;
        }

        var remaining = fees;
        var tax = Dec.Parse(records.GetDistributionParams(store).CommunityTax);
        var forValidators = fees.MulTruncate(Dec.One - tax);
        var total = Dec.FromInt((ulong)totalPower);
        foreach (var vote in votes)
        {
            var v = records.GetValidatorByCons(store, vote.ValidatorAddress);
            if (v is null)
            {
                continue;
            }

            var reward = forValidators.MulTruncate(Dec.FromInt((ulong)vote.Power).QuoTruncate(total));
            var (commission, shared) = AllocateTokensToValidator(store, v, reward);
            ctx.Events.Emit(StakingEvents.ValidatorRewards, ("validator", v.OperatorAddress), ("commission", commission.ToString()), ("rewards", shared.ToString()));
            remaining -= reward;
        }

        SetCommunityPool(store, GetCommunityPool(store) + remaining);
        ctx.Events.Emit(StakingEvents.RewardsAllocated, ("amount", StakingEvents.N(collected)), ("community_pool", remaining.ToString()));
    }

    /// <summary>Commission (rounded) to the validator, the rest to its current period; all of it outstanding. Returns both parts.</summary>
    public (Dec Commission, Dec Shared) AllocateTokensToValidator(IStateStore store, Validator v, Dec tokens)
    {
        var val = StakingRecords.Operator(v);
        var commission = tokens.Mul(Dec.Parse(v.Commission.Rates.Rate));
        var shared = tokens - commission;
        SetCommission(store, val, GetCommission(store, val) + commission);
        var current = GetCurrent(store, val)!;
        current.Rewards = (Dec.ParseOrZero(current.Rewards) + shared).ToString();
        SetCurrent(store, val, current);
        SetOutstanding(store, val, GetOutstanding(store, val) + tokens);
        return (commission, shared);
    }

    public void FundCommunityPool(IStateStore store, Dec amount) => SetCommunityPool(store, GetCommunityPool(store) + amount);

    // Reference counts

    public void IncrementReferenceCount(IStateStore store, ReadOnlySpan<byte> val, ulong period)
    {
        var h = GetHistorical(store, val, period) ?? throw new InvalidOperationException($"no historical rewards for period {period}");
        if (h.ReferenceCount > 2)
        {
            throw new InvalidOperationException($"reference count of period {period} would exceed 2");
        }

        h.ReferenceCount++;
        SetHistorical(store, val, period, h);
    }

    public void DecrementReferenceCount(IStateStore store, ReadOnlySpan<byte> val, ulong period)
    {
        var h = GetHistorical(store, val, period) ?? throw new InvalidOperationException($"no historical rewards for period {period}");
        if (h.ReferenceCount == 0)
        {
            throw new InvalidOperationException($"reference count of period {period} is already zero");
        }

        h.ReferenceCount--;
        if (h.ReferenceCount == 0)
        {
            S(store).Delete(StakingKeys.Historical(val, period));
        }
        else
        {
            SetHistorical(store, val, period, h);
        }
    }

    /// <summary>Every (validator, period, record) of historical rewards.</summary>
    public IEnumerable<(byte[] Validator, ulong Period, ValidatorHistoricalRewards Rewards)> AllHistorical(IStateReader state)
    {
        foreach (var (k, v) in S(state).IteratePrefix(StakingKeys.HistoricalRewards))
        {
            var p = StakingKeys.HistoricalRewards.Length;
            yield return (k[p..(p + Address.Size)], BinaryPrimitives.ReadUInt64BigEndian(k.AsSpan(p + Address.Size)), ValidatorHistoricalRewards.Parser.ParseFrom(v));
        }
    }

    public IEnumerable<(byte[] Validator, byte[] Delegator, DelegatorStartingInfo Info)> AllStartingInfos(IStateReader state)
    {
        foreach (var (k, v) in S(state).IteratePrefix(StakingKeys.StartingInfos))
        {
            var p = StakingKeys.StartingInfos.Length;
            yield return (k[p..(p + Address.Size)], k[(p + Address.Size)..], DelegatorStartingInfo.Parser.ParseFrom(v));
        }
    }

    public IEnumerable<(byte[] Validator, ulong Height, ulong Period, ValidatorSlashEvent Event)> AllSlashEvents(IStateReader state)
    {
        foreach (var (k, v) in S(state).IteratePrefix(StakingKeys.SlashEvents))
        {
            var p = StakingKeys.SlashEvents.Length;
            yield return (k[p..(p + Address.Size)], BinaryPrimitives.ReadUInt64BigEndian(k.AsSpan(p + Address.Size, 8)),
                BinaryPrimitives.ReadUInt64BigEndian(k.AsSpan(p + Address.Size + 8, 8)), ValidatorSlashEvent.Parser.ParseFrom(v));
        }
    }

    public IEnumerable<(byte[] Validator, byte[] Value)> AllOf(IStateReader state, byte[] prefix)
    {
        foreach (var (k, v) in S(state).IteratePrefix(prefix))
        {
            yield return (k[prefix.Length..], v);
        }
    }

    private void Pay(IStateStore store, byte[] to, ulong amount) => StakingKeeper.Must(bank.Send(store, StakingAccounts.Distribution, to, amount));

    public static Dec ReadDec(byte[]? raw) => raw is null ? Dec.Zero : Dec.Parse(System.Text.Encoding.ASCII.GetString(raw));

    public static byte[] DecBytes(Dec value) => System.Text.Encoding.ASCII.GetBytes(value.ToString());
}
