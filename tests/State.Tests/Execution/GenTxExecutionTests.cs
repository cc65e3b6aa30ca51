using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Staking;
using GenesisState = Chain.Proto.Bank.GenesisState;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.State.Tests.Execution;

/// <summary>
/// Genesis transactions: InitChain delivers each of genesis's gen_txs through the tx pipeline at height 0 (signed with
/// account number 0), runs every module's EndBlock once, and keeps the validators it returns as the application's
/// genesis set.
/// </summary>
public sealed class GenTxExecutionTests
{
    private const string ChainId = "gentx-test";
    private const string GenesisTime = "2026-03-04T05:06:07.123456789Z";

    private static readonly PrivateKey OperatorA = PrivateKey.FromBytes(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly PrivateKey OperatorB = PrivateKey.FromBytes(Enumerable.Repeat((byte)2, 32).ToArray());
    private static readonly PrivateKey ConsensusA = PrivateKey.FromBytes(Enumerable.Repeat((byte)3, 32).ToArray());
    private static readonly PrivateKey ConsensusB = PrivateKey.FromBytes(Enumerable.Repeat((byte)4, 32).ToArray());

    /// <summary>A genesis whose operators have account numbers 5 and 9, so that signing over 0 is what makes a gen tx valid.</summary>
    private static GenesisDoc Genesis(params ByteString[] genTxs)
    {
        var section = new GenesisState
        {
            Accounts =
            {
                new Account { Address = Address.ToBech32(OperatorA.Address), AccountNumber = 5 },
                new Account { Address = Address.ToBech32(OperatorB.Address), AccountNumber = 9 },
            },
        };
        var doc = new GenesisDoc
        {
            ChainId = ChainId,
            GenesisTime = GenesisTime,
            InitialHeight = 1,
            AppState = { new ModuleGenesis { Module = CreateValidatorModule.ModuleName, State = section.ToByteString() } },
        };
        doc.GenTxs.AddRange(genTxs);
        return doc;
    }

    private static ModuleSet ValidatorModules() => new([new CreateValidatorModule()]);

    private static Tx CreateValidatorTx(PrivateKey operatorKey, PrivateKey consensusKey, ulong value, ulong accountNumber = 0, ulong sequence = 0, string chainId = ChainId)
    {
        var message = new MsgCreateValidator
        {
            Description = new Description { Moniker = "v" },
            Commission = new CommissionRates { Rate = "0.100000000000000000", MaxRate = "0.200000000000000000", MaxChangeRate = "0.010000000000000000" },
            MinSelfDelegation = 1,
            ValidatorAddress = Address.ToBech32(operatorKey.Address, Address.ValidatorOperatorPrefix),
            Pubkey = ByteString.CopyFrom(consensusKey.PublicKey),
            Value = value,
        };
        return TxFactory.Sign(operatorKey, chainId, accountNumber, sequence, new Fee { GasLimit = 10_000_000 }, [message]);
    }

    private static ByteString Bytes(Tx tx) => tx.ToByteString();

    private static (string Key, long Power)[] Set(IEnumerable<ValidatorPowerUpdate> updates) =>
        updates.Select(u => (Convert.ToHexStringLower(u.PublicKey), u.Power)).OrderBy(v => v.Item1, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Gen_txs_make_the_genesis_validator_set_through_the_modules_end_block()
    {
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000_000)), Bytes(CreateValidatorTx(OperatorB, ConsensusB, 3_000_000)));
        var modules = ValidatorModules();

