using System.Globalization;

namespace Chain.Chaos;

/// <summary>
/// What every node said it committed, as seen through a run: the first block hash reported for each height, and each
/// node's highest committed height. A different hash for a height already seen (from any node, at any time) means a
/// height was committed twice; a node's latest height going down means it lost a committed block.
/// </summary>
public sealed class SafetyLedger
{
    private readonly Dictionary<ulong, (string Hash, string Node)> _first = [];
    private readonly Dictionary<string, ulong> _highest = new(StringComparer.Ordinal);

    /// <summary>The highest height any node reported as its latest.</summary>
    public ulong Highest
    {
        get
        {
            lock (_first)
            {
                return _highest.Count == 0 ? 0 : _highest.Values.Max();
            }
        }
    }

    public string Heights
    {
        get
        {
            lock (_first)
            {
                return string.Join(", ", _highest.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " " + p.Value.ToString(CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>Records that <paramref name="node"/> holds block <paramref name="hash"/> at <paramref name="height"/>,
    /// its latest committed height when <paramref name="latest"/>; returns the violation this shows, if any.</summary>
    public string? Observe(string node, ulong height, string hash, bool latest)
    {
        if (height == 0)
        {
            return null;
        }

        lock (_first)
        {
            string? violation = null;
            if (latest)
            {
                var before = _highest.GetValueOrDefault(node);
                if (height < before)
                {
                    violation = $"{node} went back from height {before} to {height}";
                }

                _highest[node] = Math.Max(before, height);
            }

            if (!_first.TryGetValue(height, out var first))
            {
                _first[height] = (hash, node);
            }
            else if (first.Hash != hash)
            {
                violation = $"height {height} committed twice: {first.Node} reported block {first.Hash}, {node} reported {hash}";
            }

            return violation;
        }
    }
}
