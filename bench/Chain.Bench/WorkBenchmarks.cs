using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using Chain.Work.Prover;
using Chain.Work.Prover.Ilgpu;

namespace Chain.Bench;

/// <summary>
/// The work module's two costs (docs/work.md, "Kernels").
/// <para>
/// A validator checking one challenge response, on one core: for each of s = 256 seeded tiles, regenerate the row of A
/// and the k = 16 columns of B (AES-128-CTR), recompute the tile, hash the leaf and verify its 32-level audit path
/// (a receipt of 2^32 tiles: 2^24 rows at n = 4096, 2^26 at n = 1024). Such a tree cannot be built here, so each
/// tile gets 32 random siblings and the root they lead to; the verifier does the same hashing either way.
/// </para>
/// <para>
/// A provider without a GPU computing one receipt (C and its tile tree) at rows 256, n 1024, k 16: the plain C#
/// prover on all cores and ILGPU's kernels on its CPU accelerator.
/// </para>
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class WorkBenchmarks
{
    public const int Challenged = 256;
    private const int TileWidth = 16;
    private const long Leaves = 1L << 32;

    private Challenge? _n4096;
    private Challenge? _n1024;
    private WorkloadShape _receipt = null!;
    private sbyte[] _a = [];
    private sbyte[] _b = [];
    private CpuProver? _cpu;
    private IlgpuProver? _ilgpu;

    [GlobalSetup(Targets = [nameof(CheckChallenge4096), nameof(CheckChallenge1024)])]
    public void SetupChallenges()
    {
        _n4096 = Challenge.Create(4096);
        _n1024 = Challenge.Create(1024);
    }

    [GlobalSetup(Target = nameof(ProveCpu))]
    public void SetupCpu()
    {
        SetupReceipt();
        _cpu = new CpuProver();
    }

    /// <summary>The ILGPU prover only where it is measured: its CPU accelerator runs a thread per simulated GPU thread.</summary>
    [GlobalSetup(Target = nameof(ProveIlgpuCpu))]
    public void SetupIlgpu()
    {
        SetupReceipt();
        _ilgpu = IlgpuProver.CreateCpu();
        using var cpu = new CpuProver();
        if (!cpu.Commit(_a, _b, _receipt).Root.AsSpan().SequenceEqual(_ilgpu.Commit(_a, _b, _receipt).Root))
        {
            throw new InvalidOperationException("the CPU and ILGPU provers disagree");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _n4096?.Dispose();
        _n1024?.Dispose();
        _cpu?.Dispose();
        _ilgpu?.Dispose();
    }

    [Benchmark(Description = "Check a challenge: 256 tiles, n = 4096, k = 16, 1 core")]
    public int CheckChallenge4096() => _n4096!.Check();

    [Benchmark(Description = "Check a challenge: 256 tiles, n = 1024, k = 16, 1 core")]
    public int CheckChallenge1024() => _n1024!.Check();

    [Benchmark(Description = "Prove a receipt 256 x 1024, k = 16: CpuProver, all cores")]
    public byte[] ProveCpu() => _cpu!.Commit(_a, _b, _receipt).Root;

    [Benchmark(Description = "Prove a receipt 256 x 1024, k = 16: IlgpuProver, CPU accelerator")]
    public byte[] ProveIlgpuCpu() => _ilgpu!.Commit(_a, _b, _receipt).Root;

    private void SetupReceipt()
    {
        _receipt = new WorkloadShape(256, 1024, TileWidth);
        (_a, _b) = SeededWorkload.Generate(Hashes.Sha256("work benchmark receipt"u8), _receipt);
    }

    private sealed class Challenge : IDisposable
    {
        private readonly SeededMatrices _inputs;
        private readonly WorkloadShape _shape;
        private readonly long[] _tiles;
        private readonly List<byte[]>[] _paths;
        private readonly byte[][] _roots;

        private Challenge(int n)
        {
            _shape = new WorkloadShape((int)(Leaves / (n / TileWidth)), n, TileWidth);
            _inputs = new SeededMatrices(Hashes.Sha256(BitConverter.GetBytes(n)), n);
            var random = new Random(n);
            _tiles = new long[Challenged];
            _paths = new List<byte[]>[Challenged];
            _roots = new byte[Challenged][];
            for (var s = 0; s < Challenged; s++)
            {
                _tiles[s] = random.NextInt64(Leaves);
                var leaf = Leaf(_tiles[s]);
                var node = leaf;
                _paths[s] = [];
                for (var level = 0; level < 32; level++)
                {
                    var sibling = new byte[32];
                    random.NextBytes(sibling);
                    _paths[s].Add(sibling);
                    node = ((_tiles[s] >> level) & 1) == 1 ? MerkleTree.InnerHash(sibling, node) : MerkleTree.InnerHash(node, sibling);
                }

                _roots[s] = node;
            }

            if (Check() != Challenged)
            {
                throw new InvalidOperationException("a benchmark path does not verify");
            }
        }

        public static Challenge Create(int n) => new(n);

        /// <summary>What a validator does per response: every tile recomputed from the seed, hashed and its path verified.</summary>
        public int Check()
        {
            var verified = 0;
            for (var s = 0; s < Challenged; s++)
            {
                if (MerkleTree.Verify(Leaf(_tiles[s]), _tiles[s], Leaves, _paths[s], _roots[s]))
                {
                    verified++;
                }
            }

            return verified;
        }

        public void Dispose() => _inputs.Dispose();

        private byte[] Leaf(long tileIndex)
        {
            var row = tileIndex / _shape.TilesPerRow;
            var tile = (int)(tileIndex % _shape.TilesPerRow);
            return MerkleTree.LeafHash(TileKernel.LeafBytes(TileKernel.SeededTile(_inputs, _shape, row, tile)));
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median);
    }
}
