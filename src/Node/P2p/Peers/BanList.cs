using System.Globalization;
using System.Net;
using System.Text;
using Chain.Consensus.Durability;
using Chain.Node.P2p.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// Node ids and remote IP addresses refused until a time; thread-safe. With a file (data/peer_bans.txt) every
/// change is saved there atomically (<see cref="DurableFile.WriteAtomically"/>) and the bans still in force are read
/// back at start, so a restart does not forget them. The file holds one ban a line, "id HEX UNTIL_MS" or
/// "ip ADDRESS UNTIL_MS" (Unix milliseconds); a file that does not parse is logged as corrupt and the list starts
/// empty. The loopback addresses 127.0.0.1 and ::1 are never banned by address (tests and local testnets run every
/// node there; their bans are by node id); other addresses, 127.0.0.2 and up included, are.
/// At most <see cref="MaxEntries"/> ids and as many addresses are kept; beyond that the ban that ends first goes.
/// </summary>
public sealed class BanList
{
    /// <summary>Most banned node ids, and most banned addresses, kept (in memory and in the file).</summary>
    public const int MaxEntries = 4096;

    /// <summary>A ban file larger than this is not read (two full lists take under 700 KiB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private const string Header = "# chaind peer bans v1";

    private readonly Dictionary<NodeId, DateTimeOffset> _ids = [];
    private readonly Dictionary<IPAddress, DateTimeOffset> _addresses = [];
    private readonly Lock _gate = new();
    private readonly Lock _saveGate = new();
    private readonly TimeProvider _time;
    private readonly string? _path;
    private readonly ILogger _logger;

    public BanList(TimeProvider time, string? path = null, ILogger? logger = null)
    {
        _time = time;
        _path = path;
        _logger = logger ?? NullLogger.Instance;
        if (path is not null)
        {
            Load(path);
        }
    }

    /// <summary>Whether <paramref name="address"/> is one that is banned by node id only (127.0.0.1, ::1).</summary>
    public static bool IsExempt(IPAddress address) =>
        address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.None);

    /// <summary>
    /// Refuses <paramref name="id"/>, and <paramref name="address"/> unless it is exempt, for <paramref name="duration"/>
    /// from now (a longer ban already in place stays), and saves the list.
    /// </summary>
    public void Ban(NodeId id, TimeSpan duration, IPAddress? address = null)
    {
        var until = _time.GetUtcNow() + duration;
        lock (_gate)
        {
            Put(_ids, id, until);
            if (address is not null && Normalize(address) is var a && !IsExempt(a))
            {
                Put(_addresses, a, until);
            }
        }

        Save();
    }

    public bool IsBanned(NodeId id) => BannedUntil(id) is not null;

    public bool IsBanned(IPAddress address) => BannedUntil(address) is not null;

    /// <summary>When the ban of <paramref name="id"/> ends, or null when it is not banned.</summary>
    public DateTimeOffset? BannedUntil(NodeId id) => Until(_ids, id);

    /// <summary>When the ban of <paramref name="address"/> ends, or null when it is not banned (exempt addresses never are).</summary>
    public DateTimeOffset? BannedUntil(IPAddress address)
    {
        var a = Normalize(address);
        return IsExempt(a) ? null : Until(_addresses, a);
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static void Put<TKey>(Dictionary<TKey, DateTimeOffset> bans, TKey key, DateTimeOffset until)
        where TKey : notnull
    {
        if (bans.TryGetValue(key, out var existing))
        {
            if (existing < until)
            {
                bans[key] = until;
            }

            return;
        }

        if (bans.Count >= MaxEntries)
        {
            // Full: the ban that ends first makes room.
            var first = bans.MinBy(b => b.Value);
            if (first.Value >= until)
            {
                return;
            }

            bans.Remove(first.Key);
        }

        bans[key] = until;
    }

    private DateTimeOffset? Until<TKey>(Dictionary<TKey, DateTimeOffset> bans, TKey key)
        where TKey : notnull
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!bans.TryGetValue(key, out var until))
            {
                return null;
            }

            if (until <= now)
            {
                bans.Remove(key);
                return null;
            }

            return until;
        }
    }

    private void Load(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return;
            }

            if (file.Length > MaxFileBytes)
            {
                _logger.LogWarning("Ban file {BanFile} is corrupt ({Length} bytes, more than {Max}); starting with no bans", path, file.Length, MaxFileBytes);
                return;
            }

            var now = _time.GetUtcNow();
            var ids = new Dictionary<NodeId, DateTimeOffset>();
            var addresses = new Dictionary<IPAddress, DateTimeOffset>();
            var lineNumber = 0;
            foreach (var line in File.ReadAllLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)))
            {
                lineNumber++;
                if (line.Length == 0 || line == Header)
                {
                    continue;
                }

                var parts = line.Split(' ');
                if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                    || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                {
                    throw new InvalidDataException($"line {lineNumber} is not \"id|ip VALUE UNTIL_MS\"");
                }

                var until = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                switch (parts[0])
                {
                    case "id" when NodeId.TryParse(parts[1], out var id):
                        if (until > now)
                        {
                            Put(ids, id, until);
                        }

                        break;
                    case "ip" when IPAddress.TryParse(parts[1], out var address):
                        if (until > now && !IsExempt(Normalize(address)))
                        {
                            Put(addresses, Normalize(address), until);
                        }

                        break;
                    default:
                        throw new InvalidDataException($"line {lineNumber} names no valid node id or address");
                }
            }

            lock (_gate)
            {
                foreach (var (id, until) in ids)
                {
                    Put(_ids, id, until);
                }

                foreach (var (address, until) in addresses)
                {
                    Put(_addresses, address, until);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            _logger.LogWarning("Ban file {BanFile} is corrupt ({Reason}); starting with no bans, and it is rewritten at the next ban", path, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Ban file {BanFile} cannot be read ({Reason}); starting with no bans", path, e.Message);
        }
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        lock (_saveGate)
        {
            var now = _time.GetUtcNow();
            var text = new StringBuilder(Header).Append('\n');
            lock (_gate)
            {
                foreach (var (id, until) in _ids)
                {
                    if (until > now)
                    {
                        text.Append("id ").Append(id.ToString()).Append(' ').Append(until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }
                }

                foreach (var (address, until) in _addresses)
                {
                    if (until > now)
                    {
                        text.Append("ip ").Append(address.ToString()).Append(' ').Append(until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }
                }
            }

            try
            {
                DurableFile.WriteAtomically(_path, Encoding.UTF8.GetBytes(text.ToString()));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The ban holds in memory; only a restart would forget it.
                _logger.LogWarning("Saving the ban list to {BanFile} failed: {Reason}", _path, e.Message);
            }
        }
    }
}
