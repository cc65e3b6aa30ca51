using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Modules;
using Google.Protobuf;

namespace Chain.State.Transactions;

/// <summary>A tx that passed every stateless check: decoded, its messages unpacked and routed.</summary>
public sealed class DecodedTx
{
    public required byte[] Bytes { get; init; }

    public required byte[] Hash { get; init; }

    public required Tx Tx { get; init; }

    public required IMessage[] Messages { get; init; }

    public required IMsgHandler[] Handlers { get; init; }

    public required byte[] PublicKey { get; init; }

    /// <summary><see cref="PublicKey"/> as parsed when the tx was decoded: its signature checks do not parse it again.</summary>
    public required ParsedPublicKey ParsedPublicKey { get; init; }

    /// <summary>Address of <see cref="PublicKey"/>: the account that signs, pays and is sequenced.</summary>
    public required byte[] Signer { get; init; }

    public ulong Sequence => Tx.AuthInfo.Signer.Sequence;

    public ulong GasLimit => Tx.AuthInfo.Fee.GasLimit;

    public IReadOnlyList<Coin> Fee => Tx.AuthInfo.Fee.Amount;

    /// <summary>Fee in the base denomination (the only fee denomination accepted).</summary>
    public ulong FeeAmount { get; init; }
}
