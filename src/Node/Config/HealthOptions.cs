namespace Chain.Node.Config;

/// <summary>[health]: when the gRPC health service reports NOT_SERVING.</summary>
public sealed record HealthOptions
{
    /// <summary>A node whose height has not moved for this long counts as halted (NOT_SERVING).</summary>
    public TimeSpan HaltAfter { get; init; } = TimeSpan.FromSeconds(30);
}
