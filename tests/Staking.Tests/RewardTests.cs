using Chain.Modules.Staking.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.Staking;
using Chain.Proto.Types;
using Chain.State.Types;

namespace Chain.Modules.Staking.Tests;

public sealed class RewardTests : IDisposable
{
    private const ulong Chn = StakingChain.Chn;

    /// <summary>No inflation, so the only rewards are what the test pays to the fee collector and the txs' fees.</summary>
    private readonly StakingChain _c = new(6, configure: g =>
    {
        g.Mint.Params.InflationMax = "0";
        g.Mint.Params.InflationMin = "0";
        g.Mint.Minter.Inflation = "0";
    });

    public void Dispose() => _c.Dispose();

    private Dec Pending(int delegator, int validator) =>
        _c.Distribution.PendingRewards(_c.State, _c.Validator(validator)!, _c.Delegation(delegator, validator)!, _c.Height);

    [Fact]
    public void Fees_are_split_by_power_after_tax_and_commission_and_paid_to_the_uchn()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn, rate: "0.1"));
        _c.Ok(1, _c.Delegate(1, 0, 300 * Chn));
        _c.CommitBlocks(3); // validator 0 signs from here; the setup fees are allocated
        _c.Ok(1, _c.Withdraw(1, 0));
        _c.Commit(); // allocates the withdraw tx's fee

        var before = Pending(1, 0);
        var commissionBefore = _c.Distribution.GetCommission(_c.State, _c.Keys[0].Address);
        var poolBefore = _c.Distribution.GetCommunityPool(_c.State);
        const ulong paid = 1_000_003;
        _c.Ok(2, new MsgSend { FromAddress = _c.A(2), ToAddress = Chain.Crypto.Address.ToBech32(StakingAccounts.FeeCollector), Amount = { new Coin { Denom = "uchn", Amount = paid } } });
        _c.Commit(); // allocates paid + the send's fee to validator 0, the only signer

        var collected = Dec.FromInt(paid + StakingChain.Fee);
        var forValidators = collected.MulTruncate(Dec.One - Dec.Parse("0.02"));
        var commission = forValidators.Mul(Dec.Parse("0.1"));
        var shared = forValidators - commission;
        var perToken = shared.QuoTruncate(Dec.FromInt(400 * Chn));
        var expected = perToken.MulTruncate(Dec.FromInt(300 * Chn));
        Assert.Equal(expected, Pending(1, 0) - before);
        Assert.Equal(commission, _c.Distribution.GetCommission(_c.State, _c.Keys[0].Address) - commissionBefore);
        Assert.Equal(collected - forValidators, _c.Distribution.GetCommunityPool(_c.State) - poolBefore);

        var balance = _c.Balance(1);
        var pending = Pending(1, 0);
        _c.Ok(1, _c.Withdraw(1, 0));
        Assert.Equal(balance - StakingChain.Fee + pending.TruncateU64(), _c.Balance(1));
    }

    [Fact]
    public void Rewards_after_a_slash_are_paid_on_the_reduced_stake()
    {
        for (var i = 0; i < 2; i++)
        {
            _c.Ok(i, _c.CreateValidator(i, 100 * Chn, rate: "0"));
        }

        _c.Ok(2, _c.Delegate(2, 0, 100 * Chn));
        _c.CommitBlocks(3);
        _c.PendingEvidence.Add(_c.DoubleSign(0, _c.Height, 200, 300));
        _c.Commit();
        Assert.Equal(190 * Chn, _c.Validator(0)!.Tokens);
        // Its delegation is now worth 95 CHN; the reward it can withdraw never exceeds what validator 0 has outstanding.
        var pending = Pending(2, 0) + Pending(0, 0);
        Assert.True(pending <= _c.Distribution.GetOutstanding(_c.State, _c.Keys[0].Address));
        var d = _c.Delegation(2, 0)!;
        Assert.Equal(95 * Chn, (ulong)_c.Validator(0)!.TokensFromSharesTruncated(Dec.Parse(d.Shares)).TruncateInt());
        _c.Ok(2, _c.Withdraw(2, 0));
        _c.Ok(2, _c.Undelegate(2, 0, 95 * Chn));
    }

    [Fact]
    public void Commission_is_withdrawn_by_the_operator()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn, rate: "0.5", maxRate: "0.5"));
        _c.CommitBlocks(3);
        _c.Ok(1, new MsgSend { FromAddress = _c.A(1), ToAddress = Chain.Crypto.Address.ToBech32(StakingAccounts.FeeCollector), Amount = { new Coin { Denom = "uchn", Amount = 10_001 } } });
        _c.Commit();
        var commission = _c.Distribution.GetCommission(_c.State, _c.Keys[0].Address);
        Assert.True(commission >= Dec.One, commission.ToString());
        var balance = _c.Balance(0);
        _c.Ok(0, new MsgWithdrawValidatorCommission { ValidatorAddress = _c.V(0) });
        Assert.Equal(balance - StakingChain.Fee + commission.TruncateU64(), _c.Balance(0));
    }

    [Fact]
    public void Minting_moves_inflation_toward_the_goal_and_sets_aside_the_work_share()
    {
        using var c = new StakingChain(2, configure: g => g.Mint.Params.WorkRewardShare = "0.25");
        c.Ok(0, c.CreateValidator(0, 100 * Chn));
        var supply = c.Supply();
        var workBefore = c.Balance(StakingAccounts.WorkRewards);
        c.Commit();
        var minter = c.Records.GetMinter(c.State);
        // Bonded ratio is far below 0.67: inflation rises from 0.13.
        Assert.True(Dec.Parse(minter.Inflation) > Dec.Parse("0.13"));
        var minted = c.Supply() - supply;
        var expected = Dec.Parse(minter.AnnualProvisions).QuoInt(6_311_520).TruncateU64();
        Assert.Equal(expected, minted);
        var work = Dec.FromInt(expected).MulTruncate(Dec.Parse("0.25")).TruncateU64();
        Assert.True(work > 0);
        Assert.Equal(work, c.Balance(StakingAccounts.WorkRewards) - workBefore);
    }
}
