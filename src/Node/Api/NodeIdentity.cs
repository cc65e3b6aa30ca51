namespace Chain.Node.Api;

/// <summary>The node's id (hex address of its node key) and its validator address.</summary>
public sealed record NodeIdentity(string NodeId, byte[] ValidatorAddress)
{
    public static string Version => typeof(NodeIdentity).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
