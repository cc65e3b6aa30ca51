using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Types;

namespace Chain.Modules.Staking.Tests;

public sealed class ValidatorLifecycleTests : IDisposable
{
    private const ulong Chn = StakingChain.Chn;
    private readonly StakingChain _c = new(8);

    public void Dispose() => _c.Dispose();

    [Fact]
    public void Created_validator_is_bonded_at_the_end_of_its_block_and_takes_effect_two_heights_later()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        var height = _c.Height;
        var v = _c.Validator(0)!;
        Assert.Equal(BondStatus.Bonded, v.Status);
        Assert.Equal(100 * Chn, v.Tokens);
        Assert.Equal("100000000.000000000000000000", v.DelegatorShares);
        Assert.Single(_c.LastUpdates);
        Assert.Equal(100, _c.LastUpdates[0].Power);
        Assert.Equal(0, _c.PowerAt(height + 1, 0));
        Assert.Equal(100, _c.PowerAt(height + 2, 0));
        Assert.Equal(100 * Chn, _c.Balance(StakingAccounts.BondedPool));
    }

    [Fact]
    public void Delegation_adds_power_and_shares_at_the_exchange_rate()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        _c.Ok(1, _c.Delegate(1, 0, 50 * Chn));
        var v = _c.Validator(0)!;
        Assert.Equal(150 * Chn, v.Tokens);
        Assert.Equal(Dec.FromInt(50 * Chn), Dec.Parse(_c.Delegation(1, 0)!.Shares));
        Assert.Equal(150, _c.LastUpdates.Single().Power);
    }

    [Fact]
    public void Only_the_top_max_validators_are_bonded_and_one_that_falls_out_gets_power_zero_and_unbonds()
    {
        for (var i = 0; i < 4; i++)
        {
            _c.Ok(i, _c.CreateValidator(i, (ulong)(10 + i) * Chn));
        }

        // A fifth with more power pushes out the weakest (validator 0, power 10).
        _c.Ok(4, _c.CreateValidator(4, 50 * Chn));
        Assert.Contains(_c.LastUpdates, u => u.Power == 0 && u.PublicKey.AsSpan().SequenceEqual(_c.ConsensusKeys[0].PublicKey));
        Assert.Contains(_c.LastUpdates, u => u.Power == 50);
        Assert.Equal(BondStatus.Unbonding, _c.Validator(0)!.Status);
        Assert.Equal(BondStatus.Bonded, _c.Validator(4)!.Status);

        // It completes unbonding after the unbonding time (100 s = 20 blocks of 5 s).
        _c.CommitBlocks(21);
        Assert.Equal(BondStatus.Unbonded, _c.Validator(0)!.Status);
    }

    [Fact]
    public void Undelegated_tokens_return_after_the_unbonding_time_and_not_before()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        _c.Ok(1, _c.Delegate(1, 0, 50 * Chn));
        var before = _c.Balance(1);
        _c.Ok(1, _c.Undelegate(1, 0, 20 * Chn));
        Assert.Equal(130, _c.LastUpdates.Single().Power);
        Assert.Equal(before - StakingChain.Fee, _c.Balance(1));
        var ubd = _c.Records.GetUnbonding(_c.State, _c.Keys[1].Address, _c.Keys[0].Address)!;
        Assert.Equal(20 * Chn, ubd.Entries.Single().Balance);
        Assert.Equal(20 * Chn, _c.Balance(StakingAccounts.NotBondedPool));

        _c.CommitBlocks(19); // 95 s later: not yet
        Assert.Equal(before - StakingChain.Fee, _c.Balance(1));
        _c.CommitBlocks(1); // 100 s
        Assert.Equal(before - StakingChain.Fee + (20 * Chn), _c.Balance(1));
        Assert.Null(_c.Records.GetUnbonding(_c.State, _c.Keys[1].Address, _c.Keys[0].Address));
    }

    [Fact]
    public void Operator_that_undelegates_below_its_minimum_is_jailed_and_leaves_the_set()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn, minSelf: 60 * Chn));
        _c.Ok(0, _c.Undelegate(0, 0, 50 * Chn));
        Assert.True(_c.Validator(0)!.Jailed);
        Assert.Equal(0, _c.LastUpdates.Single().Power);
        Assert.Equal(BondStatus.Unbonding, _c.Validator(0)!.Status);
    }

    [Fact]
    public void Redelegation_moves_stake_at_once_and_is_refused_onward_until_complete()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        _c.Ok(1, _c.CreateValidator(1, 100 * Chn));
        _c.Ok(2, _c.CreateValidator(2, 100 * Chn));
        _c.Ok(3, _c.Delegate(3, 0, 30 * Chn));
        _c.Ok(3, _c.Redelegate(3, 0, 1, 30 * Chn));
        Assert.Null(_c.Delegation(3, 0));
        Assert.Equal(130 * Chn, _c.Validator(1)!.Tokens);
        _c.Fails(StakingErrors.TransitiveRedelegation, 3, _c.Redelegate(3, 1, 2, 10 * Chn));
        _c.CommitBlocks(20);
        _c.Ok(3, _c.Redelegate(3, 1, 2, 10 * Chn));
    }

    [Fact]
    public void Cancelled_unbonding_delegates_the_entry_back()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        _c.Ok(1, _c.Delegate(1, 0, 50 * Chn));
        _c.Ok(1, _c.Undelegate(1, 0, 20 * Chn));
        var height = _c.Height;
        _c.Ok(1, new MsgCancelUnbondingDelegation { DelegatorAddress = _c.A(1), ValidatorAddress = _c.V(0), Amount = 5 * Chn, CreationHeight = height });
        var entry = _c.Records.GetUnbonding(_c.State, _c.Keys[1].Address, _c.Keys[0].Address)!.Entries.Single();
        Assert.Equal(15 * Chn, entry.Balance);
        Assert.Equal(135 * Chn, _c.Validator(0)!.Tokens);
    }

    [Fact]
    public void Edited_commission_rises_at_most_max_change_once_a_day()
    {
        _c.BlockSeconds = 3600;
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn, rate: "0.10", maxRate: "0.20", maxChange: "0.01"));
        _c.Fails(StakingErrors.CommissionChangeTooSoon, 0, new MsgEditValidator { ValidatorAddress = _c.V(0), CommissionRate = "0.105" });
        _c.CommitBlocks(24);
        _c.Fails(StakingErrors.CommissionChangeTooLarge, 0, new MsgEditValidator { ValidatorAddress = _c.V(0), CommissionRate = "0.12" });
        _c.Fails(StakingErrors.CommissionOutOfBounds, 0, new MsgEditValidator { ValidatorAddress = _c.V(0), CommissionRate = "0.25" });
        _c.Ok(0, new MsgEditValidator { ValidatorAddress = _c.V(0), CommissionRate = "0.11", Description = new Description { Website = "https://v0.example" } });
        var v = _c.Validator(0)!;
        Assert.Equal("0.110000000000000000", v.Commission.Rates.Rate);
        Assert.Equal("validator0", v.Description.Moniker);
        Assert.Equal("https://v0.example", v.Description.Website);
        // Lowering is not capped by max_change_rate, but still once a day.
        _c.CommitBlocks(24);
        _c.Ok(0, new MsgEditValidator { ValidatorAddress = _c.V(0), CommissionRate = "0.0" });
    }

    [Fact]
    public void Export_then_import_gives_the_same_staking_state()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn));
        _c.Ok(1, _c.Delegate(1, 0, 50 * Chn));
        _c.Ok(1, _c.Undelegate(1, 0, 10 * Chn));
        _c.CommitBlocks(3);
        var exported = Genesis.StakingGenesis.Export(_c.Records, _c.Distribution, _c.State, 0);
        var scratch = new Chain.State.Store.CacheState(_c.State);
        // Clear staking's keys in a scratch copy, import, and compare key by key.
        foreach (var kv in _c.State.IteratePrefix(StakingKeys.ModulePrefix).ToList())
        {
            scratch.Delete(kv.Key);
        }

        var r = Genesis.StakingGenesis.Import(_c.Records, _c.Distribution, scratch, exported);
        Assert.True(r.IsOk, r.Log);
        var before = _c.State.IteratePrefix(StakingKeys.ModulePrefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value));
        var after = scratch.IteratePrefix(StakingKeys.ModulePrefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value));
        Assert.Equal(before, after);
    }
}
