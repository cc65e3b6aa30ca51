using Google.Protobuf;

namespace Chain.Agents.Tenant;

/// <summary>
/// Sends the agent's txs: each under an action name ("order #1", "top-up lease 7"), logged with the result, and after a
/// refusal not sent again for a while (5 blocks, doubling up to 100) so a tx the chain keeps refusing does not cost a
/// fee every poll. Process-local: a restart tries everything again at once.
/// </summary>
internal sealed class TenantTxSender(AgentChain chain, AgentLog log, TenantMetrics metrics)
{
    private const ulong FirstBackoff = 5;
    private const ulong MaxBackoff = 100;

    private readonly Dictionary<string, (ulong At, ulong Backoff)> _retry = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="action"/> waits after a refusal at <paramref name="height"/>.</summary>
    public bool Waiting(string action, ulong height) => _retry.TryGetValue(action, out var r) && height < r.At;

    /// <summary>
    /// Signs and sends <paramref name="message"/> unless the action waits; true when the chain accepted it.
    /// <paramref name="detail"/> is logged with the action but is not part of its name.
    /// </summary>
    public async Task<bool> SendAsync(string action, IMessage message, ulong height, CancellationToken ct, string detail = "")
    {
        if (Waiting(action, height))
        {
            return false;
        }

        var result = await chain.SendAsync(message, ct);
        if (result.Code == 0)
        {
            _retry.Remove(action);
            log.Info($"{action}{detail}: {message.Descriptor.Name} committed at height {result.Height} (tx {Convert.ToHexString(result.TxHash.Span)})");
            return true;
        }

        var backoff = _retry.TryGetValue(action, out var last) ? Math.Min(last.Backoff * 2, MaxBackoff) : FirstBackoff;
        _retry[action] = (height + backoff, backoff);
        metrics.Refused.WithLabels(message.Descriptor.Name).Inc();
        log.Warn($"{action}{detail}: {message.Descriptor.Name} refused: code {result.Code} ({result.Codespace}) {result.Log}; trying again from height {height + backoff}");
        return false;
    }
}
