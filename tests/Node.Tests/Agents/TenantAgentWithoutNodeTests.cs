using Chain.Agents;
using Chain.Agents.Tenant;
using Chain.Crypto;

namespace Chain.Node.Tests.Agents;

/// <summary>A node that does not answer: the agent logs it once, counts the failed steps, keeps polling, and stops cleanly.</summary>
public sealed class TenantAgentWithoutNodeTests
{
    [Fact]
    public async Task The_agent_keeps_polling_a_node_that_does_not_answer_and_stops_when_cancelled()
    {
        var node = $"127.0.0.1:{TestNode.FreePort()}";
        var config = TenantConfig.Parse($"""
            node = "{node}"
            key = "tenant"
            poll_interval = "50ms"

            [[order]]
            max_price = "100uchn"
            deposit = "1chn"
            """, "tenant.toml", Path.GetTempPath(), Path.GetTempPath());
        using var chain = new AgentChain(config.Agent.Node, PrivateKey.Generate(), config.Agent.Fee, config.Agent.Gas);
        var log = new CapturedLog();
        var agent = TenantTestChain.Agent(config, chain, log);

        using var stop = new CancellationTokenSource();
        var run = agent.RunAsync(stop.Token);
        await TenantTestChain.WaitFor(() => Task.FromResult(agent.Metrics.StepErrors.Value), errors => errors >= 3, "three failed steps", log);
        await stop.CancelAsync();
        await run;

        var text = log.ToString();
        Assert.Single(text.Split('\n'), line => line.Contains($"the node at {node} did not answer (Unavailable", StringComparison.Ordinal));
        Assert.EndsWith("stopped\n", text, StringComparison.Ordinal);
        Assert.Equal(0, agent.Metrics.OrdersPosted.Value);
    }
}
