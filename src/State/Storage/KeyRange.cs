namespace Chain.State.Storage;

/// <summary>Key range arithmetic for prefix scans.</summary>
public static class KeyRange
{
    /// <summary>The smallest key greater than every key with <paramref name="prefix"/>, or null if there is none (all 0xFF).</summary>
    public static byte[]? PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.ToArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xFF)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return null;
    }
}
