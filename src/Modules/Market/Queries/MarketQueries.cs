using Chain.Crypto;
using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.Modules.Market.Queries;

/// <summary>
/// Paginated, filtered reads of the market over a state (the node passes committed state). A filter picks the
/// index to walk (owner, provider, order or state) and any other filter is applied to the records found; the
/// page key is the index key to resume at. Bad filters come back as an error result, not an exception.
/// </summary>
public sealed class MarketQueries(MarketKeeper keeper)
{
    public const uint DefaultLimit = 100;
    public const uint MaxLimit = 1000;

    private MarketRecords Records => keeper.Records;

    public Proto.Market.Params Params(IStateReader state) => Records.GetParams(state);

    public Provider? Provider(IStateReader state, byte[] owner) => Records.GetProvider(state, owner);

    public Order? Order(IStateReader state, ulong id) => Records.GetOrder(state, id);

    public Bid? Bid(IStateReader state, ulong id) => Records.GetBid(state, id);

    public Lease? Lease(IStateReader state, ulong id) => Records.GetLease(state, id);

    public EscrowAccount? EscrowAccount(IStateReader state, ulong id) => Records.GetEscrow(state, id);

    public ExecResult Providers(IStateReader state, PageRequest? page, QueryProvidersResponse response)
    {
        response.Pagination = Walk(state, MarketKeys.Providers, page, (_, value) =>
        {
            response.Providers.Add(Proto.Market.Provider.Parser.ParseFrom(value));
            return true;
        });
        return ExecResult.Ok;
    }

    public ExecResult Orders(IStateReader state, QueryOrdersRequest request, QueryOrdersResponse response)
    {
        byte[] prefix;
        if (request.Owner.Length != 0)
        {
            if (!Address.TryFromBech32(request.Owner, out var owner, out var error))
            {
                return MarketErrors.Error(MarketErrors.InvalidAddress, $"owner: {error}");
            }

            prefix = MarketKeys.OrdersByOwner(owner);
        }
        else
        {
            prefix = request.State == OrderState.Unspecified ? MarketKeys.Orders : MarketKeys.OrdersByState((int)request.State);
        }

        var primary = prefix == MarketKeys.Orders;
        response.Pagination = Walk(state, prefix, request.Pagination, (key, value) =>
        {
            var order = primary ? Proto.Market.Order.Parser.ParseFrom(value) : Records.GetOrder(state, MarketKeys.TrailingId(key))!;
            if (request.State != OrderState.Unspecified && order.State != request.State)
            {
                return false;
            }

            response.Orders.Add(order);
            return true;
        });
        return ExecResult.Ok;
    }

    public ExecResult Bids(IStateReader state, QueryBidsRequest request, QueryBidsResponse response)
    {
        byte[]? providerAddress = null;
        if (request.Provider.Length != 0 && !Address.TryFromBech32(request.Provider, out providerAddress, out var error))
        {
            return MarketErrors.Error(MarketErrors.InvalidAddress, $"provider: {error}");
        }

        var provider = providerAddress is null ? null : Address.ToBech32(providerAddress);
        var prefix = request.OrderId != 0 ? MarketKeys.BidsByOrder(request.OrderId)
            : providerAddress is not null ? MarketKeys.BidsByProvider(providerAddress)
            : request.State == BidState.Unspecified ? MarketKeys.Bids : MarketKeys.BidsByState((int)request.State);

        var primary = prefix == MarketKeys.Bids;
        response.Pagination = Walk(state, prefix, request.Pagination, (key, value) =>
        {
            var bid = primary ? Proto.Market.Bid.Parser.ParseFrom(value) : Records.GetBid(state, MarketKeys.TrailingId(key))!;
            if ((request.State != BidState.Unspecified && bid.State != request.State) || (provider is not null && bid.Provider != provider))
            {
                return false;
            }

            response.Bids.Add(bid);
            return true;
        });
        return ExecResult.Ok;
    }

    public ExecResult Leases(IStateReader state, QueryLeasesRequest request, QueryLeasesResponse response)
    {
        string? owner = null, provider = null;
        if (request.Owner.Length != 0)
        {
            if (!Address.TryFromBech32(request.Owner, out var a, out var error))
            {
                return MarketErrors.Error(MarketErrors.InvalidAddress, $"owner: {error}");
            }

            owner = Address.ToBech32(a);
        }

        if (request.Provider.Length != 0)
        {
            if (!Address.TryFromBech32(request.Provider, out var a, out var error))
            {
                return MarketErrors.Error(MarketErrors.InvalidAddress, $"provider: {error}");
            }

            provider = Address.ToBech32(a);
        }

        var prefix = owner is not null ? MarketKeys.LeasesByTenant(Address.FromBech32(owner))
            : provider is not null ? MarketKeys.LeasesByProvider(Address.FromBech32(provider))
            : request.State == LeaseState.Unspecified ? MarketKeys.Leases : MarketKeys.LeasesByState((int)request.State);
        var primary = prefix == MarketKeys.Leases;
        response.Pagination = Walk(state, prefix, request.Pagination, (key, value) =>
        {
            var lease = primary ? Proto.Market.Lease.Parser.ParseFrom(value) : Records.GetLease(state, MarketKeys.TrailingId(key))!;
            if ((request.State != LeaseState.Unspecified && lease.State != request.State)
                || (owner is not null && lease.Tenant != owner) || (provider is not null && lease.Provider != provider))
            {
                return false;
            }

            response.Leases.Add(lease);
            return true;
        });
        return ExecResult.Ok;
    }

    /// <summary>Walks the keys under <paramref name="prefix"/> from the page key; <paramref name="take"/> says whether an entry matched.</summary>
    private static PageResponse Walk(IStateReader state, byte[] prefix, PageRequest? page, Func<byte[], byte[], bool> take)
    {
        var limit = page is null || page.Limit == 0 ? DefaultLimit : Math.Min(page.Limit, MaxLimit);
        var start = page?.Key.ToByteArray() ?? [];
        uint taken = 0;
        foreach (var (key, value) in MarketRecords.Scoped(state).IteratePrefix(prefix))
        {
            if (start.Length != 0 && key.AsSpan().SequenceCompareTo(start) < 0)
            {
                continue;
            }

            if (taken == limit)
            {
                return new PageResponse { NextKey = ByteString.CopyFrom(key) };
            }

            if (take(key, value))
            {
                taken++;
            }
        }

        return new PageResponse();
    }
}
