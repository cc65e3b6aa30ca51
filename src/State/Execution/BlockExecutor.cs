using Chain.Crypto;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.Blocks;
using Chain.State.Commitment;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.State.Execution;

/// <summary>
/// Executes committed blocks deterministically (BeginBlock, every tx, EndBlock) over a cache of the
/// committed state, and commits block, results and state in one synced RocksDB write batch.
/// The state root after height H (version H) is the app hash of block H+1; genesis is version 0.
/// Not thread-safe: the node calls it from one thread at a time.
/// </summary>
public sealed class BlockExecutor
{
    private static readonly byte[] GenesisKey = "genesis_hash"u8.ToArray();
    private static readonly byte[] GenesisValidatorsKey = "genesis_validators"u8.ToArray();
    private readonly IKeyValueStore _store;
    private readonly IStateCommitment _commitment;
    private readonly ModuleRouter _router;
    private readonly TxProcessor _processor;
    private readonly CommitFault? _fault;
    private IReadOnlyList<ValidatorPowerUpdate>? _genesisValidators;

    /// <summary>
    /// Opens the executor over a store; when genesis was written, first rebuilds the flat latest-value copy from the
    /// state tree if it is missing or was written for another version (<see cref="CommittedState.EnsureComplete"/>).
    /// <paramref name="fault"/> is for crash tests only.
    /// </summary>
    private volatile CommittedTip _tip;

    public BlockExecutor(IKeyValueStore store, IStateCommitment commitment, BlockStore blocks, ModuleRouter router, TxProcessor processor, ulong blockMaxGas, CommitFault? fault = null, long valueCacheBytes = CommittedState.DefaultValueCacheBytes)
    {
        _store = store;
        _commitment = commitment;
        Blocks = blocks;
        _router = router;
        _processor = processor;
        BlockMaxGas = blockMaxGas;
        _fault = fault;
        Committed = new CommittedState(store, valueCacheBytes);
        if (GenesisDone)
        {
            RebuiltFlatState = Committed.EnsureComplete(commitment);
        }

        _tip = new CommittedTip(blocks.LatestHeight, commitment.LatestRoot);
    }

    /// <summary>Whether opening this executor had to rebuild the flat latest-value copy from the tree.</summary>
    public bool RebuiltFlatState { get; }

    public CommittedState Committed { get; }

    public BlockStore Blocks { get; }

    public TxProcessor Processor => _processor;

    public ulong BlockMaxGas { get; }

    public string ChainId => _processor.Options.ChainId;

    /// <summary>
    /// Refuses a tx whose gas limit is above the block's max gas: no block could include it, so admission does not
    /// keep it and simulate does not run it (which would let a client buy unbounded work with an unbounded gas limit).
    /// </summary>
    public ExecResult CheckGasLimit(DecodedTx tx) =>
        tx.GasLimit <= BlockMaxGas
            ? ExecResult.Ok
            : ExecResult.Error(TxCodes.Codespace, TxCodes.InvalidGasLimit,
                $"gas limit {tx.GasLimit} is above the block's max gas {BlockMaxGas}: no block could include this tx");

    /// <summary>Height of the last committed block (0 before the first).</summary>
    public ulong LastHeight => Blocks.LatestHeight;

    /// <summary>The app hash the next block's header must carry.</summary>
    public byte[] LastAppHash => _commitment.LatestRoot;

    /// <summary>
    /// The last committed height and the app hash after it, as one value. Reading <see cref="LastHeight"/> and
    /// <see cref="LastAppHash"/> (or the block at LastHeight) apart from another thread may straddle a commit and pair
    /// one block's height with the next one's block or state; readers outside the consensus loop use this.
    /// </summary>
    public CommittedTip Tip => _tip;

    public IStateCommitment Commitment => _commitment;

    public bool GenesisDone => _store.Contains(ColumnFamily.Meta, GenesisKey);

