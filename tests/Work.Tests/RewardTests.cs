using Chain.Modules.Staking.Keeper;
using Chain.Proto.Work;
using Chain.State.Types;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>The work share of minted coins goes to verified work, in proportion to work units, exact to the uchn.</summary>
public sealed class RewardTests
{
    [Fact]
    public void Receipts_verified_in_one_block_share_everything_minted_and_unpaid_by_work_units()
    {
        using var chain = new WorkChain(accounts: 4, workRewardShare: "0.5");
        var one = chain.OpenLease(provider: 0, tenant: 1, gpus: 1);
        var two = chain.OpenLease(provider: 2, tenant: 3, gpus: 3);
        var (r1, l1) = chain.HonestReceipt(one, signer: 0);
        var (r2, l2) = chain.HonestReceipt(two, signer: 2);
        Assert.All(chain.Commit(chain.Tx(0, r1), chain.Tx(2, r2)).Results, r => Assert.True(r.Code == 0, r.Log));
        chain.CommitUntil(chain.Height + chain.Params.ChallengeDelay + 1);
        var minted = chain.Work.Staking.WorkMinted(chain.State);
        Assert.True(minted > 0);
        var before0 = chain.Balance(0);
        var before2 = chain.Balance(2);
        var results = chain.Commit(chain.Tx(0, chain.Response(chain.Receipt(one, 1)!, l1, signer: 0)), chain.Tx(2, chain.Response(chain.Receipt(two, 1)!, l2, signer: 2)));
        Assert.All(results.Results, r => Assert.Equal(0u, r.Code));

        // Everything minted for work up to and including this block, shared 1 : 3 by work units (16 and 48 rows).
        var pool = chain.Work.Staking.WorkMinted(chain.State);
        var units1 = 2UL * 16 * 32 * 32;
        var units2 = 2UL * 48 * 32 * 32;
        var pay1 = (ulong)((UInt128)pool * units1 / (units1 + units2));
        var pay2 = (ulong)((UInt128)pool * units2 / (units1 + units2));
        Assert.Equal(pay1, chain.Receipt(one, 1)!.Reward);
        Assert.Equal(pay2, chain.Receipt(two, 1)!.Reward);
        Assert.Equal(pay1, chain.Balance(0) + Fee - before0);
        Assert.Equal(pay2, chain.Balance(2) + Fee - before2);
        Assert.Equal(pay1, chain.ProviderWork(0)!.Rewards);
        var state = chain.Work.Records.GetPool(chain.State);
        Assert.Equal(pay1 + pay2, state.Paid);
        Assert.Equal(pool - pay1 - pay2, state.Unpaid);
        Assert.Equal(state.Unpaid, chain.Balance(chain.Work.Staking.WorkRewardAccount));
    }

    [Fact]
    public void Failed_and_unverified_receipts_earn_nothing()
    {
        using var chain = new WorkChain(workRewardShare: "0.5");
        var lease = chain.OpenLease();
        var (msg, _) = chain.HonestReceipt(lease);
        chain.Ok(ProviderKey, msg);
        chain.CommitUntil(chain.Receipt(lease, 1)!.SubmittedHeight + chain.Params.ChallengeDelay + chain.Params.ResponseDeadline + 2);
        Assert.Equal(ReceiptStatus.Failed, chain.Receipt(lease, 1)!.Status);
        Assert.Equal(0UL, chain.Receipt(lease, 1)!.Reward);
        var pool = chain.Work.Records.GetPool(chain.State);
        Assert.Equal(0UL, pool.Paid);
        Assert.Equal(chain.Work.Staking.WorkMinted(chain.State), pool.Unpaid);
        Assert.Equal(pool.Unpaid, chain.Balance(StakingAccounts.WorkRewards));
        Assert.Equal(Coins.BaseDenom, "uchn");
    }
}
