using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Store;
using Chain.State.Types;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Node.Api;

/// <summary>chain.bank.v1.Query over the committed state, with proofs when the state commitment can prove.</summary>
public sealed class BankQueryApi(BlockExecutor executor, BankKeeper bank) : Query.QueryBase
{
    public override Task<QueryBalanceResponse> Balance(QueryBalanceRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, "address");
        var denom = string.IsNullOrEmpty(request.Denom) ? Coins.BaseDenom : request.Denom;
        if (!Coins.IsValidDenom(denom))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"denom: '{denom}' is not a valid denomination"));
        }

        var height = executor.LastHeight;
        var response = new QueryBalanceResponse
        {
            Balance = new Coin { Denom = denom, Amount = bank.GetBalance(executor.Committed, address, denom) },
            Height = height,
        };
        if (request.Prove)
        {
            response.Proof = Prove(BankKeys.ModulePrefix.Concat(BankKeys.Balance(address, denom)).ToArray(), height);
        }

        return Task.FromResult(response);
    }

    public override Task<QueryAccountResponse> Account(QueryAccountRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, "address");
        var height = executor.LastHeight;
        var account = bank.GetAccount(new ReadOnlyStateStore(executor.Committed), address)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account {request.Address} does not exist (it has never received funds)"));
        account.Address = request.Address;
        var response = new QueryAccountResponse { Account = account, Height = height };
        if (request.Prove)
        {
            response.Proof = Prove(BankKeys.ModulePrefix.Concat(BankKeys.Account(address)).ToArray(), height);
        }

        return Task.FromResult(response);
    }

    public override Task<QuerySupplyResponse> Supply(QuerySupplyRequest request, ServerCallContext context)
    {
        var denom = string.IsNullOrEmpty(request.Denom) ? Coins.BaseDenom : request.Denom;
        if (!Coins.IsValidDenom(denom))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"denom: '{denom}' is not a valid denomination"));
        }

        return Task.FromResult(new QuerySupplyResponse
        {
            Amount = new Coin { Denom = denom, Amount = bank.GetSupply(new ReadOnlyStateStore(executor.Committed), denom) },
            Height = executor.LastHeight,
        });
    }

    private StateProof Prove(byte[] key, ulong height)
    {
        var proof = executor.Commitment.Prove(key, height)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "this node's state commitment does not produce proofs"));
        return new StateProof { Version = proof.Version, Key = ByteString.CopyFrom(key), Proof = ByteString.CopyFrom(proof.Proof), Exists = proof.Value is not null };
    }

    private static byte[] ParseAddress(string text, string field) =>
        Address.TryFromBech32(text, out var address, out var error)
            ? address
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {error}"));
}
