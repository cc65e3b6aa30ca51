using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Genesis;

namespace Chain.Node.Hosting;

/// <summary>Runs a node until cancelled. Placeholder: the running node replaces this file.</summary>
public static class NodeRunner
{
    public static Task<int> RunAsync(NodeHome home, NodeConfig config, GenesisDoc genesis, PrivateKey validatorKey, CancellationToken ct) =>
        throw new NotImplementedException("the running node is not part of this build yet");
}
