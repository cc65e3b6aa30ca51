using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Modules;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Chain.State.Transactions;

/// <summary>
/// Decodes tx bytes and runs every check that needs no state. The encoding must be canonical: the bytes
/// must re-serialize to themselves, which refuses unknown fields and any second encoding of the same tx.
/// </summary>
public sealed class TxDecoder
{
    private static readonly MessageParser<Tx> Parser = Tx.Parser.WithDiscardUnknownFields(true);
    private readonly ModuleRouter _router;
    private readonly TxPipelineOptions _options;

    public TxDecoder(ModuleRouter router, TxPipelineOptions options)
    {
        _router = router;
        _options = options;
    }

    /// <summary>
    /// Decodes and checks a tx's bytes; null with <paramref name="error"/> when they are not a well-formed tx.
    /// <paramref name="hash"/>, when the caller already has it, must be <see cref="TxFactory.Hash"/> of the bytes.
    /// </summary>
    public DecodedTx? Decode(byte[] bytes, out ExecResult error, byte[]? hash = null)
    {
        error = ExecResult.Ok;
        if ((ulong)bytes.Length > _options.MaxTxBytes)
        {
            error = Fail(TxCodes.TxTooLarge, $"tx is {bytes.Length} bytes, over the {_options.MaxTxBytes}-byte limit");
            return null;
        }

        if (bytes.Length == 0)
        {
            error = Fail(TxCodes.TxDecode, "tx is empty");
            return null;
        }

        Tx tx;
        try
        {
            tx = Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = Fail(TxCodes.TxDecode, NotDecodable(bytes, Tx.Descriptor, "tx bytes are not a valid Tx", e));
            return null;
        }

        if (!CanonicalEncoding.Matches(tx, bytes))
        {
            error = Fail(TxCodes.TxDecode, NotCanonical(bytes, Tx.Descriptor, "tx is not canonically encoded"));
            return null;
        }

        if (tx.Body is null || tx.AuthInfo?.Signer is null || tx.AuthInfo.Fee is null)
        {
            var missing = tx.Body is null ? "body" : tx.AuthInfo is null ? "auth_info" : tx.AuthInfo.Signer is null ? "auth_info.signer" : "auth_info.fee";
            error = Fail(TxCodes.TxDecode, $"tx has no {missing}: a Tx needs body, auth_info.signer and auth_info.fee (docs/clients.md#tx-layout)");
            return null;
        }

        if (tx.Body.Messages.Count == 0)
        {
            error = Fail(TxCodes.InvalidRequest, "tx has no messages");
            return null;
        }

        if (tx.Body.Messages.Count > _options.MaxMessages)
        {
            error = Fail(TxCodes.InvalidRequest, $"tx has {tx.Body.Messages.Count} messages, over the limit of {_options.MaxMessages}");
            return null;
        }

        if (tx.Body.Memo.Length > _options.MaxMemoChars)
        {
            error = Fail(TxCodes.MemoTooLarge, $"memo is {tx.Body.Memo.Length} characters, over the limit of {_options.MaxMemoChars}");
            return null;
        }

        var publicKey = tx.AuthInfo.Signer.PublicKey.ToByteArray();
        if (!Secp256k1.TryParsePublicKey(publicKey, out var parsedKey))
        {
            error = Fail(TxCodes.InvalidPubKey, $"signer public key is not a 33-byte compressed secp256k1 key (got {publicKey.Length} bytes)");
            return null;
        }

        if (tx.Signature.Length == 0)
        {
            error = Fail(TxCodes.NoSignatures, "tx is not signed");
            return null;
        }

        if (tx.Signature.Length != Secp256k1.CompactSignatureSize)
        {
            error = Fail(TxCodes.Unauthorized, $"signature is {tx.Signature.Length} bytes, expected 64 (compact r||s)");
            return null;
        }

        var fee = tx.AuthInfo.Fee;
        if (fee.GasLimit == 0)
        {
            error = Fail(TxCodes.InvalidGasLimit, "fee.gas_limit must be above 0");
            return null;
        }

        ulong feeAmount = 0;
        foreach (var coin in fee.Amount)
        {
            if (coin.Denom != _options.FeeDenom)
            {
                error = Fail(TxCodes.InsufficientFee, $"fees are paid in {_options.FeeDenom}, not '{coin.Denom}'");
                return null;
            }

            if (coin.Amount == 0 || feeAmount + coin.Amount < feeAmount)
            {
                error = Fail(TxCodes.InvalidCoins, "fee amount must be positive and fit in 64 bits");
                return null;
            }

            feeAmount += coin.Amount;
        }

        if (fee.Amount.Count > 1)
        {
            error = Fail(TxCodes.InvalidCoins, "fee lists the same denomination more than once");
            return null;
        }

        var signer = Address.FromPublicKey(publicKey);
        var messages = new IMessage[tx.Body.Messages.Count];
        var handlers = new IMsgHandler[messages.Length];
        for (var i = 0; i < messages.Length; i++)
        {
            var any = tx.Body.Messages[i];
            var handler = _router.Find(any.TypeUrl);
            if (handler is null)
            {
                error = Fail(TxCodes.UnknownRequest, $"message {i} has unknown type '{any.TypeUrl}'");
                return null;
            }

            IMessage message;
            try
            {
                message = handler.Parser.ParseFrom(any.Value);
            }
            catch (InvalidProtocolBufferException e)
            {
                error = Fail(TxCodes.TxDecode, NotDecodable(any.Value.Span, DescriptorOf(handler), $"message {i} ({any.TypeUrl}) does not decode", e));
                return null;
            }

            if (!CanonicalEncoding.Matches(message, any.Value.Span))
            {
                error = Fail(TxCodes.TxDecode, NotCanonical(any.Value.Span, message.Descriptor, $"message {i} ({any.TypeUrl}) is not canonically encoded"));
                return null;
            }

            var basic = handler.ValidateBasic(message);
            if (!basic.IsOk)
            {
                error = basic with { Log = $"message {i}: {basic.Log}" };
                return null;
            }

            if (!handler.Signer(message).AsSpan().SequenceEqual(signer))
            {
                error = Fail(TxCodes.Unauthorized,
                    $"message {i} ({any.TypeUrl}) must be signed by {Address.ToBech32(handler.Signer(message))}, but auth_info.signer.public_key is the key of {Address.ToBech32(signer)}: sign with the key of the message's signer and put that key in auth_info.signer.public_key");
                return null;
            }

            messages[i] = message;
            handlers[i] = handler;
        }

        return new DecodedTx
        {
            Bytes = bytes,
            Hash = hash ?? TxFactory.Hash(bytes),
            Tx = tx,
            Messages = messages,
            Handlers = handlers,
            PublicKey = publicKey,
            ParsedPublicKey = parsedKey,
            Signer = signer,
            FeeAmount = feeAmount,
        };
    }

