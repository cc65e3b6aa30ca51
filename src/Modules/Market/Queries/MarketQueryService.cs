using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Queries;
using Grpc.Core;

namespace Chain.Modules.Market.Queries;

/// <summary>chain.market.v1.Query over the committed state: single records by id, and paginated, filtered lists.</summary>
public sealed class MarketQueryService(QueryContext state, MarketQueries queries) : Query.QueryBase
{
    public override Task<QueryParamsResponse> Params(QueryParamsRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryParamsResponse { Params = queries.Params(state.Committed), Height = state.Height });

    public override Task<QueryProviderResponse> Provider(QueryProviderRequest request, ServerCallContext context)
    {
        var owner = QueryContext.ParseAddress(request.Owner, "owner");
        var provider = queries.Provider(state.Committed, owner)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"{request.Owner} is not a provider"));
        return Task.FromResult(new QueryProviderResponse { Provider = provider, Height = state.Height });
    }

    public override Task<QueryProvidersResponse> Providers(QueryProvidersRequest request, ServerCallContext context)
    {
        var response = new QueryProvidersResponse { Height = state.Height };
        Check(queries.Providers(state.Committed, request.Pagination, response));
        return Task.FromResult(response);
    }

    public override Task<QueryOrderResponse> Order(QueryOrderRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryOrderResponse
        {
            Order = queries.Order(state.Committed, request.Id) ?? throw NotFound("order", request.Id),
            Height = state.Height,
        });

    public override Task<QueryOrdersResponse> Orders(QueryOrdersRequest request, ServerCallContext context)
    {
        var response = new QueryOrdersResponse { Height = state.Height };
        Check(queries.Orders(state.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryBidResponse> Bid(QueryBidRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryBidResponse
        {
            Bid = queries.Bid(state.Committed, request.Id) ?? throw NotFound("bid", request.Id),
            Height = state.Height,
        });

    public override Task<QueryBidsResponse> Bids(QueryBidsRequest request, ServerCallContext context)
    {
        var response = new QueryBidsResponse { Height = state.Height };
        Check(queries.Bids(state.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryLeaseResponse> Lease(QueryLeaseRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryLeaseResponse
        {
            Lease = queries.Lease(state.Committed, request.Id) ?? throw NotFound("lease", request.Id),
            Height = state.Height,
        });

    public override Task<QueryLeasesResponse> Leases(QueryLeasesRequest request, ServerCallContext context)
    {
        var response = new QueryLeasesResponse { Height = state.Height };
        Check(queries.Leases(state.Committed, request, response));
        return Task.FromResult(response);
    }

    public override Task<QueryEscrowAccountResponse> EscrowAccount(QueryEscrowAccountRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryEscrowAccountResponse
        {
            Account = queries.EscrowAccount(state.Committed, request.Id) ?? throw NotFound("escrow account", request.Id),
            Height = state.Height,
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
