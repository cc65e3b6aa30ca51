using Chain.State.Storage;

namespace Chain.Bench;

/// <summary>A named way to open a fresh store for a benchmark; the name is what the results table shows.</summary>
public sealed class KeyValueStoreFactory
{
    public KeyValueStoreFactory(string name, Func<IKeyValueStore> create)
    {
        Name = name;
        Create = create;
    }

    public string Name { get; }

    public Func<IKeyValueStore> Create { get; }

    public override string ToString() => Name;
}
