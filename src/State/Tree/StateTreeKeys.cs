using System.Buffers.Binary;

namespace Chain.State.Tree;

/// <summary>
/// Keys of the tree in <see cref="Storage.ColumnFamily.State"/>. Prefix 'L' is reserved for the flat
/// latest-value copy kept by another layer and is never written here.
/// <list type="bullet">
/// <item>'N' + version (8, big-endian) + nibble count (1) + nibbles packed two per byte: a node.</item>
/// <item>'S' + stale-since version (8, big-endian): the store keys no version from then on needs, each as
/// length (1) + key; one record per version, always written, so a replayed version replaces it whole.</item>
/// <item>'R' + version (8, big-endian): that version's root record; 'R' alone: the latest version (8, big-endian).</item>
/// </list>
/// </summary>
internal static class StateTreeKeys
{
    public const byte NodePrefix = (byte)'N';
    public const byte StalePrefix = (byte)'S';
    public const byte RootPrefix = (byte)'R';

    /// <summary>Largest node key: prefix, version, count, 32 bytes of nibbles.</summary>
    public const int MaxNodeKeySize = 1 + 8 + 1 + 32;

    public const int RootKeySize = 1 + 8;

    public static ReadOnlySpan<byte> LatestKey => "R"u8;

    /// <summary>Writes the key of the node at <paramref name="version"/> whose path is the first <paramref name="depth"/> nibbles of <paramref name="keyHash"/>; returns its length.</summary>
    public static int WriteNodeKey(Span<byte> destination, ulong version, ReadOnlySpan<byte> keyHash, int depth)
    {
        destination[0] = NodePrefix;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], version);
        destination[9] = (byte)depth;
        var bytes = (depth + 1) >> 1;
        keyHash[..bytes].CopyTo(destination[10..]);
        if ((depth & 1) == 1)
        {
            destination[10 + bytes - 1] &= 0xF0;
        }

        return 10 + bytes;
    }

    public static void WriteRootKey(Span<byte> destination, ulong version)
    {
        destination[0] = RootPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], version);
    }

    public static byte[] RootKey(ulong version)
    {
        var key = new byte[RootKeySize];
        WriteRootKey(key, version);
        return key;
    }

    /// <summary>'S' + <paramref name="staleSince"/>: the stale-index record of that version.</summary>
    public static byte[] StaleKey(ulong staleSince)
    {
        var key = new byte[9];
        key[0] = StalePrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), staleSince);
        return key;
    }

    /// <summary>The first key of the stale-index records of versions above <paramref name="version"/> (the end of a scan).</summary>
    public static byte[] StaleBound(ulong version) =>
        version == ulong.MaxValue ? [(byte)(StalePrefix + 1)] : StaleKey(version + 1);

    /// <summary>The first node key of versions above <paramref name="version"/>.</summary>
    public static byte[] NodeBound(ulong version)
    {
        if (version == ulong.MaxValue)
        {
            return [(byte)(NodePrefix + 1)];
        }

        var key = new byte[9];
        key[0] = NodePrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), version + 1);
        return key;
    }
}
