using System.Buffers;
using System.Buffers.Binary;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Storage;
using Google.Protobuf;

namespace Chain.State.Blocks;

/// <summary>
/// Committed blocks, their commits and results, and txs by hash. Everything for one block is staged into
/// the same write batch as the block's state, so a crash leaves either all of it or none.
/// Keys (Blocks family): "b"+height → Block, "c"+height → seen Commit, "r"+height → BlockResults,
/// "h"+hash → height; other letters (<see cref="Key"/>) by their owners. Txs family: hash → StoredTx. Meta: "latest_height".
/// </summary>
public sealed class BlockStore
{
    private static readonly byte[] LatestKey = "latest_height"u8.ToArray();
    private readonly IKeyValueStore _store;
    private CommittedBlockSummary? _staged;
    private volatile CommittedBlockSummary? _latest;

    public BlockStore(IKeyValueStore store)
    {
        _store = store;
        var latest = store.Get(ColumnFamily.Meta, LatestKey);
        LatestHeight = latest is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(latest) : 0;
    }

    /// <summary>Height of the last committed block; 0 when none.</summary>
    public ulong LatestHeight { get; private set; }

    public static byte[] HeaderHash(Header header) => Crypto.Hashes.Sha256(header.ToByteArray());

    public void Stage(Block block, Commit seenCommit, BlockResults results, IWriteBatch batch)
    {
        var height = block.Header.Height;
        var hash = HeaderHash(block.Header);
        _staged = new CommittedBlockSummary(height, hash, block.Header.TimeUnixNanos, BlockExecutor.ResultsHash(results));
        PutMessage(batch, ColumnFamily.Blocks, Key('b', height), block);
        PutMessage(batch, ColumnFamily.Blocks, Key('c', height), seenCommit);
        PutMessage(batch, ColumnFamily.Blocks, Key('r', height), results);
        var hashKey = new byte[33];
        hashKey[0] = (byte)'h';
        hash.CopyTo(hashKey, 1);
        var heightBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(heightBytes, height);
        batch.Put(ColumnFamily.Blocks, hashKey, heightBytes);
        for (var i = 0; i < block.Data.Txs.Count; i++)
        {
            var result = results.Results[i];
            var stored = new StoredTx { Height = height, Index = (uint)i, Tx = block.Data.Txs[i], Result = result };
            PutMessage(batch, ColumnFamily.Txs, result.TxHash.Span, stored);
        }

        batch.Put(ColumnFamily.Meta, LatestKey, heightBytes);
    }

    /// <summary>
    /// Puts <paramref name="message"/> serialized into a pooled buffer: the batch copies the bytes, so a block of many
    /// txs (hundreds of KB) and its results cost no large array of their own.
    /// </summary>
    private static void PutMessage(IWriteBatch batch, ColumnFamily cf, ReadOnlySpan<byte> key, IMessage message)
    {
        var size = message.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var bytes = buffer.AsSpan(0, size);
            message.WriteTo(bytes);
            batch.Put(cf, key, bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Called once the batch holding <paramref name="height"/> is durable.</summary>
    public void OnCommitted(ulong height)
    {
        if (_staged?.Height == height)
        {
            _latest = _staged;
        }

        _staged = null;
        LatestHeight = height;
    }

    /// <summary>
    /// What the next header and a status answer need of committed block <paramref name="height"/>: kept in memory
    /// for the last block staged and committed here; for any other read back from the store (block and results) and,
    /// when it is the latest (after a restart), kept. Reading a block of many txs back for its header's hash took 3% of
    /// a testnet node's CPU at 1,700 tx/s. Null when the block is not in the store.
    /// </summary>
    public CommittedBlockSummary? Summary(ulong height)
    {
        if (_latest is { } latest && latest.Height == height)
        {
            return latest;
        }

        if (GetBlock(height) is not { } block)
        {
            return null;
        }

        var summary = new CommittedBlockSummary(height, HeaderHash(block.Header), block.Header.TimeUnixNanos, BlockExecutor.ResultsHash(GetResults(height)));
        if (height == LatestHeight)
        {
            _latest = summary;
        }

        return summary;
    }

    public Block? GetBlock(ulong height) => Read(Key('b', height), Block.Parser);

    public Commit? GetSeenCommit(ulong height) => Read(Key('c', height), Commit.Parser);

    public BlockResults? GetResults(ulong height) => Read(Key('r', height), BlockResults.Parser);

    public ulong? GetHeightByHash(ReadOnlySpan<byte> hash)
    {
        var key = new byte[1 + hash.Length];
        key[0] = (byte)'h';
        hash.CopyTo(key.AsSpan(1));
        var v = _store.Get(ColumnFamily.Blocks, key);
        return v is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(v) : null;
    }

    public StoredTx? GetTx(ReadOnlySpan<byte> hash)
    {
        var v = _store.Get(ColumnFamily.Txs, hash);
        return v is null ? null : StoredTx.Parser.ParseFrom(v);
    }

    private T? Read<T>(byte[] key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var v = _store.Get(ColumnFamily.Blocks, key);
        return v is null ? null : parser.ParseFrom(v);
    }

    /// <summary>A Blocks-family key: one letter saying what is kept, then the height big-endian. Letters in use:
    /// b, c, r here; v (validator sets) and e (committed evidence) in the node.</summary>
    public static byte[] Key(char kind, ulong height)
    {
        var key = new byte[9];
        key[0] = (byte)kind;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        return key;
    }
}

/// <summary>A committed block's header hash (its id), time and the Merkle root of its results (the next header's last_results_hash).</summary>
public sealed record CommittedBlockSummary(ulong Height, byte[] Hash, long TimeUnixNanos, byte[] ResultsHash);
