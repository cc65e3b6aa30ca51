using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Genesis;
using Chain.Proto.Staking;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;

namespace Chain.Modules.Staking.Tests;

public sealed class GenesisTests
{
    private const ulong Chn = StakingChain.Chn;

    private static ModuleSet Modules() => new ModuleSet().Add(_ => new BankModule()).Add(m => new StakingModule(m.Keeper<IBankKeeper>()));

    [Fact]
    public void An_exported_chain_starts_again_with_the_same_validators_delegations_and_pools()
    {
        using var c = new StakingChain(6);
        c.Ok(0, c.CreateValidator(0, 100 * Chn));
        c.Ok(1, c.CreateValidator(1, 50 * Chn));
        c.Ok(2, c.Delegate(2, 0, 30 * Chn));
        c.Ok(2, c.Undelegate(2, 0, 10 * Chn));
        c.Ok(3, c.Delegate(3, 1, 5 * Chn));
        c.CommitBlocks(3);
        c.PendingEvidence.Add(c.DoubleSign(1, c.Height, 55, 175));
        c.CommitBlocks(2);

        // The new chain starts where the old one stopped (a later genesis time would let unbonding complete at genesis).
        var exported = c.App.Export([], DateTimeOffset.FromUnixTimeSeconds(c.Time).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        using var next = ChainApp.Open(new MemoryKeyValueStore(), exported, Modules());
        Assert.Empty(next.CheckInvariants());
        var staking = (StakingModule)next.Modules.Find(StakingModule.ModuleName)!;
        var before = c.Records.AllValidators(c.State).ToDictionary(v => v.OperatorAddress);
        var after = staking.Records.AllValidators(next.Executor.Committed).ToList();
        Assert.Equal(before.Count, after.Count);
        foreach (var v in after)
        {
            var old = before[v.OperatorAddress];
            Assert.Equal((old.Tokens, old.DelegatorShares, old.Status, old.Jailed), (v.Tokens, v.DelegatorShares, v.Status, v.Jailed));
        }

        Assert.Equal(c.Records.AllDelegations(c.State).Count(), staking.Records.AllDelegations(next.Executor.Committed).Count());
        Assert.True(staking.Records.GetSigningInfo(next.Executor.Committed, c.Cons(1))!.Tombstoned);
        Assert.Empty(next.GenesisValidators); // the set is the exported one: nothing changed at height 0
    }

    [Fact]
    public void A_genesis_whose_pools_do_not_hold_the_validators_tokens_is_refused()
    {
        using var c = new StakingChain(2);
        c.Ok(0, c.CreateValidator(0, 100 * Chn));
        var exported = c.App.Export([], "2026-11-26T00:00:00Z");
        var bank = AppStateSections.Get<Proto.Bank.GenesisState>(exported, BankModule.ModuleName);
        var pool = Chain.Crypto.Address.ToBech32(Keeper.StakingAccounts.BondedPool);
        bank.Balances.Remove(bank.Balances.Single(b => b.Address == pool));
        AppStateSections.Set(exported, BankModule.ModuleName, bank);
        var e = Assert.Throws<GenesisStateException>(() => ChainApp.Open(new MemoryKeyValueStore(), exported, Modules()));
        Assert.Contains("bonded pool", e.Message);
    }

    [Fact]
    public void Params_out_of_range_are_refused_naming_the_key()
    {
        var g = Genesis.StakingGenesis.Default();
        g.Slashing.Params.MinSignedPerWindow = "1.5";
        var r = new StakingModule(new BankKeeper()).ValidateGenesis(g);
        Assert.Equal(StakingErrors.InvalidParams, r.Code);
        Assert.Contains("app_state.staking.slashing.params.min_signed_per_window", r.Log);
    }
}
