using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// What a module built on the market (the work module) hears of, in the spirit of the Cosmos SDK's staking hooks:
/// it may refuse a bid (a provider without enough work bond), and it learns of every lease that forms or ends,
/// whatever ended it. Hooks run inside the market's state change, so a refusal leaves nothing written.
/// </summary>
public interface IMarketHooks
{
    /// <summary>Called after the market's own checks pass and before the bid is written; an error refuses the bid.</summary>
    ExecResult BeforeCreateBid(MsgContext ctx, Provider provider, Order order);

    void AfterLeaseCreated(MsgContext ctx, Lease lease, Order order);

    void AfterLeaseClosed(MsgContext ctx, Lease lease);
}
