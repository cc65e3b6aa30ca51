using Chain.Crypto;
using Chain.Modules.Market;
using Chain.Proto.Market;
using Chain.State.Execution;
using Chain.State.Modules;
using Grpc.Core;

namespace Chain.Node.Api;

/// <summary>chain.market.v1.Query over the committed state: single records by id, and paginated, filtered lists.</summary>
public sealed class MarketQueryApi(BlockExecutor executor, MarketQueries queries) : Query.QueryBase
{
    public override Task<QueryParamsResponse> Params(QueryParamsRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryParamsResponse { Params = queries.Params(executor.Committed), Height = executor.LastHeight });

    public override Task<QueryProviderResponse> Provider(QueryProviderRequest request, ServerCallContext context)
    {
        var owner = Address.TryFromBech32(request.Owner, out var a, out var error)
            ? a
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"owner: {error}"));
        var provider = queries.Provider(executor.Committed, owner)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"{request.Owner} is not a provider"));
        return Task.FromResult(new QueryProviderResponse { Provider = provider, Height = executor.LastHeight });
    }

    public override Task<QueryProvidersResponse> Providers(QueryProvidersRequest request, ServerCallContext context)
    {
        var response = new QueryProvidersResponse { Height = executor.LastHeight };
        Check(queries.Providers(executor.Committed, request.Pagination, response));
        return Task.FromResult(response);
    }

    public override Task<QueryOrderResponse> Order(QueryOrderRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryOrderResponse
        {
            Order = queries.Order(executor.Committed, request.Id) ?? throw NotFound("order", request.Id),
            Height = executor.LastHeight,
        });

    public override Task<QueryOrdersResponse> Orders(QueryOrdersRequest request, ServerCallContext context)
    {
        var response = new QueryOrdersResponse { Height = executor.LastHeight };
        Check(queries.Orders(executor.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryBidResponse> Bid(QueryBidRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryBidResponse
        {
            Bid = queries.Bid(executor.Committed, request.Id) ?? throw NotFound("bid", request.Id),
            Height = executor.LastHeight,
        });

    public override Task<QueryBidsResponse> Bids(QueryBidsRequest request, ServerCallContext context)
    {
        var response = new QueryBidsResponse { Height = executor.LastHeight };
        Check(queries.Bids(executor.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryLeaseResponse> Lease(QueryLeaseRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryLeaseResponse
        {
            Lease = queries.Lease(executor.Committed, request.Id) ?? throw NotFound("lease", request.Id),
            Height = executor.LastHeight,
        });

    public override Task<QueryLeasesResponse> Leases(QueryLeasesRequest request, ServerCallContext context)
    {
        var response = new QueryLeasesResponse { Height = executor.LastHeight };
        Check(queries.Leases(executor.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryEscrowAccountResponse> EscrowAccount(QueryEscrowAccountRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryEscrowAccountResponse
        {
            Account = queries.EscrowAccount(executor.Committed, request.Id) ?? throw NotFound("escrow account", request.Id),
            Height = executor.LastHeight,
        });

    private static RpcException NotFound(string what, ulong id) => new(new Status(StatusCode.NotFound, $"{what} {id} does not exist"));

    private static void Check(ExecResult result)
    {
        if (!result.IsOk)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, result.Log));
        }
    }
}
