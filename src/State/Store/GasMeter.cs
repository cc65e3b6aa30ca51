namespace Chain.State.Store;

/// <summary>Counts gas against a limit; running past the limit throws <see cref="OutOfGasException"/>,
/// which the tx pipeline turns into code 11 and a rollback of that tx alone.</summary>
public sealed class GasMeter
{
    public GasMeter(ulong limit) => Limit = limit;

    public ulong Limit { get; }

    public ulong Consumed { get; private set; }

    public void Consume(ulong amount, string what)
    {
        var total = Consumed + amount;
        if (total < Consumed || total > Limit)
        {
            Consumed = Limit;
            throw new OutOfGasException($"out of gas at {what}: limit {Limit}, wanted {(total < Consumed ? ulong.MaxValue : total)}");
        }

        Consumed = total;
    }
}
