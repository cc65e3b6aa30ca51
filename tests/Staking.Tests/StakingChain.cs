using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Params;
using Chain.Modules.Staking.Genesis;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Staking;
using Chain.Proto.Types;
using GenesisState = Chain.Proto.Staking.GenesisState;
using Validator = Chain.Proto.Staking.Validator;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Staking.Tests;

/// <summary>
/// A chain of the bank and staking composed as the node composes it (<see cref="ChainApp"/>) over an in-memory store.
/// It plays consensus: the validator set of each height follows the updates EndBlock returned two heights before, and
/// each block's last commit lists that set's validators as signed unless marked <see cref="Offline"/>. Blocks are
/// <see cref="BlockSeconds"/> apart; every invariant is checked after each block.
/// </summary>
public sealed class StakingChain : IDisposable
{
    public const string ChainId = "staking-test";
    public const ulong Fee = 1_000;
    public const ulong Gas = 5_000_000;
    public const ulong Chn = 1_000_000;
    public const long GenesisUnixSeconds = 1_700_000_000;

    private readonly Dictionary<int, ulong> _pending = new();

    /// <summary>Validator sets by height: consensus address (hex) → (power, public key).</summary>
    private readonly Dictionary<ulong, Dictionary<string, long>> _sets = new();

    public StakingChain(int accounts, ulong balance = 1_000_000 * Chn, Action<GenesisState>? configure = null, int seed = 1)
    {
        var random = new Random(seed);
        Keys = Enumerable.Range(0, accounts).Select(_ => Key(random)).ToArray();
        ConsensusKeys = Enumerable.Range(0, accounts).Select(_ => Key(random)).ToArray();
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 16 << 20, BlockMaxGas = 100_000_000_000, TxMaxBytes = 1 << 20 },
        };
        var bank = new Proto.Bank.GenesisState { Params = BankParams.Default() };
        foreach (var key in Keys)
        {
            bank.Balances.Add(new Balance { Address = Address.ToBech32(key.Address), Coins = { new Coin { Denom = "uchn", Amount = balance } } });
        }

        AppStateSections.Set(genesis, BankModule.ModuleName, bank);
        var staking = StakingGenesis.Default();
        staking.Params.UnbondingTime = 100;
        staking.Params.MaxValidators = 4;
        staking.Params.MaxEntries = 3;
        staking.Slashing.Params.SignedBlocksWindow = 10;
        staking.Slashing.Params.DowntimeJailDuration = 30;
        configure?.Invoke(staking);
        AppStateSections.Set(genesis, StakingModule.ModuleName, staking);
        var modules = new ModuleSet().Add(_ => new BankModule()).Add(m => new StakingModule(m.Keeper<IBankKeeper>()));
        Bank = ((BankModule)modules.Find(BankModule.ModuleName)!).Keeper;
        Module = (StakingModule)modules.Find(StakingModule.ModuleName)!;
        App = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);
        _sets[1] = new();
        _sets[2] = new();
    }

    private static PrivateKey Key(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] = 1; // far below the curve order, never zero
        return PrivateKey.FromBytes(bytes);
    }

    public PrivateKey[] Keys { get; }

    public PrivateKey[] ConsensusKeys { get; }

    public ChainApp App { get; }

    public BankKeeper Bank { get; }

    public StakingModule Module { get; }

    public StakingRecords Records => Module.Records;

    public DistributionKeeper Distribution => Module.Distribution;

    public IStateReader State => App.Executor.Committed;

    public ulong Height => App.Executor.LastHeight;

    public ulong NextHeight => Height + 1;

    public long BlockSeconds { get; set; } = 5;

    /// <summary>Accounts whose consensus keys do not sign (their votes are absent from the next last commits).</summary>
    public HashSet<int> Offline { get; } = new();

    /// <summary>Evidence to put in the next block.</summary>
    public List<DuplicateVoteEvidence> PendingEvidence { get; } = new();

    /// <summary>The updates the last block's EndBlock returned.</summary>
    public IReadOnlyList<ValidatorPowerUpdate> LastUpdates { get; private set; } = [];

    public long Time { get; private set; } = GenesisUnixSeconds;

    public string A(int i) => Address.ToBech32(Keys[i].Address);

    public string V(int i) => Address.ToBech32(Keys[i].Address, Address.ValidatorOperatorPrefix);

    public byte[] Cons(int i) => ConsensusKeys[i].Address;

    public ulong Balance(int i) => Bank.GetBalance(State, Keys[i].Address, "uchn");

    public ulong Balance(byte[] address) => Bank.GetBalance(State, address, "uchn");

    public ulong Supply() => Bank.GetSupply(State, "uchn");

    public Validator? Validator(int i) => Records.GetValidator(State, Keys[i].Address);

    public Delegation? Delegation(int delegator, int validator) => Records.GetDelegation(State, Keys[delegator].Address, Keys[validator].Address);

    /// <summary>The consensus power of account <paramref name="i"/>'s validator at <paramref name="height"/> (0 when not in the set).</summary>
    public long PowerAt(ulong height, int i) => SetAt(height).GetValueOrDefault(Convert.ToHexString(Cons(i)));

    public Dictionary<string, long> SetAt(ulong height) => _sets.TryGetValue(height, out var s) ? s : new();

    public byte[] Tx(int signer, params IMessage[] messages)
    {
        var account = Bank.GetAccount(new ReadOnlyStateStore(State), Keys[signer].Address)!;
        _pending.TryGetValue(signer, out var pending);
        _pending[signer] = pending + 1;
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = Fee } }, GasLimit = Gas };
        return TxFactory.Sign(Keys[signer], ChainId, account.AccountNumber, account.Sequence + pending, fee, messages).ToByteArray();
    }

    /// <summary>Executes and commits a block; fails the test when an invariant breaks.</summary>
    public BlockResults Commit(params byte[][] txs)
    {
        var height = NextHeight;
        Time += BlockSeconds;
        var block = new Block
        {
            Header = new Header { ChainId = ChainId, Height = height, TimeUnixNanos = Time * 1_000_000_000 },
            Data = new Data(),
        };
        foreach (var tx in txs)
        {
            block.Data.Txs.Add(ByteString.CopyFrom(tx));
        }

        if (PendingEvidence.Count > 0)
        {
            block.Evidence = new EvidenceList();
            block.Evidence.Evidence.AddRange(PendingEvidence.Select(e => new Evidence { DuplicateVoteEvidence = e }));
            PendingEvidence.Clear();
        }

        // The last commit of block H holds the votes of the validators of H-1.
        var votes = new List<VoteInfo>();
        if (height > 1)
        {
            foreach (var (cons, power) in SetAt(height - 1).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var address = Convert.FromHexString(cons);
                var index = Array.FindIndex(ConsensusKeys, k => k.Address.AsSpan().SequenceEqual(address));
                votes.Add(new VoteInfo(address, power, !Offline.Contains(index)));
            }
        }

        using var execution = App.Executor.Execute(block, votes);
        App.Executor.Commit(execution, new Commit { Height = height });
        _pending.Clear();
        LastUpdates = execution.ValidatorUpdates;
        var next = new Dictionary<string, long>(SetAt(height + 1));
        foreach (var u in execution.ValidatorUpdates)
        {
            var key = Convert.ToHexString(Address.FromPublicKey(u.PublicKey));
            if (u.Power == 0)
            {
                next.Remove(key);
            }
            else
            {
                next[key] = u.Power;
            }
        }

        _sets[height + 2] = next;
        var broken = App.Executor.CheckInvariants();
        Assert.True(broken.Count == 0, $"after block {height}:\n" + string.Join("\n", broken));
        return execution.Results;
    }

    public TxResult Ok(int signer, params IMessage[] messages)
    {
        var r = Commit(Tx(signer, messages)).Results[0];
        Assert.True(r.Code == 0, $"expected success, got code {r.Code} ({r.Codespace}): {r.Log}");
        return r;
    }

    /// <summary>Commits one tx expected to fail with <paramref name="code"/> and asserts staking's records did not change.</summary>
    public TxResult Fails(uint code, int signer, params IMessage[] messages)
    {
        var tx = Tx(signer, messages);
        var r = Commit(tx).Results[0];
        Assert.True(r.Code == code && r.Codespace == StakingErrors.Codespace, $"expected staking/{code}, got {r.Codespace}/{r.Code}: {r.Log}");
        return r;
    }

    public void CommitBlocks(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Commit();
        }
    }

    /// <summary>Every key and value under "staking/".</summary>
    public string Dump() =>
        string.Join('\n', State.IteratePrefix(StakingKeys.ModulePrefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));

    public void Dispose() => App.Dispose();

    // Messages

    public MsgCreateValidator CreateValidator(int i, ulong amount, string rate = "0.1", string maxRate = "0.2", string maxChange = "0.01", ulong minSelf = 1) => new()
    {
        Description = new Description { Moniker = "validator" + i },
        Commission = new CommissionRates { Rate = rate, MaxRate = maxRate, MaxChangeRate = maxChange },
        MinSelfDelegation = minSelf,
        ValidatorAddress = V(i),
        Pubkey = ByteString.CopyFrom(ConsensusKeys[i].PublicKey),
        Value = amount,
    };

    public MsgDelegate Delegate(int delegator, int validator, ulong amount) => new() { DelegatorAddress = A(delegator), ValidatorAddress = V(validator), Amount = amount };

    public MsgUndelegate Undelegate(int delegator, int validator, ulong amount) => new() { DelegatorAddress = A(delegator), ValidatorAddress = V(validator), Amount = amount };

    public MsgBeginRedelegate Redelegate(int delegator, int src, int dst, ulong amount) =>
        new() { DelegatorAddress = A(delegator), ValidatorSrcAddress = V(src), ValidatorDstAddress = V(dst), Amount = amount };

    public MsgWithdrawDelegatorReward Withdraw(int delegator, int validator) => new() { DelegatorAddress = A(delegator), ValidatorAddress = V(validator) };

    /// <summary>Evidence that account <paramref name="i"/>'s consensus key signed two prevotes at <paramref name="height"/>.</summary>
    public DuplicateVoteEvidence DoubleSign(int i, ulong height, long power, long totalPower) => new()
    {
        VoteA = new Vote { Height = height, ValidatorAddress = ByteString.CopyFrom(Cons(i)) },
        VoteB = new Vote { Height = height, ValidatorAddress = ByteString.CopyFrom(Cons(i)) },
        ValidatorPower = power,
        TotalVotingPower = totalPower,
        TimestampUnixNanos = (GenesisUnixSeconds + ((long)height * BlockSeconds)) * 1_000_000_000,
    };
}
