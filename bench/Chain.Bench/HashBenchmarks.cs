using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Chain.Crypto;

namespace Chain.Bench;

/// <summary>
/// One SHA-256 of the sizes the chain hashes most: 32 bytes (a key or value hash input) and 65 (a tree node:
/// prefix and two hashes; a leaf update hashes about 11 of them). <c>OneShot</c> is .NET's
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>, <c>Reused</c> is .NET's hashing with one context per
/// thread (<see cref="Hashes"/>' path without libcrypto's low-level functions), <c>Chain</c> is
/// <see cref="Hashes.Sha256(ReadOnlySpan{byte}, Span{byte})"/> (OpenSSL's low-level SHA-256 where libcrypto exports it).
/// </summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private readonly byte[] _hash = new byte[Hashes.Sha256Size];
    private byte[] _data = [];

    [Params(32, 65)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup() => _data = Enumerable.Range(0, Bytes).Select(i => (byte)(i * 7)).ToArray();

    [Benchmark(Baseline = true)]
    public byte[] OneShot()
    {
        SHA256.HashData(_data, _hash);
        return _hash;
    }

    [Benchmark]
    public byte[] Reused()
    {
        Hashes.HashThroughDotNet(_data, _hash);
        return _hash;
    }

    [Benchmark]
    public byte[] Chain()
    {
        Hashes.Sha256(_data, _hash);
        return _hash;
    }
}
