namespace Chain.Node.Production;

/// <summary>The clock a proposer reads for its block times: the node's clock, shifted by
/// <c>[testing] propose_time_offset</c> where a test makes a validator propose blocks from the future.</summary>
public sealed class ProposerClock(TimeProvider inner, TimeSpan offset) : TimeProvider
{
    public static TimeProvider For(TimeProvider clock, TimeSpan offset) => offset == TimeSpan.Zero ? clock : new ProposerClock(clock, offset);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + offset;
}
