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

        if (request.Prove)
        {
            var proof = Prove(BankKeys.InState(BankKeys.Balance(address, denom)));
            var amount = proof.Value.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(proof.Value.Span) : 0;
            return Task.FromResult(new QueryBalanceResponse { Balance = new Coin { Denom = denom, Amount = amount }, Height = proof.Version, Proof = proof });
        }

        return Task.FromResult(new QueryBalanceResponse
        {
            Balance = new Coin { Denom = denom, Amount = bank.GetBalance(executor.Committed, address, denom) },
            Height = executor.LastHeight,
        });
    }

    public override Task<QueryAccountResponse> Account(QueryAccountRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, "address");
        if (request.Prove)
        {
            var proof = Prove(BankKeys.InState(BankKeys.Account(address)));
            if (!proof.Exists)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"account {request.Address} does not exist at height {proof.Version}"));
            }

            var proved = Proto.Bank.Account.Parser.ParseFrom(proof.Value);
            proved.Address = request.Address;
            return Task.FromResult(new QueryAccountResponse { Account = proved, Height = proof.Version, Proof = proof });
        }

        var account = bank.GetAccount(new ReadOnlyStateStore(executor.Committed), address)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"account {request.Address} does not exist (it has never received funds)"));
        account.Address = request.Address;
        return Task.FromResult(new QueryAccountResponse { Account = account, Height = executor.LastHeight });
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
            Amount = new Coin { Denom = denom, Amount = bank.GetSupply(executor.Committed, denom) },
            Height = executor.LastHeight,
        });
    }

    /// <summary>
    /// Proves <paramref name="key"/> at the state after block H-1, where H is the latest committed block:
    /// that root is the app hash in block H's header, so a client can check the proof against a header it has.
    /// </summary>
    private StateProof Prove(byte[] key)
    {
        var latest = executor.LastHeight;
        if (latest == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "no block is committed yet, so no header carries an app hash to prove against"));
        }

        var version = latest - 1;
        Chain.State.Commitment.StateProofResult? proof;
        try
        {
            proof = executor.Commitment.Prove(key, version);
        }
        catch (Chain.State.Tree.VersionNotAvailableException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        if (proof is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "this node's state commitment does not produce proofs"));
        }

        return new StateProof
        {
            Version = proof.Version,
            Key = ByteString.CopyFrom(key),
            Proof = ByteString.CopyFrom(proof.Proof),
            Exists = proof.Value is not null,
            Value = proof.Value is null ? ByteString.Empty : ByteString.CopyFrom(proof.Value),
        };
    }

    private static byte[] ParseAddress(string text, string field) =>
        Address.TryFromBech32(text, out var address, out var error)
            ? address
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {error}"));
}
