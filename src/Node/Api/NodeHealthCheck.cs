using Chain.Node.Config;
using Chain.Node.Reactors;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chain.Node.Api;

/// <summary>
/// The node's health as the gRPC health service (grpc.health.v1.Health, service "") reports it: SERVING when it is
/// caught up and committing; NOT_SERVING while block sync catches up with peers, or when its height has not moved
/// for health.halt_after (halted: no quorum, no peers, or stuck).
/// </summary>
public sealed class NodeHealthCheck(BlockSyncReactor sync, NodeConfig config) : IHealthCheck
{
    public const string Name = "node";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = sync.Progress();
        if (progress.CatchingUp)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"catching up: height {progress.LatestHeight} of {progress.TargetHeight}"));
        }

        var since = sync.SinceLastCommit();
        if (since > config.Health.HaltAfter)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"halted: height {progress.LatestHeight} has not moved for {since.TotalSeconds:0} s (health.halt_after {Duration.Format(config.Health.HaltAfter)})"));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"committing at height {progress.LatestHeight}"));
    }
}
