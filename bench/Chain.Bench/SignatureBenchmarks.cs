using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;

namespace Chain.Bench;

/// <summary>
/// secp256k1 through the node's Chain.Crypto wrapper: ECDSA verify of one signature on one core, of a
/// batch on all cores (Parallel.For, as the block pre-verification does), Schnorr verify, and signing.
/// Batch figures are per signature (OperationsPerInvoke); Op/s is signatures per second.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    public const int BatchSize = 10_000;

    private byte[] _publicKey = [];
    private byte[] _hash = [];
    private byte[] _signature = [];
    private byte[] _xOnly = [];
    private byte[] _schnorr = [];
    private PrivateKey _key = null!;
    private byte[] _secret = [];
    private byte[][] _batchKeys = [];
    private byte[][] _batchHashes = [];
    private byte[][] _batchSignatures = [];

    [GlobalSetup]
    public void Setup()
    {
        _key = TransferWorkload.Key(0);
        _secret = _key.ToBytes();
        _publicKey = _key.PublicKey;
        _hash = Hashes.Sha256("a message of the kind a tx's sign bytes are"u8);
        _signature = _key.Sign(_hash);
        _xOnly = Secp256k1.GetXOnlyPublicKey(_secret);
        _schnorr = Secp256k1.SignSchnorr(_secret, _hash);

        _batchKeys = new byte[BatchSize][];
        _batchHashes = new byte[BatchSize][];
        _batchSignatures = new byte[BatchSize][];
        Parallel.For(0, BatchSize, i =>
        {
            var key = TransferWorkload.Key(i);
            _batchKeys[i] = key.PublicKey;
            _batchHashes[i] = Hashes.Sha256(BitConverter.GetBytes(i));
            _batchSignatures[i] = key.Sign(_batchHashes[i]);
        });

        if (!PublicKey.Verify(_publicKey, _hash, _signature) || !Secp256k1.VerifySchnorr(_xOnly, _hash, _schnorr) || !VerifyBatch())
        {
            throw new InvalidOperationException("a benchmark signature does not verify");
        }
    }

    [Benchmark(Description = "ECDSA verify, 1 core")]
    public bool VerifyEcdsa() => PublicKey.Verify(_publicKey, _hash, _signature);

    [Benchmark(Description = "ECDSA verify, batch of 10k on all cores (per sig)", OperationsPerInvoke = BatchSize)]
    public bool VerifyEcdsaBatchParallel() => VerifyBatch();

    [Benchmark(Description = "Schnorr (BIP-340) verify, 1 core")]
    public bool VerifySchnorr() => Secp256k1.VerifySchnorr(_xOnly, _hash, _schnorr);

    [Benchmark(Description = "ECDSA sign (RFC 6979), 1 core")]
    public byte[] SignEcdsa() => _key.Sign(_hash);

    [Benchmark(Description = "Schnorr (BIP-340) sign, 1 core")]
    public byte[] SignSchnorr() => Secp256k1.SignSchnorr(_secret, _hash);

    private bool VerifyBatch()
    {
        var bad = 0;
        Parallel.For(0, BatchSize, i =>
        {
            if (!PublicKey.Verify(_batchKeys[i], _batchHashes[i], _batchSignatures[i]))
            {
                Interlocked.Increment(ref bad);
            }
        });
        return bad == 0;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond);
    }
}
