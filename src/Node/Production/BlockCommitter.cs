using System.Diagnostics;
using Chain.Node.Events;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Modules;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Chain.Node.Production;

/// <summary>
/// Executes a decided block and commits it with its commit: state, block and results in one synced
/// batch; then the mempool drops the block's txs, waiters and subscribers hear of it, metrics move.
/// </summary>
public sealed class BlockCommitter(
    BlockExecutor executor,
    Mempool.Mempool mempool,
    CommitWaiters waiters,
    EventBus events,
    NodeMetrics metrics,
    ILogger<BlockCommitter> logger)
{
    /// <summary>
    /// Executes <paramref name="block"/> (its modules see <paramref name="lastCommitVotes"/> in BeginBlock), lets
    /// <paramref name="stageBeside"/> read the outcome and add what is kept with the block to the same batch, and
    /// commits it with <paramref name="commit"/>.
    /// </summary>
    public void ExecuteAndCommit(Block block, Commit commit, IReadOnlyList<VoteInfo> lastCommitVotes, Action<BlockExecution> stageBeside)
    {
        // New txs wait while the block executes, commits and the pool is updated: block production goes first, and
        // the txs that keep arriving queue (or are refused once the queue is full) instead of slowing the chain.
        using var paused = block.Data.Txs.Count > 0 ? mempool.PauseAdmission() : null;
        long executing = Stopwatch.GetTimestamp();
        // The block's txs that this node admitted are still in the pool (Update below removes them): execution takes
        // them decoded from there; the rest (another node's txs, block sync) are decoded as they come.
        using BlockExecution execution = executor.Execute(block, lastCommitVotes, mempool);
        stageBeside(execution);
        long started = Stopwatch.GetTimestamp();
        executor.Commit(execution, commit);
        long written = Stopwatch.GetTimestamp();
        var hashes = new List<byte[]>(execution.Results.Results.Count);
        foreach (var r in execution.Results.Results)
        {
            hashes.Add(r.TxHash.ToByteArray());
        }

        mempool.Update(hashes);
        paused?.Dispose();
        long updated = Stopwatch.GetTimestamp();
        waiters.Resolve(execution.Results);
        events.Publish(execution.Block.Header.Height, execution.Results);
        metrics.OnBlock(execution, mempool.Count, Stopwatch.GetElapsedTime(started, written).TotalSeconds);
        metrics.OnValueCache(executor.Committed.Cache);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Committed block {Height} with {TxCount} txs, app hash {AppHash} (execute {ExecuteMs} ms, write {WriteMs} ms, mempool update {MempoolMs} ms, {MempoolSize} txs left)",
                execution.Block.Header.Height,
                execution.Block.Data.Txs.Count,
                Convert.ToHexString(execution.AppHash),
                (long)Stopwatch.GetElapsedTime(executing, started).TotalMilliseconds,
                (long)Stopwatch.GetElapsedTime(started, written).TotalMilliseconds,
                (long)Stopwatch.GetElapsedTime(written, updated).TotalMilliseconds,
                mempool.Count);
        }
    }
}
