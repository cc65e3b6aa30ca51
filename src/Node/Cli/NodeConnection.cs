using Chain.Node.Config;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Node.Cli;

/// <summary>A plaintext HTTP/2 gRPC channel to a node, and calls that fail with one clear line.</summary>
internal sealed class NodeConnection : IDisposable
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(15);

    private NodeConnection(EndpointAddress address)
    {
        Address = address;
        Channel = GrpcChannel.ForAddress(address.ToHttpUri());
    }

    public EndpointAddress Address { get; }

    public GrpcChannel Channel { get; }

    /// <summary>
    /// The node to talk to: <paramref name="node"/> when given (host:port or http://host:port), else grpc.address
    /// from the home's config (with CHAIND_* overrides) when the file exists, else 127.0.0.1:9090.
    /// </summary>
    public static NodeConnection Open(string? node, NodeHome home, Func<string, string?> getEnvironmentVariable)
    {
        if (!string.IsNullOrWhiteSpace(node))
        {
            var text = node.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? node["http://".Length..].TrimEnd('/') : node;
            if (!EndpointAddress.TryParse(text, out var address))
            {
                throw new CliException($"--node '{node}' is not {EndpointAddress.Expected}");
            }

            return new NodeConnection(address);
        }

        if (File.Exists(home.ConfigFile))
        {
            return new NodeConnection(NodeConfigLoader.Load(home.ConfigFile, getEnvironmentVariable).Grpc.Address);
        }

        return new NodeConnection(new GrpcOptions().Address);
    }

    /// <summary>Runs a call with a deadline; gRPC failures become a <see cref="CliException"/> that names the node.</summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct, TimeSpan? timeout = null)
    {
        try
        {
            return await call(new CallOptions(deadline: DateTime.UtcNow + (timeout ?? QueryTimeout), cancellationToken: ct));
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            throw new CliException(Describe(e), e);
        }
    }

    public void Dispose() => Channel.Dispose();

    private string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => $"cannot reach the node at {Address} ({e.Status.Detail}); is it running? (see --node)",
        StatusCode.DeadlineExceeded => $"the node at {Address} did not answer in time",
        StatusCode.Unimplemented => $"the node at {Address} does not serve this call ({e.Status.Detail})",
        StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition => e.Status.Detail,
        _ => $"the node at {Address} answered {e.StatusCode}: {e.Status.Detail}",
    };
}
