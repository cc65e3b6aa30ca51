using Chain.Proto.Consensus;

namespace Chain.Consensus.Signing;

/// <summary>An in-memory signer state, durable for as long as the object lives (the simulator keeps it across a simulated crash).</summary>
public sealed class MemorySignerStateStore : ISignerStateStore
{
    private LastSignState? _state;

    public LastSignState? Load() => _state?.Clone();

    public void Save(LastSignState state) => _state = state.Clone();
}