    /// <summary>
    /// Writes genesis state as version 0 on a fresh store; on a store that already has it, checks that it
    /// is the same genesis. Returns an error naming what was wrong.
    /// </summary>
    /// <remarks>
    /// Genesis runs at height 0 with the genesis time as block time: every module's InitGenesis in order, then each of
    /// <c>gen_txs</c> through the normal tx pipeline (ante checks and handlers; signed with account number 0, see
    /// <see cref="TxProcessor"/>), then every module's EndBlock once. The union of the validator updates that EndBlock
    /// returns is the validator set the application chose (<see cref="GenesisValidators"/>); it is kept in the Meta
    /// column family in the same batch as the genesis state.
    /// </remarks>
    public ExecResult InitChain(GenesisDoc genesis, byte[] genesisHash)
    {
        var saved = _store.Get(ColumnFamily.Meta, GenesisKey);
        if (saved is not null)
        {
            return saved.AsSpan().SequenceEqual(genesisHash)
                ? ExecResult.Ok
                : ExecResult.Error("genesis", 1, "the data directory was initialised from a different genesis.json; wipe data/ or restore the original genesis");
        }

        var valid = _router.Set.ValidateGenesis(genesis, out var sections);
        if (!valid.IsOk)
        {
            return valid;
        }

        var cache = new CacheState(Committed);
        var block = new BlockInfo(genesis.ChainId, 0, Rfc3339Time.UnixNanosOrZero(genesis.GenesisTime), []);
        var meter = new GasMeter(ulong.MaxValue);
        var ctx = new MsgContext(cache, block, meter, new EventSink());
        for (var i = 0; i < _router.Modules.Count; i++)
        {
            var r = _router.Modules[i].InitGenesis(ctx, sections[i]);
            if (!r.IsOk)
            {
                return r;
            }
        }

        cache.DiscardJournal();
        var delivered = DeliverGenTxs(cache, genesis, block);
        if (!delivered.IsOk)
        {
            return delivered;
        }

        var updates = EndBlock(new MsgContext(cache, block, new GasMeter(ulong.MaxValue), new EventSink()));
        cache.DiscardJournal();
        var validators = new GenesisValidatorSet();
        foreach (var update in updates)
        {
            // A removal (power 0) at genesis removes nothing.
            if (update.Power > 0)
            {
                validators.Validators.Add(new ValidatorPower { PublicKey = ByteString.CopyFrom(update.PublicKey), Power = update.Power });
            }
        }

        var writes = cache.SortedWrites();
        using var batch = _store.CreateBatch();
        CommittedState.StageWrites(0, writes, batch);
        var root = _commitment.Stage(0, writes, batch);
        batch.Put(ColumnFamily.Meta, GenesisValidatorsKey, validators.ToByteArray());
        batch.Put(ColumnFamily.Meta, GenesisKey, genesisHash);
        Committed.Commit(writes, () => _store.Write(batch, sync: true));
        _commitment.OnCommitted(0, root);
        _tip = new CommittedTip(0, root);
        _genesisValidators = ToUpdates(validators);
        return ExecResult.Ok;
    }

    /// <summary>
    /// The validator set the application chose at genesis (<see cref="InitChain"/>): empty when no module's EndBlock
    /// returned any at height 0 (the genesis file's validators then stand), or before genesis was written.
    /// </summary>
    public IReadOnlyList<ValidatorPowerUpdate> GenesisValidators => _genesisValidators ??= ReadGenesisValidators();

    private IReadOnlyList<ValidatorPowerUpdate> ReadGenesisValidators()
    {
        var bytes = _store.Get(ColumnFamily.Meta, GenesisValidatorsKey);
        if (bytes is null)
        {
            return [];
        }

        try
        {
            return ToUpdates(GenesisValidatorSet.Parser.ParseFrom(bytes));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the genesis validator set in the store is corrupt: {e.Message}", e);
        }
    }

    private static ValidatorPowerUpdate[] ToUpdates(GenesisValidatorSet set) =>
        set.Validators.Select(v => new ValidatorPowerUpdate(v.PublicKey.ToByteArray(), v.Power)).ToArray();

