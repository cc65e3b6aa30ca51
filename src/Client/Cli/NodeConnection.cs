using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Client.Cli;

/// <summary>
/// A plaintext HTTP/2 gRPC channel to a node, and calls that fail with one clear line. Which node a command talks to
/// is for <see cref="IClientHome.Connect"/> to say.
/// </summary>
public sealed class NodeConnection : IDisposable
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(15);

    /// <param name="address">host:port of the node, as messages name it.</param>
    /// <param name="uri">The http://host:port URL the plaintext HTTP/2 channel connects to.</param>
    public NodeConnection(string address, Uri uri)
    {
        Address = address;
        Channel = GrpcChannel.ForAddress(uri);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

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
