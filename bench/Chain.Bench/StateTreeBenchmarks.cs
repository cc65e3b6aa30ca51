using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Chain.State.Storage;
using Chain.State.Tree;

namespace Chain.Bench;

/// <summary>
/// The authenticated state tree over a store of <see cref="TreeSize"/> keys: a block's batch of 10,000
/// updates (staged only, and staged plus written to the store), point reads, proof generation and proof
/// verification. Stores come from <see cref="Stores"/>; add a RocksDB factory there to measure it on disk.
/// Results are per operation (one leaf update, one read, one proof).
/// </summary>
[MemoryDiagnoser]
public class StateTreeBenchmarks
{
    public const int BatchSize = 10_000;
    private const int Reads = 1_000;

    private IKeyValueStore _store = null!;
    private JellyfishMerkleTree _tree = null!;
    private ulong _version;
    private byte[][] _readKeys = null!;
    private SparseMerkleProof[] _proofs = null!;
    private byte[][] _proofValues = null!;
    private byte[] _root = null!;
    private Random _random = null!;

    [Params(1_000_000)]
    public int TreeSize { get; set; }

    [ParamsSource(nameof(Stores))]
    public KeyValueStoreFactory Store { get; set; } = null!;

    public static IEnumerable<KeyValueStoreFactory> Stores =>
    [
        new KeyValueStoreFactory("memory", () => new MemoryKeyValueStore()),
        new KeyValueStoreFactory("rocksdb", () => new RocksDbKeyValueStore(Path.Combine(Path.GetTempPath(), "tree-bench-" + Guid.NewGuid().ToString("N")))),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _random = new Random(42);
        _store = Store.Create();
        _tree = new JellyfishMerkleTree(_store, StateTreeOptions.KeepAll);
        const int chunk = 100_000;
        for (var start = 0; start < TreeSize; start += chunk)
        {
            var changes = new List<KeyValuePair<byte[], byte[]?>>(chunk);
            for (var i = start; i < Math.Min(TreeSize, start + chunk); i++)
            {
                changes.Add(new(Key(i), Value()));
            }

            Commit(changes);
        }

        _readKeys = new byte[Reads][];
        _proofs = new SparseMerkleProof[Reads];
        _proofValues = new byte[Reads][];
        _root = _tree.RootHash(_version - 1);
        for (var i = 0; i < Reads; i++)
        {
            _readKeys[i] = Key(_random.Next(TreeSize));
            var result = _tree.GetWithProof(_readKeys[i], _version - 1);
            _proofs[i] = result.Proof;
            _proofValues[i] = result.Value!;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    /// <summary>10,000 updates of existing keys, staged into a batch that is then dropped: the tree's own work.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public byte[] Update_stage_only()
    {
        using var batch = _store.CreateBatch();
        return _tree.ApplyBatch(_version, NextBatch(), batch);
    }

    /// <summary>10,000 updates of existing keys, staged and written to the store as a block would.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public byte[] Update_and_commit() => Commit(NextBatch());

    [Benchmark(OperationsPerInvoke = Reads)]
    public int Get()
    {
        var total = 0;
        var version = _version - 1;
        foreach (var key in _readKeys)
        {
            total += _tree.Get(key, version)!.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Reads)]
    public int Get_with_proof()
    {
        var total = 0;
        var version = _version - 1;
        foreach (var key in _readKeys)
        {
            total += _tree.GetWithProof(key, version).Proof.SiblingCount;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Reads)]
    public int Verify_proof()
    {
        var ok = 0;
        for (var i = 0; i < Reads; i++)
        {
            if (_proofs[i].VerifyInclusion(_root, _readKeys[i], _proofValues[i]))
            {
                ok++;
            }
        }

        return ok;
    }

    private byte[] Commit(List<KeyValuePair<byte[], byte[]?>> changes)
    {
        using var batch = _store.CreateBatch();
        var root = _tree.ApplyBatch(_version, changes, batch);
        _store.Write(batch, sync: false);
        _version++;
        return root;
    }

    private List<KeyValuePair<byte[], byte[]?>> NextBatch()
    {
        var changes = new List<KeyValuePair<byte[], byte[]?>>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            changes.Add(new(Key(_random.Next(TreeSize)), Value()));
        }

        return changes;
    }

    private static byte[] Key(int i)
    {
        var key = new byte[12];
        "acct"u8.CopyTo(key);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(4), i);
        return key;
    }

    private byte[] Value()
    {
        var value = new byte[32];
        _random.NextBytes(value);
        return value;
    }
}