    /// <summary>Delivers each gen tx in order at height 0; the first that does not decode or fails fails genesis.</summary>
    private ExecResult DeliverGenTxs(CacheState cache, GenesisDoc genesis, BlockInfo block)
    {
        for (var i = 0; i < genesis.GenTxs.Count; i++)
        {
            var bytes = genesis.GenTxs[i].ToByteArray();
            var tx = _processor.Decoder.Decode(bytes, out var error);
            if (tx is null)
            {
                return ExecResult.Error("genesis", 3, $"gen_txs[{i}] does not decode: {error.Log}");
            }

            var result = _processor.Deliver(cache, tx, block);
            if (result.Code != 0)
            {
                return ExecResult.Error("genesis", 3,
                    $"gen_txs[{i}] (tx {Convert.ToHexString(tx.Hash)}) failed with code {result.Code} ({result.Codespace}): {result.Log}");
            }
        }

        return ExecResult.Ok;
    }

    /// <summary>
    /// Decodes the txs of a block; a tx that fails stateless checks gets its error as a result. A tx that
    /// <paramref name="known"/> holds with the same bytes is taken from there instead of decoded again.
    /// </summary>
    public (DecodedTx?[] Txs, TxResult?[] Errors) DecodeAll(Block block, IDecodedTxs? known = null) =>
        DecodeAll(block, known, reused: null);

    /// <remarks>
    /// Taking a tx from <paramref name="known"/> (the mempool) cannot change any result, because:
    /// <list type="bullet">
    /// <item><see cref="TxDecoder.Decode"/> is a pure function of the bytes and of what the decoder was built with: the
    /// <see cref="TxPipelineOptions"/> (an immutable record made once from genesis) and the <see cref="ModuleRouter"/>
    /// (the fixed module set), whose handlers' ValidateBasic and Signer read only the message. It reads no state, chain
    /// params, height or time (the timeout height and everything stateful are checked by the ante handler at Deliver).
    /// The mempool decodes with this executor's own decoder (<c>Processor.Decoder</c>), so a pool tx is exactly what
    /// decoding the same bytes here would give, or it would not be in the pool: a tx that fails to decode never is.</item>
    /// <item>Reuse needs the bytes to be equal, not only the hash: the pool's <see cref="DecodedTx.Bytes"/> are compared
    /// with the block's tx byte for byte.</item>
    /// <item>Nothing mutates a <see cref="DecodedTx"/> after decode: its properties are init-only, and the ante checks
    /// (<see cref="TxProcessor"/>) and every message handler only read <see cref="DecodedTx.Tx"/> and
    /// <see cref="DecodedTx.Messages"/> (the work module's receipt embeds the message's spec and telemetry in a record
    /// it serializes, and changes neither). The pool may read the same object at the same time (rechecks, gossip):
    /// reads only.</item>
    /// </list>
    /// </remarks>
    private (DecodedTx?[] Txs, TxResult?[] Errors) DecodeAll(Block block, IDecodedTxs? known, bool[]? reused)
    {
        var count = block.Data.Txs.Count;
        var txs = new DecodedTx?[count];
        var errors = new TxResult?[count];
        Parallel.For(0, count, i =>
        {
            var raw = block.Data.Txs[i];
            byte[]? hash = null;
            if (known is not null)
            {
                hash = TxFactory.Hash(raw.Span);
                if (known.Find(hash) is { } found && found.Bytes.AsSpan().SequenceEqual(raw.Span))
                {
                    txs[i] = found;
                    if (reused is not null)
                    {
                        reused[i] = true;
                    }

                    return;
                }
            }

            var bytes = raw.ToByteArray();
            txs[i] = _processor.Decoder.Decode(bytes, out var error);
            if (txs[i] is null)
            {
                var r = TxProcessor.Result(null, error, 0, []);
                r.TxHash = ByteString.CopyFrom(hash ?? TxFactory.Hash(bytes));
                errors[i] = r;
            }
        });
        return (txs, errors);
    }

