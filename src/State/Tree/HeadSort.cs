namespace Chain.State.Tree;

/// <summary>
/// Orders items by a 64-bit head taken from their keys (a primitive sort, no comparison delegate per step), then
/// orders each run of equal heads by a full comparison. For keys whose first 8 bytes almost always differ: tree
/// key hashes and node store keys.
/// </summary>
internal static class HeadSort
{
    /// <summary>Sorts the first <paramref name="count"/> <paramref name="items"/> by <paramref name="heads"/> (sorted with them), ties by <paramref name="tie"/>.</summary>
    public static void Sort(ulong[] heads, int[] items, int count, Comparison<int> tie)
    {
        Array.Sort(heads, items, 0, count);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && heads[end] == heads[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(items, start, end - start, Comparer<int>.Create(tie));
            }

            start = end;
        }
    }
}
