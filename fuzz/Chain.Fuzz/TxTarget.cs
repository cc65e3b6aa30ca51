using Chain.Crypto;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Fuzz;

/// <summary>
/// Tx bytes as a client or a peer's mempool sends them, through <see cref="TxDecoder.Decode"/> with the node's
/// modules: the decoder reports bad bytes as an error result and never throws.
/// </summary>
public sealed class TxTarget : IFuzzTarget
{
    public const string ChainId = "fuzz-1";

    private readonly TxDecoder _decoder = new(new ModuleRouter(ModuleCatalog.Create()), new TxPipelineOptions { ChainId = ChainId });

    public string Name => "tx";

    public void Run(ReadOnlySpan<byte> input) => _decoder.Decode(input.ToArray(), out _);

    public IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        yield return ("msg-send.bin", SignedSend(1).ToByteArray());
        yield return ("msg-send-memo.bin", SignedSend(7, memo: "rent for lease 12").ToByteArray());
    }

    /// <summary>A transfer signed by a fixed key (RFC 6979 signatures, so the bytes are the same on every run).</summary>
    public static Tx SignedSend(ulong sequence, string memo = "")
    {
        var key = PrivateKey.FromBytes(Enumerable.Repeat((byte)7, 32).ToArray());
        var send = new MsgSend
        {
            FromAddress = Address.ToBech32(key.Address),
            ToAddress = Address.ToBech32(new byte[Address.Size]),
            Amount = { new Coin { Denom = Coins.BaseDenom, Amount = 1_000 } },
        };
        var fee = new Fee { GasLimit = 200_000, Amount = { new Coin { Denom = Coins.BaseDenom, Amount = 2_000 } } };
        return TxFactory.Sign(key, ChainId, 0, sequence, fee, [send], memo);
    }
}
