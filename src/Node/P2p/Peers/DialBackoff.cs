namespace Chain.Node.P2p.Peers;

/// <summary>The wait before redialing a persistent peer: min x 2^failures, capped at max, less up to a tenth at random.</summary>
public sealed record DialBackoff(TimeSpan Min, TimeSpan Max)
{
    public TimeSpan Delay(int failures, Random? random = null)
    {
        var exponent = Math.Clamp(failures, 0, 30);
        var ms = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, exponent));
        var jitter = random is null ? 0 : random.NextDouble() * ms / 10;
        return TimeSpan.FromMilliseconds(ms - jitter);
    }
}
