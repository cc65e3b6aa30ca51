using System.Globalization;

namespace Chain.Chaos;

/// <summary>
/// What every node said it committed, as seen through a run: the first block hash reported for each height, and each
/// node's highest committed height. A different hash for a height already seen (from any node, at any time) means a
/// height was committed twice; a node's latest height going down means it lost a committed block. "Down" compares an
/// answer only with the answers the observer had received before it asked: two status calls to one node that overlap
/// (the observer loop and the liveness wait both ask) may be answered in either order, and the earlier-asked one may
/// carry the lower height without the node having lost anything.
/// </summary>
public sealed class SafetyLedger
{
    private readonly Dictionary<ulong, (string Hash, string Node)> _first = [];
    private readonly Dictionary<string, ulong> _highest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long AnsweredAt, ulong Height)>> _answers = new(StringComparer.Ordinal);
    private long _tick;

    /// <summary>Answers kept per node to compare later ones with; calls to one node overlap by a few at most.</summary>
    private const int AnswersKept = 64;

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
    /// its latest committed height when <paramref name="latest"/>, as answers that do not overlap (each asked after the
    /// one before was answered); returns the violation this shows, if any.</summary>
    public string? Observe(string node, ulong height, string hash, bool latest)
    {
        var tick = Interlocked.Increment(ref _tick);
        return Observe(node, height, hash, latest, askedAt: tick, answeredAt: tick);
    }

    /// <summary>
    /// Records an answer to a call asked at <paramref name="askedAt"/> and answered at <paramref name="answeredAt"/> (one
    /// clock for every call, e.g. Stopwatch ticks): a latest height below one the observer had already received before
    /// asking is a node going back.
    /// </summary>
    public string? Observe(string node, ulong height, string hash, bool latest, long askedAt, long answeredAt)
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
                if (!_answers.TryGetValue(node, out var answers))
                {
                    _answers[node] = answers = [];
                }

                ulong before = 0;
                foreach (var (at, h) in answers)
                {
                    if (at < askedAt && h > before)
                    {
                        before = h;
                    }
                }

                if (height < before)
                {
                    violation = $"{node} went back from height {before} to {height}";
                }

                answers.Add((answeredAt, height));
                if (answers.Count > AnswersKept)
                {
                    // Keep the highest of the dropped ones: it still bounds every later call.
                    var dropped = answers[0];
                    answers.RemoveAt(0);
                    if (dropped.Height > answers[0].Height)
                    {
                        answers[0] = (answers[0].AnsweredAt, dropped.Height);
                    }
                }

                _highest[node] = Math.Max(_highest.GetValueOrDefault(node), height);
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
