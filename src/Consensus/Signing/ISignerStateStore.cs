using Chain.Proto.Consensus;

namespace Chain.Consensus.Signing;

/// <summary>Where the double-sign guard keeps the last thing it signed. <see cref="Save"/> must be durable
/// (fsync) before it returns: the guard releases a signature only after it.</summary>
public interface ISignerStateStore
{
    LastSignState? Load();

    void Save(LastSignState state);
}
