namespace Chain.State.Store;

/// <summary>Charges every read and write of the inner store to a gas meter.</summary>
public sealed class GasMeteredStore(IStateStore inner, GasMeter meter, GasCosts costs) : IStateStore
{
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        meter.Consume(costs.ReadFlat, "read");
        var value = inner.Get(key);
        meter.Consume(costs.ReadPerByte * (ulong)(key.Length + (value?.Length ?? 0)), "read");
        return value;
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        meter.Consume(costs.ReadFlat, "iterate");
        foreach (var kv in inner.IteratePrefix(prefix))
        {
            meter.Consume(costs.IterNextFlat + costs.ReadPerByte * (ulong)(kv.Key.Length + kv.Value.Length), "iterate");
            yield return kv;
        }
    }

    public void Set(ReadOnlySpan<byte> key, byte[] value)
    {
        meter.Consume(costs.WriteFlat + costs.WritePerByte * (ulong)(key.Length + value.Length), "write");
        inner.Set(key, value);
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        meter.Consume(costs.Delete, "delete");
        inner.Delete(key);
    }
}
