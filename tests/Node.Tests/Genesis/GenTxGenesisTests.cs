using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Production;
using Chain.Node.Tests.Modules;
using Chain.Proto.Genesis;
using Chain.Proto.Staking;
using Chain.State.App;
using Chain.State.Modules;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Genesis;

/// <summary>
/// A genesis whose validators come from gen txs: the file rules for gen_txs, the default genesis built from gentxs,
/// and the validator set of height 1 (genesis.json's list, the chain's choice at genesis, or both when they agree).
/// </summary>
public sealed class GenTxGenesisTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static GenesisOperator Operator(string moniker) => new(PrivateKey.Generate(), PrivateKey.Generate().PublicKey, moniker);

    /// <summary>The node's modules with a create-validator handler (the stand-in until staking has one).</summary>
    private static ModuleSet WithHandler() => CreateValidatorModule.ChainModules();

    /// <summary>A genesis of <paramref name="count"/> validators made by gen txs, for a chain with the stand-in handler.</summary>
    private static (GenesisDoc Genesis, IReadOnlyList<GenTx> GenTxs, GenesisOperator[] Operators) GenTxGenesis(int count)
    {
        var operators = Enumerable.Range(0, count).Select(i => Operator("v" + i)).ToArray();
        var modules = WithHandler();
        var (genesis, gentxs) = DefaultGenesis.Create("gentx-1", operators, Time, modules);
        return (genesis, gentxs, operators);
    }

    private static string Expect(GenesisDoc doc)
    {
        var e = Assert.Throws<GenesisException>(() => GenesisRules.Validate(doc, moduleSet: WithHandler()));
        return e.Message;
    }

    [Fact]
    public void Default_genesis_collects_a_gentx_per_validator_and_lists_none_when_a_module_creates_validators()
    {
        var (genesis, gentxs, operators) = GenTxGenesis(3);

        Assert.Empty(genesis.Validators);
        Assert.Equal(3, genesis.GenTxs.Count);
        Assert.Equal(gentxs.Select(g => Convert.ToHexString(g.Bytes)), genesis.GenTxs.Select(b => Convert.ToHexString(b.ToByteArray())));
        Assert.Equal(gentxs.Select(g => g.Operator).Order(State.Storage.ByteArrayComparer.Instance), gentxs.Select(g => g.Operator));
        Assert.All(operators, o => Assert.Equal(DefaultGenesis.AccountFunds, GenTxCollector.Funds(genesis, Address.ToBech32(o.AccountKey.Address))));
        Assert.All(gentxs, g =>
        {
            Assert.Equal(DefaultGenesis.SelfDelegation, g.SelfDelegation);
            Assert.Equal(10_000, g.Power);
            Assert.Equal("0.100000000000000000", g.Message.Commission.Rate);
            Assert.Equal("0.200000000000000000", g.Message.Commission.MaxRate);
            Assert.Equal("0.010000000000000000", g.Message.Commission.MaxChangeRate);
        });
        GenesisRules.Validate(genesis, moduleSet: WithHandler());
    }

    [Fact]
    public void Default_genesis_lists_the_same_validators_while_no_module_creates_them()
    {
        var operators = new[] { Operator("a"), Operator("b") };

        var (genesis, gentxs) = DefaultGenesis.Create("gentx-1", operators, Time, new ModuleSet([new Chain.Modules.Bank.BankModule()]));

        Assert.Empty(genesis.GenTxs);
        Assert.Equal(
            gentxs.Select(g => (Convert.ToHexStringLower(g.ConsensusPublicKey), DefaultGenesis.ValidatorPower, g.ValidatorAddress)),
            genesis.Validators.Select(v => (v.PublicKey, v.Power, v.Name)));
    }

    [Fact]
    public void Genesis_file_keeps_gen_txs_byte_for_byte()
    {
        var (genesis, _, _) = GenTxGenesis(2);

        var text = GenesisFile.Format(genesis, WithHandler());
        var parsed = GenesisFile.Parse(text, modules: WithHandler());

        Assert.Contains("\"gen_txs\": [", text);
        Assert.Contains("\"validators\": []", text);
        Assert.Equal(genesis, parsed);
    }

    [Fact]
    public void Gen_txs_without_validators_are_a_valid_genesis_and_neither_is_not()
    {
        var (genesis, _, _) = GenTxGenesis(1);
        GenesisRules.Validate(genesis, moduleSet: WithHandler());

        genesis.GenTxs.Clear();
        Assert.Contains("'validators' must list at least one validator, or 'gen_txs'", Expect(genesis));
        GenesisRules.Validate(genesis, moduleSet: WithHandler(), draft: true);
    }

    [Fact]
    public void A_gen_tx_that_is_not_a_signed_create_validator_tx_is_refused_naming_its_index()
    {
        var (genesis, gentxs, operators) = GenTxGenesis(2);

        genesis.GenTxs[1] = ByteString.CopyFrom([1, 2, 3]);
        Assert.Contains("'gen_txs[1]' is not", Expect(genesis));

        var otherChain = GenTx.Create(operators[0].AccountKey, operators[0].ConsensusPublicKey, "other-chain", 5_000_000, new Description { Moniker = "x" }, DefaultGenesis.Commission(), 1);
        genesis.GenTxs[1] = ByteString.CopyFrom(otherChain.Bytes);
        Assert.Contains("'gen_txs[1]' has no valid signature for chain 'gentx-1'", Expect(genesis));

        var tampered = Proto.Types.Tx.Parser.ParseFrom(gentxs[0].Bytes);
        tampered.AuthInfo.Signer.Sequence = 1;
        genesis.GenTxs[1] = tampered.ToByteString();
        Assert.Contains("'gen_txs[1]' is signed with sequence 1", Expect(genesis));

        var send = State.Transactions.TxFactory.Sign(operators[0].AccountKey, "gentx-1", 0, 0, new Proto.Types.Fee { GasLimit = 1 }, [new Proto.Bank.MsgSend { FromAddress = "a" }]);
        genesis.GenTxs[1] = send.ToByteString();
        Assert.Contains("'gen_txs[1]' must hold exactly one /chain.staking.v1.MsgCreateValidator", Expect(genesis));
    }

    [Fact]
    public void Two_gen_txs_for_one_validator_or_one_consensus_key_are_refused()
    {
        var (genesis, gentxs, operators) = GenTxGenesis(2);

        genesis.GenTxs.Add(ByteString.CopyFrom(gentxs[0].Bytes));
        Assert.Contains($"'gen_txs[2]' creates validator {gentxs[0].ValidatorAddress} again (gen_txs[0] does)", Expect(genesis));

        genesis.GenTxs.RemoveAt(2);
        var third = Operator("c");
        var sameKey = GenTx.Create(third.AccountKey, gentxs[1].ConsensusPublicKey, "gentx-1", 5_000_000, new Description { Moniker = "c" }, DefaultGenesis.Commission(), 1);
        genesis.GenTxs.Add(ByteString.CopyFrom(sameKey.Bytes));
        Assert.Contains("'gen_txs[2]' uses the consensus key of gen_txs[1]", Expect(genesis));
        Assert.NotNull(operators);
    }

    [Fact]
    public void A_gen_tx_genesis_gives_height_1_the_validators_the_chain_made_and_keeps_them_across_restarts()
    {
        var (genesis, gentxs, _) = GenTxGenesis(3);
        var store = new State.Storage.MemoryKeyValueStore();

        using (var app = ChainApp.Open(store, genesis, WithHandler()))
        {
            var start = ValidatorSetStore.For(app).Resume();
            Assert.Equal(1UL, start.Height);
            Assert.Equal(
                gentxs.Select(g => (Convert.ToHexStringLower(g.ConsensusPublicKey), 10_000L)).Order(),
                start.Validators.Validators.Select(v => (Convert.ToHexStringLower(v.PublicKey), v.VotingPower)).Order());
        }

        using var reopened = ChainApp.Open(store, genesis, WithHandler());
        Assert.Equal(3, ValidatorSetStore.For(reopened).Resume().Validators.Validators.Count);
    }

    [Fact]
    public void Validators_of_height_1_come_from_the_list_or_the_chain_and_must_agree_when_both_are_there()
    {
        var a = PrivateKey.Generate().PublicKey;
        var b = PrivateKey.Generate().PublicKey;
        GenesisDoc Listed(params (byte[] Key, long Power)[] validators)
        {
            var doc = new GenesisDoc();
            doc.Validators.AddRange(validators.Select(v => new GenesisValidator { PublicKey = Convert.ToHexStringLower(v.Key), Power = v.Power }));
            return doc;
        }

        static (string, long)[] Keys(IEnumerable<ValidatorUpdate> set) =>
            set.Select(v => (Convert.ToHexStringLower(v.PublicKey), v.VotingPower)).Order().ToArray();

        Assert.Equal([(Convert.ToHexStringLower(a), 5L)], Keys(ValidatorSetStore.GenesisSet(Listed((a, 5)), [])));
        Assert.Equal([(Convert.ToHexStringLower(b), 7L)], Keys(ValidatorSetStore.GenesisSet(Listed(), [new ValidatorPowerUpdate(b, 7)])));
        Assert.Equal(2, ValidatorSetStore.GenesisSet(Listed((a, 5), (b, 7)), [new ValidatorPowerUpdate(b, 7), new ValidatorPowerUpdate(a, 5)]).Count);

        var differ = Assert.Throws<GenesisStateException>(() => ValidatorSetStore.GenesisSet(Listed((a, 5)), [new ValidatorPowerUpdate(a, 6)]));
        Assert.Contains("genesis.json's validators", differ.Message);
        Assert.Contains("differ from the ones the chain made at genesis", differ.Message);
        Assert.Contains($"{Convert.ToHexStringLower(a)}:6", differ.Message);

        var none = Assert.Throws<GenesisStateException>(() => ValidatorSetStore.GenesisSet(Listed(), []));
        Assert.Contains("genesis has no validators", none.Message);
    }

    [Fact]
    public void A_node_refuses_to_open_a_genesis_whose_listed_validators_differ_from_its_gen_txs()
    {
        var (genesis, gentxs, _) = GenTxGenesis(2);
        genesis.Validators.Add(new GenesisValidator { PublicKey = Convert.ToHexStringLower(gentxs[0].ConsensusPublicKey), Power = gentxs[0].Power });
        using var temp = new TempHome();

        var e = Assert.Throws<GenesisStateException>(() => NodeState.Open(temp.Root, new StateOptions { Backend = StateBackend.Memory }, genesis, WithHandler()));

        Assert.Contains("differ from the ones the chain made at genesis", e.Message);

        GenTxCollector.List(genesis, gentxs);
        genesis.GenTxs.AddRange(gentxs.Select(g => ByteString.CopyFrom(g.Bytes)));
        using var agreeing = NodeState.Open(temp.Root, new StateOptions { Backend = StateBackend.Memory }, genesis, WithHandler());
        Assert.Equal(2, agreeing.GenesisValidators.Count);
    }

    [Fact]
    public void The_node_s_own_modules_make_the_validators_of_a_default_genesis()
    {
        var operators = new[] { Operator("a"), Operator("b") };
        var (genesis, gentxs) = DefaultGenesis.Create("gentx-1", operators, Time);
        using var temp = new TempHome();

        using var app = NodeState.Open(temp.Root, new StateOptions { Backend = StateBackend.Memory }, genesis, ModuleCatalog.Create());

        Assert.Empty(genesis.Validators);
        Assert.Equal(
            gentxs.Select(g => (Convert.ToHexStringLower(g.ConsensusPublicKey), DefaultGenesis.ValidatorPower)).Order(),
            app.GenesisValidators.Select(v => (Convert.ToHexStringLower(v.PublicKey), v.Power)).Order());
    }
}