    private static ExecResult Fail(uint code, string log) => ExecResult.Error(TxCodes.Codespace, code, log);

    /// <summary>Why bytes did not parse, by field path (<see cref="WireFormatDiagnosis"/>); the parser's own text only when the walk finds nothing.</summary>
    private static string NotDecodable(ReadOnlySpan<byte> bytes, MessageDescriptor descriptor, string what, InvalidProtocolBufferException e)
    {
        var problems = WireFormatDiagnosis.Diagnose(bytes, descriptor);
        var reason = problems.Malformed ?? problems.NonCanonical ?? $"protobuf: {e.Message}";
        return $"{what}: {reason}";
    }

    /// <summary>Which field breaks the canonical encoding, when the walk can tell.</summary>
    private static string NotCanonical(ReadOnlySpan<byte> bytes, MessageDescriptor descriptor, string what)
    {
        var problems = WireFormatDiagnosis.Diagnose(bytes, descriptor);
        var reason = problems.NonCanonical ?? problems.Malformed
            ?? "it does not re-encode to the same bytes (fields at their default value must be left out, fields written in field-number order, no unknown or repeated singular fields)";
        return $"{what}: {reason} (docs/clients.md#canonical-encoding)";
    }

    /// <summary>The descriptor of a handler's message type (only asked for after a message failed to decode).</summary>
    private static MessageDescriptor DescriptorOf(IMsgHandler handler) => handler.Parser.ParseFrom(ByteString.Empty).Descriptor;
}
