using System.Net;
using System.Net.Sockets;

namespace Chain.Node.P2p.Peers;

/// <summary>The address a host of p2p.listen_address or of a peer's address resolves to: an IP as written, localhost as loopback, otherwise the first DNS answer.</summary>
internal static class HostAddresses
{
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return ip;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        return addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound);
    }
}