    /// <summary>
    /// Executes a block on top of the committed state; nothing is visible until <see cref="Commit"/>.
    /// <paramref name="lastCommitVotes"/> are the previous height's validators with their power and whether they
    /// signed the block's last commit (<see cref="LastCommitVotes"/>); modules see them in BeginBlock.
    /// Txs that <paramref name="known"/> (the node's mempool) already decoded are not decoded again (see
    /// <see cref="DecodeAll(Block, IDecodedTxs?, bool[])"/> for why that cannot change a result); without it, or for txs it
    /// does not hold (block sync, replay, another validator's txs), every tx is decoded.
    /// </summary>
    public BlockExecution Execute(Block block, IReadOnlyList<VoteInfo>? lastCommitVotes = null, IDecodedTxs? known = null)
    {
        var header = block.Header;
        if (header.Height != LastHeight + 1)
        {
            throw new InvalidOperationException($"block {header.Height} does not follow the committed height {LastHeight}");
        }

        var reused = known is null ? null : new bool[block.Data.Txs.Count];
        var (txs, errors) = DecodeAll(block, known, reused);
        var decoded = new List<DecodedTx>(txs.Length);
        for (var i = 0; i < txs.Length; i++)
        {
            // A pool tx whose signature the cache already holds was verified at admission: pre-verifying it again would
            // only read its account to find the cache hit. Deliver still checks every signature (through the cache).
            if (txs[i] is { } t && !(reused is not null && reused[i] && _processor.HasVerifiedSignature(t.Hash)))
            {
                decoded.Add(t);
            }
        }

        _processor.PreVerify(decoded, Committed);

        var info = new BlockInfo(header.ChainId, header.Height, header.TimeUnixNanos, header.ProposerAddress.ToByteArray())
        {
            LastBlockHash = header.LastBlockId?.Hash.ToByteArray() ?? [],
            LastCommitVotes = lastCommitVotes ?? [],
            Evidence = Misbehaviors(block.Evidence),
        };
        var cache = new CacheState(Committed);
        var results = new BlockResults();
        var phaseEvents = new EventSink();
        var phase = new MsgContext(cache, info, new GasMeter(ulong.MaxValue), phaseEvents);
        foreach (var module in _router.Modules)
        {
            module.BeginBlock(phase);
        }

        results.BeginBlockEvents.AddRange(phaseEvents.Events);
        cache.DiscardJournal();

        ulong gasWanted = 0;
        for (var i = 0; i < txs.Length; i++)
        {
            var tx = txs[i];
            if (tx is null)
            {
                results.Results.Add(errors[i]);
                continue;
            }

            TxResult r;
            if (gasWanted + tx.GasLimit > BlockMaxGas || gasWanted + tx.GasLimit < gasWanted)
            {
                r = TxProcessor.Result(tx, ExecResult.Error(TxCodes.Codespace, TxCodes.BlockGasExceeded,
                    $"tx gas limit {tx.GasLimit} does not fit in the block's remaining gas {BlockMaxGas - gasWanted}"), 0, []);
            }
            else
            {
                gasWanted += tx.GasLimit;
                r = _processor.Deliver(cache, tx, info);
            }

            r.Height = header.Height;
            r.Index = (uint)i;
            results.Results.Add(r);
        }

        var endEvents = new EventSink();
        var updates = EndBlock(new MsgContext(cache, info, new GasMeter(ulong.MaxValue), endEvents));
        results.EndBlockEvents.AddRange(endEvents.Events);
        cache.DiscardJournal();

        var writes = cache.SortedWrites();
        var batch = _store.CreateBatch();
        CommittedState.StageWrites(header.Height, writes, batch);
        IWriteBatch? treeNodes = null;
        byte[] appHash;
        if (_fault is { } fault && fault.Height == header.Height)
        {
            treeNodes = _store.CreateBatch();
            appHash = _commitment.Stage(header.Height, writes, treeNodes, batch);
        }
        else
        {
            appHash = _commitment.Stage(header.Height, writes, batch);
        }

        results.AppHash = ByteString.CopyFrom(appHash);
        return new BlockExecution
        {
            Block = block,
            BlockHash = BlockStore.HeaderHash(header),
            Results = results,
            AppHash = appHash,
            Batch = batch,
            TreeNodes = treeNodes,
            Writes = writes,
            ValidatorUpdates = updates,
        };
    }

