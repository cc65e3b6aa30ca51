using Chain.Proto.Consensus;

namespace Chain.Consensus.Engine;

/// <summary>A timeout the engine asked for; it comes back as a <see cref="TimeoutInput"/> and is ignored
/// if the engine has moved past (height, round, step) by then.</summary>
public sealed record TimeoutInfo(ulong Height, uint Round, TimeoutStep Step);
