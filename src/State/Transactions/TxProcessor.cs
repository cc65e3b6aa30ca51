using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocksDbSharp;

namespace Chain.State.Transactions;

/// <summary>
/// Runs a decoded tx against state: the ante checks (size gas, account, sequence, signature through the
/// cache, fee) then each message's handler. A failed message rolls back the messages only (the fee and
/// sequence stay spent, as in the Cosmos SDK); a failed ante check changes nothing. At height 0 (genesis's gen txs)
/// signatures are over account number 0 (<see cref="SignedAccountNumber"/>).
/// A handler (or ante step) that throws anything but out-of-gas has a bug, and every node meets it at the same tx:
/// the tx fails with <see cref="TxCodes.InternalError"/> and its changes are undone, instead of the exception
/// halting every node. Faults of this node alone (its disk, its shutdown) still propagate (<see cref="IsLocalFault"/>).
/// </summary>
public sealed class TxProcessor
{
    private readonly IAccountKeeper _accounts;
    private readonly TxPipelineOptions _options;
    private readonly SignatureCache _signatures;
    private readonly ILogger _logger;

    public TxProcessor(ModuleRouter router, IAccountKeeper accounts, TxPipelineOptions options, SignatureCache signatures, ILogger<TxProcessor>? logger = null)
    {
        _accounts = accounts;
        _options = options;
        _signatures = signatures;
        _logger = logger ?? NullLogger<TxProcessor>.Instance;
        Decoder = new TxDecoder(router, options);
    }

    public TxDecoder Decoder { get; }

    public TxPipelineOptions Options => _options;

    /// <summary>
    /// Verifies the signatures of many txs on all cores against the account numbers in <paramref name="state"/>
    /// and caches the good ones; txs whose account is not there yet are left to execution.
    /// <paramref name="state"/> is read from several threads at once: it must be committed state (or another
    /// reader that is safe for concurrent reads), never a block's cache.
    /// </summary>
    public void PreVerify(IReadOnlyList<DecodedTx> txs, IStateReader state)
    {
        var store = new ReadOnlyStateStore(state);
        if (txs.Count < ParallelVerifyFrom)
        {
            // One tx (admission from a client): a parallel loop would cost more than the check and wake idle threads.
            for (var i = 0; i < txs.Count; i++)
            {
                PreVerifyOne(store, txs[i]);
            }

            return;
        }

        Parallel.For(0, txs.Count, i => PreVerifyOne(store, txs[i]));
    }

    /// <summary>
    /// Whether the signature cache holds this tx (<see cref="SignatureCache.Contains"/>): a hint to skip
    /// <see cref="PreVerify"/> for it, never a check; execution still verifies against the account number.
    /// </summary>
    public bool HasVerifiedSignature(byte[] txHash) => _signatures.Contains(txHash);

    /// <summary>Below this many txs <see cref="PreVerify"/> checks them on the calling thread.</summary>
    private const int ParallelVerifyFrom = 4;

    private void PreVerifyOne(ReadOnlyStateStore store, DecodedTx tx)
    {
        if (_accounts.GetAccount(store, tx.Signer)?.AccountNumber is { } number && !_signatures.IsVerified(tx.Hash, number) && VerifySignature(tx, number) == SignatureCheck.Valid)
        {
            _signatures.Add(tx.Hash, number);
        }
    }

    /// <summary>
    /// CheckTx: ante checks only, with the node's minimum fee; on success the check state keeps the fee and sequence,
    /// on failure it is unchanged. The journal is left to the caller: it may still revert a success to a snapshot it
    /// took before (the mempool does when the tx finds no room), and discards the journal when it keeps the result.
    /// </summary>
    /// <param name="events">False when nobody reads the result's events (a relayed tx, a recheck): the ante builds none.</param>
    public TxResult Check(CacheState checkState, DecodedTx tx, BlockInfo next, decimal minGasPrice, bool events = true)
    {
        var required = decimal.Ceiling(minGasPrice * tx.GasLimit);
        if (tx.FeeAmount < required)
        {
            return Result(tx, ExecResult.Error(TxCodes.Codespace, TxCodes.InsufficientFee,
                $"fee {tx.FeeAmount}{_options.FeeDenom} is below the minimum {required}{_options.FeeDenom} (gas limit {tx.GasLimit} x min gas price {minGasPrice}{_options.FeeDenom})"), 0, []);
        }

        var (ante, ctx) = RunAnte(checkState, tx, next, events);
        return Result(tx, ante, ctx.Gas.Consumed, ante.IsOk ? ctx.Events.Events : []);
    }

