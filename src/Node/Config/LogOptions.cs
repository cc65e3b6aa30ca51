using Serilog.Events;

namespace Chain.Node.Config;

/// <summary>[log]: Serilog output.</summary>
public sealed record LogOptions
{
    /// <summary>Least severe level written.</summary>
    public LogEventLevel Level { get; init; } = LogEventLevel.Information;

    /// <summary>Console format.</summary>
    public LogFormat Format { get; init; } = LogFormat.Plain;

    /// <summary>Also write compact JSON lines to this file (relative to the home); empty = console only.</summary>
    public string File { get; init; } = string.Empty;
}
