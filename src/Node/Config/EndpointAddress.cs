using System.Globalization;
using System.Net;

namespace Chain.Node.Config;

/// <summary>A "host:port" address such as "127.0.0.1:9090" or "[::1]:9090".</summary>
public sealed record EndpointAddress(string Host, int Port)
{
    public const string Expected = "host:port with a port from 1 to 65535, e.g. 127.0.0.1:9090";

    public static bool TryParse(string? text, out EndpointAddress address)
    {
        address = new EndpointAddress(string.Empty, 0);
        if (string.IsNullOrWhiteSpace(text) || text != text.Trim())
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || !IPAddress.TryParse(host[1..^1], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else if (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return false;
        }
        else if (host.Contains(':'))
        {
            return false;
        }

        address = new EndpointAddress(host, port);
        return true;
    }

    public static EndpointAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not {Expected}");

    /// <summary>The "http://host:port" URL a plaintext HTTP/2 gRPC client connects to.</summary>
    public Uri ToHttpUri() => new($"http://{this}");

    public override string ToString() => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
