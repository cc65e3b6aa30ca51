using System.Collections.Concurrent;
using Chain.Proto.Types;
using Chain.State.Storage;

namespace Chain.Node.Production;

/// <summary>Lets BroadcastTx in commit mode wait for its tx to land in a block.</summary>
public sealed class CommitWaiters
{
    private readonly ConcurrentDictionary<byte[], TaskCompletionSource<TxResult>> _waiting = new(ByteArrayComparer.Instance);

    public Task<TxResult> WaitFor(byte[] txHash) =>
        _waiting.GetOrAdd(txHash, _ => new TaskCompletionSource<TxResult>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Cancel(byte[] txHash) => _waiting.TryRemove(txHash, out _);

    public void Resolve(BlockResults results)
    {
        if (_waiting.IsEmpty)
        {
            return;
        }

        foreach (var r in results.Results)
        {
            if (_waiting.TryRemove(r.TxHash.ToByteArray(), out var tcs))
            {
                tcs.TrySetResult(r);
            }
        }
    }
}
