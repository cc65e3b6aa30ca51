using Chain.Crypto;
using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Queries;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Modules.Work.Queries;

/// <summary>chain.work.v1.Query over the committed state: params, providers' bonds and track records, leases' open rounds, receipts and the reward pool.</summary>
public sealed class WorkQueryService(QueryContext state, WorkKeeper keeper) : Query.QueryBase
{
    private WorkRecords Records => keeper.Records;

    public override Task<QueryParamsResponse> Params(QueryParamsRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryParamsResponse { Params = Records.GetParams(state.Committed), Height = state.Height });

    public override Task<QueryProviderResponse> Provider(QueryProviderRequest request, ServerCallContext context)
    {
        var address = QueryContext.ParseAddress(request.Provider, "provider");
        var record = Records.GetProvider(state.Committed, address) ?? throw NotFound($"{request.Provider} has no work record (no bond, lease or receipt yet)");
        return Task.FromResult(new QueryProviderResponse { Provider = record, Height = state.Height });
    }

    public override Task<QueryProvidersResponse> Providers(QueryProvidersRequest request, ServerCallContext context)
    {
        var response = new QueryProvidersResponse { Height = state.Height };
        var items = Records.AllProviders(state.Committed).Select(p => (Key: Address.FromBech32(p.Provider), Item: p));
        response.Pagination = Page(items, request.Pagination, response.Providers);
        return Task.FromResult(response);
    }

    public override Task<QueryLeaseWorkResponse> LeaseWork(QueryLeaseWorkRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryLeaseWorkResponse
        {
            Lease = Records.GetLease(state.Committed, request.LeaseId) ?? throw NotFound($"lease {request.LeaseId} has no work record"),
            Height = state.Height,
        });

    public override Task<QueryReceiptResponse> Receipt(QueryReceiptRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryReceiptResponse
        {
            Receipt = Records.GetReceipt(state.Committed, request.LeaseId, request.Round) ?? throw NotFound($"lease {request.LeaseId} has no receipt for round {request.Round}"),
            Height = state.Height,
        });

    public override Task<QueryReceiptsResponse> Receipts(QueryReceiptsRequest request, ServerCallContext context)
    {
        var response = new QueryReceiptsResponse { Height = state.Height };
        var items = Records.ReceiptsOf(state.Committed, request.LeaseId).Select(r => (Key: WorkKeys.U64(r.Round), Item: r));
        response.Pagination = Page(items, request.Pagination, response.Receipts);
        return Task.FromResult(response);
    }

    public override Task<QueryPendingChallengesResponse> PendingChallenges(QueryPendingChallengesRequest request, ServerCallContext context)
    {
        var address = QueryContext.ParseAddress(request.Provider, "provider");
        var response = new QueryPendingChallengesResponse { Height = state.Height };
        response.Receipts.AddRange(Records.AwaitingAnswer(state.Committed, address).Take((int)KeyPages.MaxLimit));
        return Task.FromResult(response);
    }

    public override Task<QueryRewardPoolResponse> RewardPool(QueryRewardPoolRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryRewardPoolResponse
        {
            Pool = Records.GetPool(state.Committed),
            Balance = keeper.Bank.GetBalance(state.Committed, keeper.Staking.WorkRewardAccount, Chain.State.Types.Coins.BaseDenom),
            Height = state.Height,
        });

    private static PageResponse Page<T>(IEnumerable<(byte[] Key, T Item)> items, PageRequest? request, Google.Protobuf.Collections.RepeatedField<T> into) =>
        new() { NextKey = ByteString.CopyFrom(KeyPages.Page(items, request?.Key.ToByteArray() ?? [], request?.Limit ?? 0, into)) };

    private static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));
}
