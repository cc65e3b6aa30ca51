using Chain.Modules.Bank.Keeper;
using Chain.State.Modules;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// The market's state machine, one keeper per record: <see cref="Providers"/>, <see cref="Orders"/>, <see cref="Bids"/>,
/// <see cref="Leases"/> and <see cref="Escrow"/>, over the shared <see cref="Records"/>. Each operation checks everything
/// it needs before it writes, so a refused message changes nothing, and emits an event for every record whose state it
/// changes. Order: open → active | closed; active → closed. Bid: open → active | lost | closed; active → closed.
/// Lease: active → insufficient_funds | closed. Escrow: open → closed.
/// </summary>
public sealed class MarketKeeper
{
    private readonly EndBlocker _endBlocker;

    public MarketKeeper(IBankKeeper bank)
    {
        Bank = bank;
        Records = new MarketRecords();
        Escrow = new EscrowKeeper(bank, Records);
        Providers = new ProviderKeeper(Records, Escrow);
        Bids = new BidKeeper(Records, Escrow, Hooks);
        Orders = new OrderKeeper(Records, Escrow, Bids);
        Leases = new LeaseKeeper(Records, Escrow, Bids, Hooks);
        _endBlocker = new EndBlocker(Records, Orders, Leases);
    }

    public MarketRecords Records { get; }

    /// <summary>Modules built on the market add themselves here when the chain is composed (<see cref="IMarketHooks"/>).</summary>
    public List<IMarketHooks> Hooks { get; } = [];

    public EscrowKeeper Escrow { get; }

    public ProviderKeeper Providers { get; }

    public OrderKeeper Orders { get; }

    public BidKeeper Bids { get; }

    public LeaseKeeper Leases { get; }

    public IBankKeeper Bank { get; }

    /// <summary>Auto-matches the orders whose bidding window closes and closes the leases that run out at this height (<see cref="EndBlocker"/>).</summary>
    public void EndBlock(MsgContext ctx) => _endBlocker.EndBlock(ctx);
}
