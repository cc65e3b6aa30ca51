using System.Buffers.Binary;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Queries;
using Chain.State.Store;
using Chain.State.Types;
using Grpc.Core;

namespace Chain.Modules.Bank.Queries;

/// <summary>chain.bank.v1.Query over the committed state, with proofs (<see cref="QueryContext.Prove"/>).</summary>
public sealed class BankQueryService(QueryContext queries, BankKeeper bank) : Query.QueryBase
{
    public override Task<QueryBalanceResponse> Balance(QueryBalanceRequest request, ServerCallContext context)
    {
        var address = QueryContext.ParseAddress(request.Address, "address");
        var denom = Denom(request.Denom);
        if (request.Prove)
        {
            var proof = queries.Prove(BankKeys.InState(BankKeys.Balance(address, denom)));
            var amount = proof.Value.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(proof.Value.Span) : 0;
            return Task.FromResult(new QueryBalanceResponse { Balance = new Coin { Denom = denom, Amount = amount }, Height = proof.Version, Proof = proof });
        }

        var height = queries.Height;
        return Task.FromResult(new QueryBalanceResponse
        {
            Balance = new Coin { Denom = denom, Amount = bank.GetBalance(queries.Committed, address, denom) },
            Height = height,
        });
    }

    public override Task<QueryAccountResponse> Account(QueryAccountRequest request, ServerCallContext context)
    {
        var address = QueryContext.ParseAddress(request.Address, "address");
        if (request.Prove)
        {
            var proof = queries.Prove(BankKeys.InState(BankKeys.Account(address)));
            if (!proof.Exists)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"account {request.Address} does not exist at height {proof.Version}"));
            }

            var proved = Proto.Bank.Account.Parser.ParseFrom(proof.Value);
            proved.Address = request.Address;
            return Task.FromResult(new QueryAccountResponse { Account = proved, Height = proof.Version, Proof = proof });
        }

        var height = queries.Height;
        var account = bank.GetAccount(new ReadOnlyStateStore(queries.Committed), address)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account {request.Address} does not exist (it has never received funds)"));
        account.Address = request.Address;
        return Task.FromResult(new QueryAccountResponse { Account = account, Height = height });
    }

    public override Task<QuerySupplyResponse> Supply(QuerySupplyRequest request, ServerCallContext context)
    {
        var denom = Denom(request.Denom);
        var height = queries.Height;
        return Task.FromResult(new QuerySupplyResponse
        {
            Amount = new Coin { Denom = denom, Amount = bank.GetSupply(queries.Committed, denom) },
            Height = height,
        });
    }

    public override Task<QueryParamsResponse> Params(QueryParamsRequest request, ServerCallContext context)
    {
        var height = queries.Height;
        return Task.FromResult(new QueryParamsResponse { Params = bank.GetParams(queries.Committed), Height = height });
    }

    private static string Denom(string requested)
    {
        var denom = string.IsNullOrEmpty(requested) ? Coins.BaseDenom : requested;
        return Coins.IsValidDenom(denom)
            ? denom
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"denom: '{denom}' is not a valid denomination"));
    }
}
