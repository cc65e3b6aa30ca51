using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Transactions;
using Chain.Node.Production;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Node.Api;

/// <summary>
/// chain.tx.v1.Service: broadcast (sync or commit), simulate, and look up committed txs.
/// The three report different gas_used by design, because they run different parts of a tx:
/// sync broadcast answers with CheckTx, which runs the ante checks only (tx size, account, sequence, signature, fee and
/// sequence bump) and not the messages, as the Cosmos SDK's CheckTx does: executing every message at admission would let
/// each peer-gossiped tx cost every node its full execution, again at each recheck; so its gas_used is the ante's part
/// (about 18,000 for a transfer). Commit mode and GetTx give the executed result: the same ante plus the messages (about
/// 35,000 for a transfer to a new account). Simulate runs both against the committed state: use it to choose a gas limit.
/// docs/clients.md, "Gas and fees".
/// </summary>
public sealed class TxApi(BlockExecutor executor, Mempool.Mempool mempool, CommitWaiters waiters) : Service.ServiceBase
{
    /// <summary>How long commit mode waits for the tx to land in a block.</summary>
    public static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(30);

    /// <summary>Sync: the CheckTx result (ante gas only). Commit: the executed result, once the tx is in a block.</summary>
    public override async Task<BroadcastTxResponse> BroadcastTx(BroadcastTxRequest request, ServerCallContext context)
    {
        var mode = request.Mode == BroadcastMode.Unspecified ? BroadcastMode.Sync : request.Mode;
        if (mode is not (BroadcastMode.Sync or BroadcastMode.Commit))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"mode: unknown broadcast mode {(int)request.Mode}; use SYNC or COMMIT"));
        }

        var bytes = request.TxBytes.ToByteArray();
        var hash = TxFactory.Hash(bytes);
        Task<TxResult>? committed = mode == BroadcastMode.Commit ? waiters.WaitFor(hash) : null;
        var check = await mempool.CheckTxAsync(bytes, Mempool.TxOrigin.Client);
        if (check.Code != 0 || committed is null)
        {
            if (committed is not null)
            {
                waiters.Cancel(hash);
            }

            return new BroadcastTxResponse { TxHash = ByteString.CopyFrom(hash), Result = check };
        }

        var finished = await Task.WhenAny(committed, Task.Delay(CommitWait, context.CancellationToken));
        if (finished != committed)
        {
            waiters.Cancel(hash);
            if (context.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "client cancelled while waiting for the commit"));
            }

            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"tx {Convert.ToHexString(hash)} is in the mempool but was not committed within {CommitWait.TotalSeconds:0} s; query it later with GetTx"));
        }

        var result = await committed;
        return new BroadcastTxResponse { TxHash = ByteString.CopyFrom(hash), Result = result, Height = result.Height };
    }

    /// <summary>Most txs in one BroadcastTxs call. The request's bytes are bounded by the server's message limit (one
    /// tx's maximum size plus 64 KiB), so a batch costs at most what one large tx does.</summary>
    public const int MaxBatchTxs = 1000;

    /// <summary>
    /// Sync broadcast of several txs: each is admitted (or refused) as <see cref="BroadcastTx"/> in sync mode would, in
    /// the request's order, with the batch's signatures verified on all cores. One refused tx does not stop the rest.
    /// </summary>
    public override async Task<BroadcastTxsResponse> BroadcastTxs(BroadcastTxsRequest request, ServerCallContext context)
    {
        if (request.Txs.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "txs: empty; send at least one tx"));
        }

        if (request.Txs.Count > MaxBatchTxs)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"txs: {request.Txs.Count} txs in one call, over the limit of {MaxBatchTxs}; split the batch"));
        }

        var batch = new byte[request.Txs.Count][];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = request.Txs[i].ToByteArray();
        }

        var checks = await mempool.CheckBatchAsync(batch, Mempool.TxOrigin.Client);
        var response = new BroadcastTxsResponse();
        for (var i = 0; i < checks.Length; i++)
        {
            // A refused tx's result may lack its hash (it did not decode); the hash names the tx either way.
            var hash = checks[i].TxHash.Length == 32 ? checks[i].TxHash : ByteString.CopyFrom(TxFactory.Hash(batch[i]));
            response.Results.Add(new BroadcastTxResponse { TxHash = hash, Result = checks[i] });
        }

        return response;
    }

    /// <summary>Executes the tx (ante and messages) on a throwaway copy of the committed state: the gas_used execution will report.</summary>
    public override Task<SimulateResponse> Simulate(SimulateRequest request, ServerCallContext context)
    {
        var bytes = request.TxBytes.ToByteArray();
        var tx = executor.Processor.Decoder.Decode(bytes, out var error);
        if (tx is null)
        {
            return Task.FromResult(new SimulateResponse { Result = TxProcessor.Result(null, error, 0, []) });
        }

        if (executor.CheckGasLimit(tx) is { IsOk: false } tooMuchGas)
        {
            return Task.FromResult(new SimulateResponse { Result = TxProcessor.Result(tx, tooMuchGas, 0, []) });
        }

        var cache = new CacheState(executor.Committed);
        var next = new BlockInfo(executor.ChainId, executor.LastHeight + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000, []);
        var result = executor.Processor.Deliver(cache, tx, next);
        return Task.FromResult(new SimulateResponse { Result = result });
    }

    public override Task<GetTxResponse> GetTx(GetTxRequest request, ServerCallContext context)
    {
        if (request.TxHash.Length != 32)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"tx_hash: expected 32 bytes, got {request.TxHash.Length}"));
        }

        var stored = executor.Blocks.GetTx(request.TxHash.Span)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"tx {Convert.ToHexString(request.TxHash.Span)} is not in a committed block"));
        return Task.FromResult(new GetTxResponse { TxBytes = stored.Tx, Result = stored.Result });
    }
}
