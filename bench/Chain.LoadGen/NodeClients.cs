using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Grpc.Net.Client;

namespace Chain.LoadGen;

/// <summary>The gRPC clients of one node: one HTTP/2 channel that may open several connections under load.</summary>
public sealed class NodeClients : IDisposable
{
    private readonly GrpcChannel _channel;

    public NodeClients(string address)
        : this(address, new SocketsHttpHandler())
    {
    }

    /// <summary>Through <paramref name="handler"/> (e.g. one whose ConnectCallback makes sockets in another network
    /// namespace); the load generator's HTTP/2 settings are set on it.</summary>
    public NodeClients(string address, SocketsHttpHandler handler)
    {
        Address = address;
        handler.EnableMultipleHttp2Connections = true;
        handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        _channel = GrpcChannel.ForAddress("http://" + address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 256 * 1024 * 1024,
        });
        Tx = new Proto.TxService.Service.ServiceClient(_channel);
        Status = new Status.StatusClient(_channel);
        Blocks = new Blocks.BlocksClient(_channel);
        Bank = new Query.QueryClient(_channel);
        Events = new Events.EventsClient(_channel);
    }

    public string Address { get; }

    public Proto.TxService.Service.ServiceClient Tx { get; }

    public Status.StatusClient Status { get; }

    public Blocks.BlocksClient Blocks { get; }

    public Query.QueryClient Bank { get; }

    public Events.EventsClient Events { get; }

    /// <summary>Checks a host:port argument; the scheme is added by the client.</summary>
    public static string ParseAddress(string text, string option)
    {
        var value = text.Trim();
        if (value.StartsWith("http://", StringComparison.Ordinal))
        {
            value = value["http://".Length..];
        }

        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            throw new LoadGenException($"{option} '{text}': expected host:port, e.g. 127.0.0.1:26601");
        }

        return value;
    }

    public void Dispose() => _channel.Dispose();
}
