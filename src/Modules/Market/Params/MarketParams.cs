using Chain.State.Modules;

namespace Chain.Modules.Market.Params;

/// <summary>Defaults and validation of the market's params (chain.market.v1.Params).</summary>
public static class MarketParams
{
    public const uint BasisPoints = 10_000;

    /// <summary>The params a genesis without a market section gets.</summary>
    public static Proto.Market.Params Default() => new()
    {
        ProviderBond = 1_000_000,
        MinOrderDeposit = 1_000_000,
        BidDeposit = 100_000,
        OrderMaxBids = 20,
        TakeRateBps = 200,
        MinBiddingWindow = 1,
        MaxBiddingWindow = 1_000,
        EndBlockMaxItems = DefaultEndBlockMaxItems,
    };

    /// <summary>
    /// Orders matched, and leases closed for running out, in one block's EndBlock (each queue). One item costs at most
    /// an order's bids (order_max_bids refunds) and a handful of writes, so 100 keeps EndBlock to a few thousand writes.
    /// </summary>
    public const uint DefaultEndBlockMaxItems = 100;

    public static ExecResult Validate(Proto.Market.Params p, string path)
    {
        if (p.OrderMaxBids == 0)
        {
            return MarketErrors.Error(MarketErrors.InvalidParams, $"{path}.order_max_bids must be above 0");
        }

        if (p.EndBlockMaxItems == 0)
        {
            return MarketErrors.Error(MarketErrors.InvalidParams, $"{path}.end_block_max_items must be above 0, or due orders and leases would never be handled");
        }

        if (p.TakeRateBps > BasisPoints)
        {
            return MarketErrors.Error(MarketErrors.InvalidParams, $"{path}.take_rate_bps is {p.TakeRateBps}, at most {BasisPoints} (100%)");
        }

        if (p.MinBiddingWindow == 0 || p.MinBiddingWindow > p.MaxBiddingWindow)
        {
            return MarketErrors.Error(MarketErrors.InvalidParams,
                $"{path}: the bidding window bounds must satisfy 1 <= min_bidding_window ({p.MinBiddingWindow}) <= max_bidding_window ({p.MaxBiddingWindow})");
        }

        if (p.MinOrderDeposit == 0)
        {
            return MarketErrors.Error(MarketErrors.InvalidParams, $"{path}.min_order_deposit must be above 0");
        }

        return ExecResult.Ok;
    }
}