    /// <summary>Every module's EndBlock in order; the union of their validator updates (each key at most once).</summary>
    private List<ValidatorPowerUpdate> EndBlock(MsgContext end)
    {
        var updates = new List<ValidatorPowerUpdate>();
        foreach (var module in _router.Modules)
        {
            foreach (var update in module.EndBlock(end))
            {
                if (updates.Exists(u => u.PublicKey.AsSpan().SequenceEqual(update.PublicKey)))
                {
                    throw new InvalidOperationException(
                        $"module {module.Name} updates validator {Convert.ToHexStringLower(update.PublicKey)} that another module updated in the same block");
                }

                updates.Add(update);
            }
        }

        return updates;
    }

    /// <summary>Writes block, commit, results and state atomically and durably (fsync), then makes them visible.</summary>
    public void Commit(BlockExecution execution, Commit seenCommit)
    {
        if (execution.TreeNodes is { } treeNodes && _fault is { } fault)
        {
            // Crash test only: the tree's nodes reach the disk, then the process dies before the block commits.
            _store.Write(treeNodes, sync: true);
            fault.Kill();
        }

        Blocks.Stage(execution.Block, seenCommit, execution.Results, execution.Batch);
        Committed.Commit(execution.Writes, () => _store.Write(execution.Batch, sync: true));
        _commitment.OnCommitted(execution.Block.Header.Height, execution.AppHash);
        Blocks.OnCommitted(execution.Block.Header.Height);
        _tip = new CommittedTip(execution.Block.Header.Height, execution.AppHash);
    }

    /// <summary>
    /// The previous height's validators, in set order, with their power and whether <paramref name="lastCommit"/>
    /// carries their precommit for the block (CometBFT's BlockIdFlagCommit). Commit signatures are in set order.
    /// </summary>
    public static IReadOnlyList<VoteInfo> LastCommitVotes(IReadOnlyList<(byte[] Address, long Power)> validators, Commit? lastCommit)
    {
        var votes = new VoteInfo[validators.Count];
        for (var i = 0; i < validators.Count; i++)
        {
            var signed = false;
            if (lastCommit is not null && i < lastCommit.Signatures.Count)
            {
                var sig = lastCommit.Signatures[i];
                signed = sig.BlockIdFlag == BlockIdFlag.Commit && sig.ValidatorAddress.Span.SequenceEqual(validators[i].Address);
            }

            votes[i] = new VoteInfo(validators[i].Address, validators[i].Power, signed);
        }

        return votes;
    }

    private static IReadOnlyList<Misbehavior> Misbehaviors(EvidenceList? evidence)
    {
        if (evidence is null || evidence.Evidence.Count == 0)
        {
            return [];
        }

        var list = new List<Misbehavior>(evidence.Evidence.Count);
        foreach (var e in evidence.Evidence)
        {
            if (e.DuplicateVoteEvidence is { VoteA: not null } d)
            {
                list.Add(new Misbehavior(MisbehaviorKind.DuplicateVote, d.VoteA.ValidatorAddress.ToByteArray(), d.VoteA.Height,
                    d.TimestampUnixNanos, d.ValidatorPower, d.TotalVotingPower));
            }
        }

        return list;
    }

    /// <summary>Merkle root of a block's tx results (code, data-free), the next header's last_results_hash.</summary>
    public static byte[] ResultsHash(BlockResults? results)
    {
        if (results is null)
        {
            return MerkleTree.Root([]);
        }

        var items = new List<byte[]>(results.Results.Count);
        foreach (var r in results.Results)
        {
            items.Add(new TxResult { Code = r.Code, GasWanted = r.GasWanted, GasUsed = r.GasUsed }.ToByteArray());
        }

        return MerkleTree.Root(items);
    }

    /// <summary>Every broken invariant of every module over the committed state.</summary>
    public IReadOnlyList<string> CheckInvariants()
    {
        var broken = new List<string>();
        foreach (var module in _router.Modules)
        {
            broken.AddRange(module.CheckInvariants(Committed));
        }

        return broken;
    }
}

/// <summary>A committed height and the app hash after executing it (the next header's app hash).</summary>
public sealed record CommittedTip(ulong Height, byte[] AppHash);
