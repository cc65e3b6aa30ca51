namespace Chain.Node.Production;

public enum SyncedBlockOutcome
{
    Applied,
    NotNext,
    Refused,
}
