namespace Chain.State.Modules;

public enum MisbehaviorKind
{
    /// <summary>Two different signed votes for the same height, round and type.</summary>
    DuplicateVote = 1,
}
