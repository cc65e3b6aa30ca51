using Chain.Proto.Types;

namespace Chain.Consensus.Evidence;

/// <summary>
/// Evidence of double signing waiting to be included in a block: verified on the way in, one entry per
/// (validator, height, round, type), handed to the proposer oldest first, and dropped once committed.
/// </summary>
public sealed class EvidencePool(EvidenceVerifier verifier)
{
    private readonly List<(string Key, DuplicateVoteEvidence Evidence)> _pending = new();
    private readonly HashSet<string> _pendingKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committed = new(StringComparer.Ordinal);

    public int PendingCount => _pending.Count;

    /// <summary>Why the last <see cref="Add"/> returned <see cref="EvidenceAddResult.Invalid"/>.</summary>
    public string? LastRejection { get; private set; }

    public EvidenceAddResult Add(DuplicateVoteEvidence evidence)
    {
        string key = KeyOf(evidence);
        if (_committed.Contains(key))
        {
            return EvidenceAddResult.AlreadyCommitted;
        }

        if (_pendingKeys.Contains(key))
        {
            return EvidenceAddResult.Duplicate;
        }

        string? problem = verifier.Check(evidence);
        if (problem is not null)
        {
            LastRejection = problem;
            return EvidenceAddResult.Invalid;
        }

        _pendingKeys.Add(key);
        _pending.Add((key, evidence));
        return EvidenceAddResult.Added;
    }

    /// <summary>Up to <paramref name="maxCount"/> pending items, oldest first, for the next block.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> PendingEvidence(int maxCount)
    {
        var result = new List<DuplicateVoteEvidence>(Math.Min(maxCount, _pending.Count));
        for (int i = 0; i < _pending.Count && result.Count < maxCount; i++)
        {
            result.Add(_pending[i].Evidence);
        }

        return result;
    }

    /// <summary>A block carrying this evidence was committed: never propose or accept it again.</summary>
    public void MarkCommitted(IEnumerable<DuplicateVoteEvidence> committed)
    {
        foreach (DuplicateVoteEvidence evidence in committed)
        {
            string key = KeyOf(evidence);
            _committed.Add(key);
            if (_pendingKeys.Remove(key))
            {
                _pending.RemoveAll(p => p.Key == key);
            }
        }
    }

    public bool IsCommitted(DuplicateVoteEvidence evidence) => _committed.Contains(KeyOf(evidence));

    private static string KeyOf(DuplicateVoteEvidence evidence)
    {
        Vote v = evidence.VoteA ?? evidence.VoteB ?? new Vote();
        return $"{Convert.ToHexString(v.ValidatorAddress.Span)}/{v.Height}/{v.Round}/{(int)v.Type}";
    }
}
