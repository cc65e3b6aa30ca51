using System.CommandLine;
using Google.Protobuf;

namespace Chain.Client.Cli;

/// <summary>
/// --limit and --page-key of a paginated list query. Each module has its own PageRequest message, so this gives the
/// two values and the module builds its request from them.
/// </summary>
public sealed class PageOptions
{
    public Option<uint> Limit { get; } = new("--limit") { Description = "Most items per page (default 100, at most 1000)", DefaultValueFactory = _ => 0u };

    public Option<string?> Key { get; } = new("--page-key") { Description = "next_key (hex) of the previous page" };

    public void AddTo(Command command)
    {
        command.Add(Limit);
        command.Add(Key);
    }

    /// <summary>The limit (0: the node's default) and the start key; a key that is not hex is a <see cref="CliException"/>.</summary>
    public (uint Limit, ByteString Key) Read(ParseResult parse)
    {
        var key = parse.GetValue(Key);
        if (!string.IsNullOrEmpty(key) && (key.Length % 2 != 0 || !key.All(char.IsAsciiHexDigit)))
        {
            throw new CliException($"invalid --page-key '{key}': expected hex");
        }

        return (parse.GetValue(Limit), string.IsNullOrEmpty(key) ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(key)));
    }

    /// <summary>The text line that tells where the next page starts (empty on the last page).</summary>
    public static (string Name, string Value) NextKeyLine(ByteString? nextKey) => ("next_key", nextKey is null ? string.Empty : Convert.ToHexStringLower(nextKey.Span));
}
