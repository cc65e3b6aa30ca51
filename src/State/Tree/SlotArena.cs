namespace Chain.State.Tree;

/// <summary>
/// Byte slots carved from 256 KiB arrays, one set of arrays per size class (multiples of 128 bytes up to 2,048), with
/// freed slots reused within their class. The node cache keeps hundreds of thousands of small records here, so the
/// garbage collector sees a few hundred large arrays without references (never scanned, never moved) instead of that
/// many small objects copied through its generations as each block replaces them. Single-threaded, like its cache.
/// (A memory pool such as <c>ArrayPool</c> hands out whole arrays, one object each, which is what this avoids.)
/// </summary>
internal sealed class SlotArena
{
    public const int ClassBytes = 128;
    public const int MaxLength = ClassBytes * Classes;

    private const int Classes = 16;
    private const int ChunkBytes = 256 << 10;

    private readonly List<byte[]>[] _chunks = new List<byte[]>[Classes];
    private readonly Stack<int>[] _free = new Stack<int>[Classes];
    private readonly int[] _used = new int[Classes];

    public SlotArena()
    {
        for (var c = 0; c < Classes; c++)
        {
            _chunks[c] = new List<byte[]>();
            _free[c] = new Stack<int>();
        }
    }

    /// <summary>Bytes of the slots in use (each rounded up to its class).</summary>
    public long BytesInUse { get; private set; }

    /// <summary>Bytes of the arrays the arena holds, in use or free.</summary>
    public long BytesHeld { get; private set; }

    /// <summary>The size of the slot that holds <paramref name="length"/> bytes.</summary>
    public static int SlotSize(int length) => Size(ClassOf(length));

    /// <summary>A slot of at least <paramref name="length"/> bytes (1 to <see cref="MaxLength"/>).</summary>
    public Slot Allocate(int length)
    {
        if (length < 1 || length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"a slot holds 1 to {MaxLength} bytes; asked for {length}");
        }

        var c = ClassOf(length);
        if (!_free[c].TryPop(out var index))
        {
            index = _used[c]++;
            if (index / PerChunk(c) >= _chunks[c].Count)
            {
                _chunks[c].Add(new byte[ChunkBytes]);
                BytesHeld += ChunkBytes;
            }
        }

        BytesInUse += Size(c);
        return new Slot((byte)c, index, (ushort)length);
    }

    /// <summary>The bytes of <paramref name="slot"/> (its requested length).</summary>
    public Span<byte> Get(Slot slot)
    {
        var perChunk = PerChunk(slot.Class);
        return _chunks[slot.Class][slot.Index / perChunk].AsSpan(slot.Index % perChunk * Size(slot.Class), slot.Length);
    }

    /// <summary>Gives <paramref name="slot"/> back for reuse; it must not be used afterwards.</summary>
    public void Free(Slot slot)
    {
        _free[slot.Class].Push(slot.Index);
        BytesInUse -= Size(slot.Class);
    }

    private static int ClassOf(int length) => (length - 1) >> 7;

    private static int Size(int c) => (c + 1) << 7;

    private static int PerChunk(int c) => ChunkBytes / Size(c);

    /// <summary>A slot: its size class, its number within the class and the length asked for.</summary>
    public readonly record struct Slot(byte Class, int Index, ushort Length);
}
