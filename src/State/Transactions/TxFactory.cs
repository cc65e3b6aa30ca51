using Chain.Crypto;
using Chain.Proto.Types;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.State.Transactions;

/// <summary>Builds and signs txs: what wallets, the CLI, tests and the load generator share.</summary>
public static class TxFactory
{
    /// <summary>The type URL a message is packed under, e.g. "/chain.bank.v1.MsgSend".</summary>
    public static string TypeUrl(IMessage message) => "/" + message.Descriptor.FullName;

    public static Any Pack(IMessage message) => new() { TypeUrl = TypeUrl(message), Value = message.ToByteString() };

    /// <summary>The canonical bytes a signer signs (before hashing).</summary>
    public static byte[] SignBytes(string chainId, ulong accountNumber, ulong sequence, Fee fee, TxBody body)
    {
        var doc = new SignDoc
        {
            ChainId = chainId,
            AccountNumber = accountNumber,
            Sequence = sequence,
            Fee = fee,
            Memo = body.Memo,
            TimeoutHeight = body.TimeoutHeight,
        };
        doc.Messages.AddRange(body.Messages);
        return doc.ToByteArray();
    }

    public static Tx Sign(
        PrivateKey key,
        string chainId,
        ulong accountNumber,
        ulong sequence,
        Fee fee,
        IEnumerable<IMessage> messages,
        string memo = "",
        ulong timeoutHeight = 0)
    {
        var body = new TxBody { Memo = memo, TimeoutHeight = timeoutHeight };
        foreach (var m in messages)
        {
            body.Messages.Add(Pack(m));
        }

        var signature = key.SignMessage(SignBytes(chainId, accountNumber, sequence, fee, body));
        return new Tx
        {
            Body = body,
            AuthInfo = new AuthInfo
            {
                Signer = new SignerInfo { PublicKey = ByteString.CopyFrom(key.PublicKey), Sequence = sequence },
                Fee = fee,
            },
            Signature = ByteString.CopyFrom(signature),
        };
    }

    /// <summary>SHA-256 of the tx's bytes: its id in the mempool, the block and queries.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> txBytes) => Hashes.Sha256(txBytes);
}
