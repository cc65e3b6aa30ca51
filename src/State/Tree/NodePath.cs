using System.Buffers.Binary;

namespace Chain.State.Tree;

/// <summary>A node's position: the first <see cref="Depth"/> nibbles of a key hash (the rest zero), packed into four words.</summary>
internal readonly record struct NodePath(ulong P0, ulong P1, ulong P2, ulong P3, int Depth)
{
    public static NodePath Of(ReadOnlySpan<byte> pathSource, int depth)
    {
        Span<byte> buffer = stackalloc byte[TreeHasher.HashSize];
        buffer.Clear();
        var bytes = (depth + 1) >> 1;
        pathSource[..bytes].CopyTo(buffer);
        if ((depth & 1) == 1)
        {
            buffer[bytes - 1] &= 0xF0;
        }

        return new NodePath(
            BinaryPrimitives.ReadUInt64BigEndian(buffer),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[24..]),
            depth);
    }
}
