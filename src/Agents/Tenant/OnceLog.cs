namespace Chain.Agents.Tenant;

/// <summary>
/// Conditions that hold for many steps (budget exhausted, files that do not fit the chain) are logged when they begin or
/// change, not at every poll.
/// </summary>
internal sealed class OnceLog(AgentLog log)
{
    private readonly Dictionary<string, string> _said = new(StringComparer.Ordinal);

    public void Warn(string topic, string message)
    {
        if (!_said.TryGetValue(topic, out var last) || last != message)
        {
            _said[topic] = message;
            log.Warn(message);
        }
    }

    /// <summary>The condition of <paramref name="topic"/> is over: the next warning about it is logged again.</summary>
    public void Clear(string topic) => _said.Remove(topic);
}