        using var app = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);

        Assert.Equal(
            Set([new ValidatorPowerUpdate(ConsensusA.PublicKey, 10_000), new ValidatorPowerUpdate(ConsensusB.PublicKey, 3)]),
            Set(app.GenesisValidators));
        var accounts = modules.Keeper<IAccountKeeper>();
        var state = new Chain.State.Store.CacheState(app.Executor.Committed);
        Assert.Equal(1UL, accounts.GetAccount(state, OperatorA.Address)!.Sequence);
        Assert.Equal(5UL, accounts.GetAccount(state, OperatorA.Address)!.AccountNumber);
        Assert.Equal(ByteString.CopyFrom(OperatorA.PublicKey), accounts.GetAccount(state, OperatorA.Address)!.PublicKey);
        Assert.Equal(0UL, app.Executor.LastHeight);
    }

    [Fact]
    public void Gen_txs_run_at_the_genesis_time_and_their_effects_are_in_the_genesis_root()
    {
        var withTx = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000_000)));

        using var app = ChainApp.Open(new MemoryKeyValueStore(), withTx, ValidatorModules());
        using var without = ChainApp.Open(new MemoryKeyValueStore(), Genesis(), ValidatorModules());

        Assert.True(Rfc3339Time.TryParse(GenesisTime, out var time));
        Assert.Equal((time.UtcDateTime - DateTime.UnixEpoch).Ticks * 100, CreateValidatorModule.CreatedAt(app.Executor.Committed, ConsensusA.PublicKey));
        Assert.NotEqual(Convert.ToHexString(without.Executor.LastAppHash), Convert.ToHexString(app.Executor.LastAppHash));
        Assert.Empty(without.GenesisValidators);
    }

    [Fact]
    public void The_genesis_validator_set_is_read_back_when_the_chain_is_opened_again()
    {
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 42_000_000)));
        var store = new MemoryKeyValueStore();
        byte[] root;
        using (var first = ChainApp.Open(store, genesis, ValidatorModules()))
        {
            root = first.Executor.LastAppHash;
        }

        var reopened = ChainApp.Open(store, genesis, ValidatorModules());

        Assert.Equal(Set([new ValidatorPowerUpdate(ConsensusA.PublicKey, 42)]), Set(reopened.GenesisValidators));
        Assert.Equal(Convert.ToHexString(root), Convert.ToHexString(reopened.Executor.LastAppHash));
    }

    [Fact]
    public void A_failing_gen_tx_fails_genesis_naming_its_index_and_log_and_writes_nothing()
    {
        // The second gen tx creates the first one's validator again.
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000)), Bytes(CreateValidatorTx(OperatorB, ConsensusA, 10_000_000)));
        var store = new MemoryKeyValueStore();

        var e = Assert.Throws<GenesisStateException>(() => ChainApp.Open(store, genesis, ValidatorModules()));

        Assert.Contains("gen_txs[1]", e.Message);
        Assert.Contains("already exists", e.Message);
        Assert.False(new Chain.State.Blocks.BlockStore(store).LatestHeight > 0 || store.Contains(ColumnFamily.Meta, "genesis_hash"u8));
    }

    [Theory]
    [InlineData(5UL, 0UL, ChainId, "signature verification failed")]
    [InlineData(0UL, 1UL, ChainId, "sequence mismatch")]
    [InlineData(0UL, 0UL, "other-chain", "signature verification failed")]
    public void A_gen_tx_must_be_signed_for_this_chain_with_account_number_and_sequence_0(ulong accountNumber, ulong sequence, string chainId, string log)
    {
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000, accountNumber, sequence, chainId)));

        var e = Assert.Throws<GenesisStateException>(() => ChainApp.Open(new MemoryKeyValueStore(), genesis, ValidatorModules()));

        Assert.Contains("gen_txs[0]", e.Message);
        Assert.Contains(log, e.Message);
    }

    [Fact]
    public void A_gen_tx_that_does_not_decode_fails_genesis()
    {
        var genesis = Genesis(ByteString.CopyFrom([1, 2, 3]));

        var e = Assert.Throws<GenesisStateException>(() => ChainApp.Open(new MemoryKeyValueStore(), genesis, ValidatorModules()));

        Assert.Contains("gen_txs[0] does not decode", e.Message);
    }

    [Fact]
    public void A_gen_tx_of_a_message_no_module_handles_fails_genesis()
    {
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000)));
        var noHandler = new ModuleSet([new Modules.TestModule("first", new Modules.NoAccounts())]);
        genesis.AppState.Clear();
        genesis.AppState.AddRange(noHandler.DefaultAppState());

        var e = Assert.Throws<GenesisStateException>(() => ChainApp.Open(new MemoryKeyValueStore(), genesis, noHandler));

        Assert.Contains("gen_txs[0]", e.Message);
        Assert.Contains("unknown type '/chain.staking.v1.MsgCreateValidator'", e.Message);
    }

    [Fact]
    public void After_genesis_txs_are_signed_with_the_account_number_again()
    {
        var genesis = Genesis(Bytes(CreateValidatorTx(OperatorA, ConsensusA, 10_000_000)));
        using var app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ValidatorModules());
        var signedWithZero = CreateValidatorTx(OperatorB, ConsensusB, 10_000_000, accountNumber: 0);
        var signedWithNine = CreateValidatorTx(OperatorB, ConsensusB, 10_000_000, accountNumber: 9);

        using var execution = app.Executor.Execute(Block(1, signedWithZero, signedWithNine));

        Assert.Equal(TxCodes.Unauthorized, execution.Results.Results[0].Code);
        Assert.Contains("the tx was signed with account_number 0, but the account number of", execution.Results.Results[0].Log);
        Assert.Contains("is 9", execution.Results.Results[0].Log);
        Assert.Equal(0U, execution.Results.Results[1].Code);
        Assert.Equal(Set([new ValidatorPowerUpdate(ConsensusB.PublicKey, 10)]), Set(execution.ValidatorUpdates));
    }

    private static Block Block(ulong height, params Tx[] txs)
    {
        var block = new Block
        {
            Header = new Header { ChainId = ChainId, Height = height, TimeUnixNanos = 1, ProposerAddress = ByteString.CopyFrom(new byte[20]) },
            Data = new Data(),
        };
        block.Data.Txs.AddRange(txs.Select(t => t.ToByteString()));
        return block;
    }
}