    /// <summary>Runs the ante checks in a fresh gas-metered context; on failure every write they made is undone.</summary>
    private (ExecResult Result, MsgContext Context) RunAnte(CacheState state, DecodedTx tx, BlockInfo block, bool events = true)
    {
        var snapshot = state.Snapshot();
        var meter = new GasMeter(tx.GasLimit);
        var ctx = new MsgContext(new GasMeteredStore(state, meter, _options.Gas), block, meter, new EventSink(events));
        ExecResult result;
        try
        {
            result = Ante(ctx, tx);
        }
        catch (OutOfGasException e)
        {
            result = ExecResult.Error(TxCodes.Codespace, TxCodes.OutOfGas, e.Message);
        }
        catch (Exception e) when (!IsLocalFault(e))
        {
            result = InternalError(tx, "ante", e);
        }

        if (!result.IsOk)
        {
            state.RevertTo(snapshot);
        }

        return (result, ctx);
    }

    /// <summary>Executes a tx in a block; returns its result. State changes stay in <paramref name="blockState"/>.</summary>
    public TxResult Deliver(CacheState blockState, DecodedTx tx, BlockInfo block)
    {
        var (result, ctx) = RunAnte(blockState, tx, block);
        var meter = ctx.Gas;
        var events = ctx.Events;
        if (!result.IsOk)
        {
            blockState.DiscardJournal();
            return Result(tx, result, meter.Consumed, []);
        }

        var afterAnte = blockState.Snapshot();
        var anteEvents = events.Mark();
        var current = 0;
        try
        {
            for (; current < tx.Messages.Length && result.IsOk; current++)
            {
                result = tx.Handlers[current].Handle(ctx, tx.Messages[current]);
                if (!result.IsOk)
                {
                    result = result with { Log = $"message {current} ({tx.Handlers[current].TypeUrl}): {result.Log}" };
                }
            }
        }
        catch (OutOfGasException e)
        {
            result = ExecResult.Error(TxCodes.Codespace, TxCodes.OutOfGas, e.Message);
        }
        catch (Exception e) when (!IsLocalFault(e))
        {
            result = InternalError(tx, $"message {current} ({tx.Handlers[current].TypeUrl})", e);
        }

        if (!result.IsOk)
        {
            blockState.RevertTo(afterAnte);
            events.TruncateTo(anteEvents);
        }

        blockState.DiscardJournal();
        return Result(tx, result, meter.Consumed, events.Events);
    }

