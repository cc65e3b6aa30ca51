namespace Chain.Consensus.Evidence;

/// <summary>The height and time of the last committed block (0 and 0 before the first): what evidence's age is
/// measured against, the same on every node.</summary>
public interface ILastCommittedBlock
{
    ulong Height { get; }

    long TimeUnixNanos { get; }
}
