using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.Crypto;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// The work module's state machine: <see cref="Bonds"/>, <see cref="Rounds"/>, <see cref="Receipts"/> (and their
/// challenges), <see cref="Tenant"/> checks, <see cref="Failures"/> and <see cref="Rewards"/>, over one
/// <see cref="Records"/>. It hears of bids and leases through the market's hooks, and drains its queue of round
/// checks, challenge draws, deadlines and dispute windows in BeginBlock, at most max_queue_per_block entries a block.
/// </summary>
public sealed class WorkKeeper : IMarketHooks
{
    public WorkKeeper(IBankKeeper bank, MarketKeeper market, IWorkRewards staking)
    {
        Bank = bank;
        Market = market;
        Staking = staking;
        Records = new WorkRecords();
        Bonds = new BondKeeper(Records, bank, market, staking.StakersRewardAccount);
        Failures = new FailureKeeper(Records, Bonds, market);
        Rounds = new RoundKeeper(Records, market, Failures);
        Rewards = new RewardKeeper(Records, bank, staking);
        Receipts = new ReceiptKeeper(Records, Failures, Rewards, staking);
        Tenant = new TenantKeeper(Records, Failures);
    }

    public IBankKeeper Bank { get; }

    public MarketKeeper Market { get; }

    public IWorkRewards Staking { get; }

    public WorkRecords Records { get; }

    public BondKeeper Bonds { get; }

    public FailureKeeper Failures { get; }

    public RoundKeeper Rounds { get; }

    public RewardKeeper Rewards { get; }

    public ReceiptKeeper Receipts { get; }

    public TenantKeeper Tenant { get; }

    public ExecResult BeforeCreateBid(MsgContext ctx, Provider provider, Order order) => Bonds.CheckCanBid(ctx.Store, Address.FromBech32(provider.Owner));

    public void AfterLeaseCreated(MsgContext ctx, Lease lease, Order order) => Rounds.LeaseCreated(ctx, lease, order);

    public void AfterLeaseClosed(MsgContext ctx, Lease lease) => Rounds.LeaseClosed(ctx, lease);

    /// <summary>Drains the due queue entries, oldest first, at most max_queue_per_block.</summary>
    public void BeginBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var max = (int)Records.GetParams(store).MaxQueuePerBlock;
        foreach (var (due, kind, lease, round) in Records.DequeueDue(store, ctx.Block.Height, max))
        {
            switch (kind)
            {
                case WorkKeys.RoundCheck:
                    Rounds.CheckRound(ctx, lease, round);
                    break;
                case WorkKeys.ChallengeBlock:
                    Receipts.ChallengeBlock(ctx, lease, round);
                    break;
                case WorkKeys.DrawChallenge:
                    Receipts.DrawChallenge(ctx, lease, round, late: due < ctx.Block.Height);
                    break;
                case WorkKeys.ResponseDeadline:
                    Receipts.Deadline(ctx, lease, round);
                    break;
                case WorkKeys.DisputeWindowEnd:
                    Tenant.WindowEnd(ctx, lease, round);
                    break;
            }
        }
    }

    public void EndBlock(MsgContext ctx) => Rewards.EndBlock(ctx);
}
