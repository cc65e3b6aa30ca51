using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking;
using Chain.Modules.Staking.Keeper;
using Chain.Node.App;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Bench;

/// <summary>
/// Staking's costs that must not grow with the number of delegators (F1: no loop over delegators), measured at
/// <see cref="Delegations"/> = 1,000 and 10,000 over the same 100 validators:
/// EndBlock after one delegation changed one validator's power, and one delegation's reward withdrawal after
/// 10,000 blocks of rewards and 10 slashes of its validator. State is built through the keepers and written to RocksDB as committed state.
/// </summary>
[Config(typeof(Config))]
public class StakingBenchmarks
{
    private const int Validators = 100;
    private const int RewardBlocks = 10_000;
    private const int Slashes = 10;
    private const ulong Chn = 1_000_000;

    private BenchStore? _store;
    private StakingModule _staking = null!;
    private CommittedState _committed = null!;
    private ulong _height;
    private byte[] _target = null!;
    private byte[] _delegator = null!;

    [Params(1_000, 10_000)]
    public int Delegations { get; set; }

    /// <summary>RocksDB, as a node runs (the in-memory test store scans every key on a prefix scan, so it would measure itself).</summary>
    [Params(Backend.RocksDb)]
    public Backend Store { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var modules = ModuleCatalog.Create();
        var bank = (BankKeeper)modules.Keeper<IBankKeeper>();
        _staking = (StakingModule)modules.Find(StakingModule.ModuleName)!;
        _store = BenchStore.Create(Store);
        _committed = new CommittedState(_store.Store);
        var _base = new CacheState(_committed);
        _staking.Records.SetParams(_base, Chain.Modules.Staking.Params.StakingParams.Default());
        var operators = new byte[Validators][];
        for (var i = 0; i < Validators; i++)
        {
            var op = Address.FromPublicKey(BitConverter.GetBytes(i));
            operators[i] = op;
            Check(bank.Mint(_base, op, 1_000 * Chn));
            var consensus = PrivateKey.FromBytes(Hashes.Sha256(BitConverter.GetBytes(1_000_000 + i)));
            Check(_staking.Staking.CreateValidator(Ctx(_base, 1), op, consensus.PublicKey, new Description { Moniker = "v" + i },
                new CommissionRates { Rate = "0.05", MaxRate = "0.2", MaxChangeRate = "0.01" }, 1, (ulong)(100 + i) * Chn));
        }

        for (var d = 0; d < Delegations; d++)
        {
            var delegator = Address.FromPublicKey(BitConverter.GetBytes(-1 - d));
            Check(bank.Mint(_base, delegator, 10 * Chn));
            Check(_staking.Staking.Delegate(Ctx(_base, 1), delegator, operators[d % Validators], Chn));
        }

        _staking.ValidatorSet.EndBlock(Ctx(_base, 1));
        _target = operators[0];
        _delegator = Address.FromPublicKey(BitConverter.GetBytes(-1)); // delegates to operators[0]

        // 10,000 blocks of rewards to the target validator, slashed 10 times along the way.
        var target = _staking.Records.GetValidator(_base, _target)!;
        var cons = StakingRecords.ConsensusAddress(target);
        Check(bank.Mint(_base, StakingAccounts.Distribution, RewardBlocks * 1_000UL));
        for (var h = 2; h < 2 + RewardBlocks; h++)
        {
            var ctx = Ctx(_base, (ulong)h);
            _staking.Distribution.AllocateTokensToValidator(_base, _staking.Records.GetValidator(_base, _target)!, Dec.FromInt(1_000));
            if (h % (RewardBlocks / Slashes) == 0)
            {
                _staking.Slasher.Slash(ctx, cons, (ulong)h - 1, StakingRecords.Power(_staking.Records.GetValidator(_base, _target)!), Dec.Parse("0.01"), "bench");
            }
        }

        _height = 2 + RewardBlocks;

        // One delegation changes one validator's power before the measured EndBlock.
        Check(_staking.Staking.Delegate(Ctx(_base, _height), _delegator, operators[1], 5 * Chn));

        // Written as committed state, as a node holds it; each invocation works in a fresh block cache. Only the final
        // values are written: the setup's 10,000 power-index moves would otherwise leave as many deletes of keys the
        // store never held, tombstones that a scan of the index must step over until RocksDB compacts them away.
        using var batch = _store.Store.CreateBatch();
        CommittedState.StageWrites(0, _base.SortedWrites().Where(kv => kv.Value is not null).ToList(), batch);
        _store.Store.Write(batch, sync: false);
    }

    [GlobalCleanup]
    public void Cleanup() => _store?.Dispose();

    [Benchmark(Description = "EndBlock, 100 validators")]
    public int EndBlock() => _staking.ValidatorSet.EndBlock(Ctx(new CacheState(_committed), _height)).Count;

    [Benchmark(Description = "Withdraw rewards after 10,000 blocks and 10 slashes")]
    public ulong Withdraw()
    {
        var store = new CacheState(_committed);
        var ctx = Ctx(store, _height);
        var v = _staking.Records.GetValidator(store, _target)!;
        var d = _staking.Records.GetDelegation(store, _delegator, _target)!;
        return _staking.Distribution.WithdrawDelegationRewards(ctx, v, d);
    }

    private static MsgContext Ctx(IStateStore store, ulong height) =>
        new(store, new BlockInfo("bench", height, (long)height * 5_000_000_000, []), new GasMeter(ulong.MaxValue), new EventSink());

    private static void Check(ExecResult r)
    {
        if (!r.IsOk)
        {
            throw new InvalidOperationException(r.Log);
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median);
    }
}
