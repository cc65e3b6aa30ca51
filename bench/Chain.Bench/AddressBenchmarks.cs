using BenchmarkDotNet.Attributes;
using Chain.Crypto;

namespace Chain.Bench;

/// <summary>
/// Bech32 addresses: every transfer decodes its two addresses (in the decoder and the bank handler) and its events
/// encode them again, on every node, so their cost is part of each tx's.
/// </summary>
[MemoryDiagnoser]
public class AddressBenchmarks
{
    private byte[] _address = [];
    private string _text = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _address = TransferWorkload.Key(0).Address;
        _text = Address.ToBech32(_address);
    }

    [Benchmark]
    public string Encode() => Address.ToBech32(_address);

    [Benchmark]
    public byte[] Decode() => Address.FromBech32(_text);
}
