using System.Net;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Tests.Cli;

/// <summary>An in-process gRPC server on a free loopback port answering Status, bank Account/Balance and BroadcastTx.</summary>
public sealed class FakeNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeNode(WebApplication app, FakeNodeState state, string address)
    {
        _app = app;
        State = state;
        Address = address;
    }

    public FakeNodeState State { get; }

    public string Address { get; }

    public static async Task<FakeNode> StartAsync(FakeNodeState state)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<StatusService>();
        app.MapGrpcService<BankService>();
        app.MapGrpcService<TxService>();
        await app.StartAsync();
        var address = new Uri(app.Urls.First()).Authority;
        return new FakeNode(app, state, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class StatusService(FakeNodeState state) : Chain.Proto.NodeService.Status.StatusBase
    {
        public override Task<StatusResponse> GetStatus(StatusRequest request, ServerCallContext context) =>
            Task.FromResult(new StatusResponse { ChainId = state.ChainId, Moniker = "fake", LatestHeight = 42 });
    }

    private sealed class BankService(FakeNodeState state) : Query.QueryBase
    {
        public override Task<QueryAccountResponse> Account(QueryAccountRequest request, ServerCallContext context) =>
            state.Accounts.TryGetValue(request.Address, out var account)
                ? Task.FromResult(new QueryAccountResponse { Account = account, Height = 42 })
                : throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"account {request.Address} not found"));

        public override Task<QueryBalanceResponse> Balance(QueryBalanceRequest request, ServerCallContext context) =>
            Task.FromResult(new QueryBalanceResponse { Balance = new Coin { Denom = request.Denom, Amount = 777 }, Height = 42 });
    }

    private sealed class TxService(FakeNodeState state) : Service.ServiceBase
    {
        public override Task<BroadcastTxResponse> BroadcastTx(BroadcastTxRequest request, ServerCallContext context)
        {
            state.Broadcasts.Add(request);
            return Task.FromResult(new BroadcastTxResponse { Result = state.Result.Clone(), Height = 43 });
        }
    }
}
