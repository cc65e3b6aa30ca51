using Chain.Node.Events;
using Chain.Proto.Types;
using Chain.State.Execution;
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
    public BlockExecution Execute(Block block) => executor.Execute(block);

    public void Commit(BlockExecution execution, Commit commit)
    {
        var started = DateTime.UtcNow;
        executor.Commit(execution, commit);
        var hashes = new List<byte[]>(execution.Results.Results.Count);
        foreach (var r in execution.Results.Results)
        {
            hashes.Add(r.TxHash.ToByteArray());
        }

        mempool.Update(hashes);
        waiters.Resolve(execution.Results);
        events.Publish(execution.Block.Header.Height, execution.Results);
        metrics.OnBlock(execution, mempool.Count, (DateTime.UtcNow - started).TotalSeconds);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Committed block {Height} with {TxCount} txs, app hash {AppHash}",
                execution.Block.Header.Height,
                execution.Block.Data.Txs.Count,
                Convert.ToHexString(execution.AppHash));
        }
    }
}
