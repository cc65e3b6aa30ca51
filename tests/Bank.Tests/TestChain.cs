using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Params;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Bank.Tests;

/// <summary>A chain of the bank module alone (<see cref="ChainApp"/>) over an in-memory store, executing blocks as the node does.</summary>
public sealed class TestChain
{
    public const string ChainId = "test-chain";

    public TestChain(int accounts, ulong balance = 1_000_000_000)
    {
        Keys = Enumerable.Range(0, accounts).Select(_ => PrivateKey.Generate()).ToArray();
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 4 << 20, BlockMaxGas = 1_000_000_000, TxMaxBytes = 8192 },
        };
        var bank = new GenesisState { Params = BankParams.Default() };
        foreach (var key in Keys)
        {
            bank.Balances.Add(new Balance { Address = Address.ToBech32(key.Address), Coins = { new Coin { Denom = "uchn", Amount = balance } } });
        }

        AppStateSections.Set(genesis, BankModule.ModuleName, bank);
        Store = new MemoryKeyValueStore();
        var module = new BankModule();
        Bank = module.Keeper;
        App = ChainApp.Open(Store, genesis, new ModuleSet([module]));
        Sequences = new ulong[accounts];
    }

    public PrivateKey[] Keys { get; }

    public ulong[] Sequences { get; }

    public MemoryKeyValueStore Store { get; }

    public BankKeeper Bank { get; }

    public ChainApp App { get; }

    public TxPipelineOptions Options => App.Options;

    public TxProcessor Processor => App.Processor;

    public BlockExecutor Executor => App.Executor;

    public string AddressOf(int i) => Address.ToBech32(Keys[i].Address);

    public ulong Balance(int i) => Bank.GetBalance(Executor.Committed, Keys[i].Address, "uchn");

    public ulong Balance(byte[] address) => Bank.GetBalance(Executor.Committed, address, "uchn");

    public ulong Supply() => Bank.GetSupply(Executor.Committed, "uchn");

    public ulong AccountNumber(int i) => Bank.GetAccount(new State.Store.ReadOnlyStateStore(Executor.Committed), Keys[i].Address)!.AccountNumber;

    public static Fee Fee(ulong amount = 2000, ulong gas = 200_000) => new() { Amount = { new Coin { Denom = "uchn", Amount = amount } }, GasLimit = gas };

    public Tx Send(int from, string to, ulong amount, Fee? fee = null, ulong? sequence = null, string chainId = ChainId)
    {
        var msg = new MsgSend { FromAddress = AddressOf(from), ToAddress = to, Amount = { new Coin { Denom = "uchn", Amount = amount } } };
        var seq = sequence ?? Sequences[from]++;
        return TxFactory.Sign(Keys[from], chainId, AccountNumber(from), seq, fee ?? Fee(), [msg]);
    }

    /// <summary>Executes and commits a block of raw txs; returns the results.</summary>
    public BlockResults Commit(params byte[][] txs)
    {
        var block = new Block
        {
            Header = new Header { ChainId = ChainId, Height = Executor.LastHeight + 1, TimeUnixNanos = (long)(Executor.LastHeight + 1) * 1_000_000_000 },
            Data = new Data(),
        };
        foreach (var tx in txs)
        {
            block.Data.Txs.Add(ByteString.CopyFrom(tx));
        }

        using var execution = Executor.Execute(block);
        Executor.Commit(execution, new Commit { Height = block.Header.Height });
        Assert.Empty(Executor.CheckInvariants());
        return execution.Results;
    }

    /// <summary>Every key/value of the committed state, to show that something changed nothing.</summary>
    public string StateDump() =>
        string.Join('\n', Store.IteratePrefix(ColumnFamily.State, [(byte)'L']).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));
}
