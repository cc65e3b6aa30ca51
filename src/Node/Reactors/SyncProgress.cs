namespace Chain.Node.Reactors;

/// <summary>
/// The recent rate of blocks applied by block sync: a bounded ring of (time, height) of the last applied blocks,
/// of which those inside <see cref="Window"/> count. Thread-safe.
/// </summary>
public sealed class SyncProgress
{
    /// <summary>How far back the rate looks.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const int Capacity = 256;

    private readonly (long AtMs, ulong Height)[] _applied = new (long, ulong)[Capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public void OnApplied(ulong height, long nowMs)
    {
        lock (_lock)
        {
            _applied[_next] = (nowMs, height);
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>Blocks per second over the applied blocks of the last <see cref="Window"/> before <paramref name="nowMs"/>; 0 with fewer than two.</summary>
    public double BlocksPerSecond(long nowMs)
    {
        lock (_lock)
        {
            long oldestAt = 0;
            ulong oldestHeight = 0;
            var inWindow = 0;
            for (var i = 1; i <= _count; i++)
            {
                var (at, height) = _applied[(_next - i + Capacity) % Capacity];
                if (nowMs - at > (long)Window.TotalMilliseconds)
                {
                    break;
                }

                oldestAt = at;
                oldestHeight = height;
                inWindow++;
            }

            if (inWindow < 2)
            {
                return 0;
            }

            var (newestAt, newestHeight) = _applied[(_next - 1 + Capacity) % Capacity];
            // The window spans from the oldest block in it to now, so a sync that stopped slows the rate down.
            var seconds = Math.Max(nowMs - oldestAt, newestAt - oldestAt) / 1000.0;
            return seconds <= 0 ? 0 : (newestHeight - oldestHeight) / seconds;
        }
    }
}
