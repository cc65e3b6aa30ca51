using Chain.Client.Cli;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Cli;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market;
using Chain.Modules.Market.Cli;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Staking;
using Chain.Modules.Staking.Cli;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Work;
using Chain.Modules.Work.Cli;
using Chain.State.Modules;
using Chain.Work.Prover;

namespace Chain.Node.App;

/// <summary>
/// The chain's modules, one line each, in execution order: genesis, BeginBlock and EndBlock run top to bottom, and a
/// module is built from what the modules above it offer. Each line also names the module's command groups under
/// `chaind tx` and `chaind query` (none, one, or several as staking's: staking, distribution, slashing, mint).
/// docs/modules.md says how to add one.
/// </summary>
public static class ModuleCatalog
{
    public static IReadOnlyList<(Func<ModuleSet, IModule> Create, IReadOnlyList<IModuleCli> Clis)> Entries { get; } =
    [
        (_ => new BankModule(), [new BankCli()]),
        (m => new StakingModule(m.Keeper<IBankKeeper>()), [new StakingCli(), new DistributionCli(), new SlashingCli(), new MintCli()]),
        (m => new MarketModule(m.Keeper<IBankKeeper>()), [new MarketCli()]),
        (m => new WorkModule(m.Keeper<IBankKeeper>(), m.Keeper<MarketKeeper>(), m.Keeper<IWorkRewards>()), [new WorkCli(ProverFactory.Create)]),
    ];

    /// <summary>The modules' command groups, in the catalog's order.</summary>
    public static IEnumerable<IModuleCli> Clis => Entries.SelectMany(e => e.Clis);

    /// <summary>A new set of the catalog's modules, in order.</summary>
    public static ModuleSet Create()
    {
        var modules = new ModuleSet();
        foreach (var (create, _) in Entries)
        {
            modules.Add(create);
        }

        return modules;
    }
}
