namespace Chain.Agents;

/// <summary>An agent's log: one line per event, UTC time first, to the given writer (stderr by default).</summary>
public sealed class AgentLog(TextWriter writer, string agent)
{
    private readonly object _lock = new();

    public void Info(string message) => Write("INF", message);

    public void Warn(string message) => Write("WRN", message);

    public void Error(string message) => Write("ERR", message);

    private void Write(string level, string message)
    {
        lock (_lock)
        {
            writer.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level} {agent}: {message}");
            writer.Flush();
        }
    }
}
