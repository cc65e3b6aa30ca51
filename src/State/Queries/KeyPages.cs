using Grpc.Core;

namespace Chain.State.Queries;

/// <summary>
/// Key-ordered pagination shared by the modules' list queries: a page starts at the request's key and its next key is
/// the first key left out (empty on the last page); limit 0 means 100, at most 1,000.
/// </summary>
public static class KeyPages
{
    public const uint DefaultLimit = 100;
    public const uint MaxLimit = 1000;

    /// <summary>Adds one page of <paramref name="items"/> (sorted by key) to <paramref name="into"/>; returns the next key, empty when none is left.</summary>
    public static byte[] Page<T>(IEnumerable<(byte[] Key, T Item)> items, byte[] start, uint limit, ICollection<T> into)
    {
        limit = limit == 0 ? DefaultLimit : limit;
        if (limit > MaxLimit)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"pagination.limit {limit} is above {MaxLimit}"));
        }

        foreach (var (key, item) in items)
        {
            if (start.Length > 0 && key.AsSpan().SequenceCompareTo(start) < 0)
            {
                continue;
            }

            if (into.Count == limit)
            {
                return key;
            }

            into.Add(item);
        }

        return [];
    }
}
