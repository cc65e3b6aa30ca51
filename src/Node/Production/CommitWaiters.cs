using Chain.Proto.Types;
using Chain.State.Storage;

namespace Chain.Node.Production;

/// <summary>
/// Lets BroadcastTx in commit mode wait for its tx to land in a block. Several calls may wait for the same
/// tx (a resend); each one that gives up cancels only its own wait.
/// </summary>
public sealed class CommitWaiters
{
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], (TaskCompletionSource<TxResult> Done, int Waiters)> _waiting = new(ByteArrayComparer.Instance);

    public Task<TxResult> WaitFor(byte[] txHash)
    {
        lock (_gate)
        {
            var (done, waiters) = _waiting.TryGetValue(txHash, out var entry)
                ? entry
                : (new TaskCompletionSource<TxResult>(TaskCreationOptions.RunContinuationsAsynchronously), 0);
            _waiting[txHash] = (done, waiters + 1);
            return done.Task;
        }
    }

    /// <summary>One waiter gives up; the tx is forgotten once no one waits for it.</summary>
    public void Cancel(byte[] txHash)
    {
        lock (_gate)
        {
            if (!_waiting.TryGetValue(txHash, out var entry))
            {
                return;
            }

            if (entry.Waiters <= 1)
            {
                _waiting.Remove(txHash);
            }
            else
            {
                _waiting[txHash] = (entry.Done, entry.Waiters - 1);
            }
        }
    }

    public void Resolve(BlockResults results)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return;
            }

            foreach (var r in results.Results)
            {
                if (_waiting.Remove(r.TxHash.ToByteArray(), out var entry))
                {
                    entry.Done.TrySetResult(r);
                }
            }
        }
    }
}
