using Chain.Crypto;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Matching;
using Chain.Modules.Market.Params;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Market.Genesis;

/// <summary>
/// Genesis import and export of the market: params (defaults when the section is absent) and every record.
/// Import writes the records through <see cref="MarketRecords"/>, so the indexes and queues are rebuilt from them.
/// The funds the records hold must be in the bank's genesis balance of <see cref="MarketAccounts.Escrow"/>;
/// the invariants check that after the first block.
/// </summary>
public static class MarketGenesis
{
    public static ExecResult Import(MarketKeeper keeper, IStateStore store, GenesisState? genesis)
    {
        genesis ??= new GenesisState();
        var records = keeper.Records;
        var p = genesis.Params ?? MarketParams.Default();
        var valid = MarketParams.Validate(p, "app_state.market.params");
        if (!valid.IsOk)
        {
            return valid;
        }

        records.SetParams(store, p);
        for (var i = 0; i < genesis.Providers.Count; i++)
        {
            var provider = genesis.Providers[i];
            if (!Address.TryFromBech32(provider.Owner, out var owner, out var error))
            {
                return Bad($"providers[{i}].owner: {error}");
            }

            var shape = ProviderAttributes.ValidateProvider(provider.HostUri, provider.Region, provider.Attributes);
            if (!shape.IsOk)
            {
                return Bad($"providers[{i}]: {shape.Log}");
            }

            if (records.GetProvider(store, owner) is not null)
            {
                return Bad($"providers[{i}].owner: {provider.Owner} is listed twice");
            }

            records.SetProvider(store, owner, provider);
        }

        ulong maxOrder = 0, maxBid = 0;
        for (var i = 0; i < genesis.Orders.Count; i++)
        {
            var order = genesis.Orders[i];
            if (order.Id == 0 || records.GetOrder(store, order.Id) is not null || !Address.TryFromBech32(order.Owner, out _, out _)
                || order.State == OrderState.Unspecified || !ProviderAttributes.ValidateResources(order.Resources).IsOk)
            {
                return Bad($"orders[{i}]: id must be unique and above 0, owner a valid address, state set and resources valid");
            }

            if (order.State == OrderState.Open && order.BiddingClosesHeight == 0)
            {
                return Bad($"orders[{i}].bidding_closes_height: an open order must close at height 1 or later");
            }

            records.SaveOrder(store, order, null);
            maxOrder = Math.Max(maxOrder, order.Id);
        }

        for (var i = 0; i < genesis.Bids.Count; i++)
        {
            var bid = genesis.Bids[i];
            if (bid.Id == 0 || records.GetBid(store, bid.Id) is not null || records.GetOrder(store, bid.OrderId) is null
                || !Address.TryFromBech32(bid.Provider, out _, out _) || bid.State == BidState.Unspecified)
            {
                return Bad($"bids[{i}]: id must be unique and above 0, order_id an order of this genesis, provider a valid address and state set");
            }

            records.SaveBid(store, bid, null);
            maxBid = Math.Max(maxBid, bid.Id);
        }

        for (var i = 0; i < genesis.Leases.Count; i++)
        {
            var lease = genesis.Leases[i];
            if (records.GetOrder(store, lease.Id) is null || records.GetLease(store, lease.Id) is not null || lease.OrderId != lease.Id
                || !Address.TryFromBech32(lease.Tenant, out _, out _) || !Address.TryFromBech32(lease.Provider, out _, out _) || lease.State == LeaseState.Unspecified)
            {
                return Bad($"leases[{i}]: id must equal order_id of an order of this genesis, tenant and provider valid addresses and state set");
            }

            records.SaveLease(store, lease, null);
        }

        for (var i = 0; i < genesis.EscrowAccounts.Count; i++)
        {
            var escrow = genesis.EscrowAccounts[i];
            if (records.GetOrder(store, escrow.Id) is null || records.GetEscrow(store, escrow.Id) is not null || escrow.State == EscrowState.Unspecified)
            {
                return Bad($"escrow_accounts[{i}]: id must be an order of this genesis, listed once, with state set");
            }

            records.SaveEscrow(store, escrow, null);
        }

        records.SetNextId(store, MarketKeys.NextOrderId, Math.Max(genesis.NextOrderId, maxOrder + 1));
        records.SetNextId(store, MarketKeys.NextBidId, Math.Max(genesis.NextBidId, maxBid + 1));
        return ExecResult.Ok;
    }

    /// <summary>Settles every open escrow account up to the last height (export only, on a scratch state): afterwards each has paid for every block so far.</summary>
    public static void SettleForExport(MarketKeeper keeper, MsgContext context)
    {
        var records = keeper.Records;
        var store = context.Store;
        var takeRate = records.GetParams(store).TakeRateBps;
        foreach (var escrow in records.All(store, MarketKeys.EscrowAccounts, EscrowAccount.Parser).ToList())
        {
            if (escrow.State == EscrowState.Open)
            {
                var before = MarketRecords.FundsRunOutHeight(escrow);
                keeper.Escrow.Settle(store, escrow, context.Block.Height, takeRate, context.Events);
                records.SaveEscrow(store, escrow, before);
            }
        }
    }

    /// <summary>
    /// Every record, with the heights that drive what happens next made relative to <paramref name="height"/> (the new
    /// chain's height h is this chain's height + h): an open order's bidding_closes_height and an open escrow
    /// account's settled_height (0 after <see cref="SettleForExport"/>). created_height and closed_height are history
    /// and stay as they were.
    /// </summary>
    public static GenesisState Export(MarketKeeper keeper, IStateReader state, ulong height)
    {
        var records = keeper.Records;
        var genesis = new GenesisState
        {
            Params = records.GetParams(state),
            NextOrderId = records.PeekNextId(state, MarketKeys.NextOrderId),
            NextBidId = records.PeekNextId(state, MarketKeys.NextBidId),
        };
        genesis.Providers.AddRange(records.All(state, MarketKeys.Providers, Provider.Parser));
        genesis.Orders.AddRange(records.All(state, MarketKeys.Orders, Order.Parser));
        genesis.Bids.AddRange(records.All(state, MarketKeys.Bids, Bid.Parser));
        genesis.Leases.AddRange(records.All(state, MarketKeys.Leases, Lease.Parser));
        genesis.EscrowAccounts.AddRange(records.All(state, MarketKeys.EscrowAccounts, EscrowAccount.Parser));
        foreach (var order in genesis.Orders)
        {
            if (order.State == OrderState.Open)
            {
                order.BiddingClosesHeight = order.BiddingClosesHeight > height ? order.BiddingClosesHeight - height : 1;
            }
        }

        foreach (var escrow in genesis.EscrowAccounts)
        {
            if (escrow.State == EscrowState.Open)
            {
                escrow.SettledHeight = escrow.SettledHeight > height ? escrow.SettledHeight - height : 0;
            }
        }

        return genesis;
    }

    private static ExecResult Bad(string log) => MarketErrors.Error(MarketErrors.InvalidGenesis, "app_state.market." + log);
}