    private ExecResult Ante(MsgContext ctx, DecodedTx tx)
    {
        var block = ctx.Block;
        if (tx.Tx.Body.TimeoutHeight != 0 && block.Height > tx.Tx.Body.TimeoutHeight)
        {
            return Fail(TxCodes.TxTimeoutHeight, $"tx timed out at height {tx.Tx.Body.TimeoutHeight}; the chain is at {block.Height}");
        }

        ctx.Gas.Consume(_options.Gas.TxSizePerByte * (ulong)tx.Bytes.Length, "tx size");
        var account = _accounts.GetAccount(ctx.Store, tx.Signer);
        if (account is null)
        {
            return Fail(TxCodes.UnknownAddress, $"account {Address.ToBech32(tx.Signer)} does not exist: it must receive funds before it can send a tx");
        }

        if (tx.Sequence != account.Sequence)
        {
            return Fail(TxCodes.InvalidSequence, $"account sequence mismatch: expected {account.Sequence}, got {tx.Sequence}");
        }

        ctx.Gas.Consume(_options.Gas.SignatureVerify, "signature");
        var signedNumber = SignedAccountNumber(block, account);
        if (!_signatures.IsVerified(tx.Hash, signedNumber))
        {
            var check = VerifySignature(tx, signedNumber);
            if (check == SignatureCheck.HighS)
            {
                return Fail(TxCodes.HighSSignature, "signature has a high S value; only low-S signatures are accepted");
            }

            if (check != SignatureCheck.Valid)
            {
                return Fail(TxCodes.Unauthorized, DiagnoseBadSignature(tx, signedNumber));
            }

            _signatures.Add(tx.Hash, signedNumber);
        }

        if (tx.FeeAmount > 0)
        {
            var fee = _accounts.DeductFee(ctx, tx.Signer, tx.Fee);
            if (!fee.IsOk)
            {
                return fee;
            }
        }

        account.Sequence++;
        if (account.PublicKey.IsEmpty)
        {
            account.PublicKey = ByteString.CopyFrom(tx.PublicKey);
        }

        _accounts.SetAccount(ctx.Store, tx.Signer, account);
        if (ctx.Events.Recording)
        {
            ctx.Events.Emit("tx", ("signer", Address.ToBech32(tx.Signer)), ("sequence", tx.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("fee", tx.FeeAmount + _options.FeeDenom));
        }

        return ExecResult.Ok;
    }

    /// <summary>
    /// The account number a tx in <paramref name="block"/> is signed over: the account's own, except at height 0 (the
    /// gen txs of genesis), where it is 0 for every account, as in the Cosmos SDK: a gentx is signed offline, before
    /// the chain has given the account a number.
    /// </summary>
    public static ulong SignedAccountNumber(BlockInfo block, Account account) => block.Height == 0 ? 0 : account.AccountNumber;

    private SignatureCheck VerifySignature(DecodedTx tx, ulong accountNumber)
    {
        var signBytes = TxFactory.SignBytes(_options.ChainId, accountNumber, tx.Sequence, tx.Tx.AuthInfo.Fee, tx.Tx.Body);
        return Secp256k1.Verify(tx.ParsedPublicKey, Hashes.Sha256(signBytes), tx.Tx.Signature.Span);
    }

    /// <summary>
    /// Says why a signature that already failed does not verify. Runs only on that failure path (never for a good tx),
    /// and costs at most two more verifications: over SHA-256(SHA-256(sign bytes)), the mistake of a library that hashes
    /// the digest it is given; and, for an account whose number is not 0, over account number 0, the mistake of a client
    /// that did not look its account up.
    /// </summary>
    private string DiagnoseBadSignature(DecodedTx tx, ulong accountNumber)
    {
        var signBytes = TxFactory.SignBytes(_options.ChainId, accountNumber, tx.Sequence, tx.Tx.AuthInfo.Fee, tx.Tx.Body);
        var once = Hashes.Sha256(signBytes);
        if (Secp256k1.Verify(tx.ParsedPublicKey, Hashes.Sha256(once), tx.Tx.Signature.Span) == SignatureCheck.Valid)
        {
            return "signature verification failed: the signature is over SHA-256(SHA-256(sign bytes)), a double hash (the signing library hashed the digest again); " +
                "sign SHA-256 of the sign bytes once, e.g. with prehash disabled (docs/clients.md#signing)";
        }

        if (accountNumber != 0)
        {
            var zero = TxFactory.SignBytes(_options.ChainId, 0, tx.Sequence, tx.Tx.AuthInfo.Fee, tx.Tx.Body);
            if (Secp256k1.Verify(tx.ParsedPublicKey, Hashes.Sha256(zero), tx.Tx.Signature.Span) == SignatureCheck.Valid)
            {
                return $"signature verification failed: the tx was signed with account_number 0, but the account number of {Address.ToBech32(tx.Signer)} is {accountNumber} " +
                    "(query it with chain.bank.v1.Query/Account)";
            }
        }

        return $"signature verification failed: signature does not verify for auth_info.signer.public_key over SHA-256 of the SignDoc the node expects: " +
            $"chain_id '{_options.ChainId}', account_number {accountNumber}, sequence {tx.Sequence}, with the tx's fee, messages, memo and timeout_height " +
            "(a wrong chain id, account number or other key gives this; the layout is in docs/clients.md#sign-bytes)";
    }

    /// <summary>
    /// Whether an exception is this node's own trouble rather than the tx's: its storage failed, it is shutting down or
    /// out of memory. Such a fault must stop the node, not become a tx result its peers would not record.
    /// </summary>
    public static bool IsLocalFault(Exception e) =>
        e is IOException or RocksDbException or ObjectDisposedException or OperationCanceledException or OutOfMemoryException;

    /// <summary>
    /// The result of a tx whose code threw: the log names where and the exception's type (the same on every node; the
    /// message and stack trace go to this node's log only, as they may differ between builds).
    /// </summary>
    private ExecResult InternalError(DecodedTx tx, string where, Exception e)
    {
        _logger.LogError(e, "Tx {TxHash}: {Where} threw {Exception}; the tx fails with code {Code} and its changes are undone",
            Convert.ToHexString(tx.Hash), where, e.GetType().FullName, TxCodes.InternalError);
        return ExecResult.Error(TxCodes.Codespace, TxCodes.InternalError, $"{where}: internal error in handler ({e.GetType().Name})");
    }

    private static ExecResult Fail(uint code, string log) => ExecResult.Error(TxCodes.Codespace, code, log);

    public static TxResult Result(DecodedTx? tx, ExecResult result, ulong gasUsed, IEnumerable<Event> events)
    {
        var r = new TxResult
        {
            Code = result.Code,
            Codespace = result.Codespace,
            Log = result.Log,
            GasWanted = tx?.GasLimit ?? 0,
            GasUsed = gasUsed,
        };
        if (tx is not null)
        {
            r.TxHash = ByteString.CopyFrom(tx.Hash);
        }

        r.Events.AddRange(events);
        return r;
    }
}
