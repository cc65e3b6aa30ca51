using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market;
using Chain.Modules.Staking;
using Chain.Modules.Work;
using Chain.State.Modules;

namespace Chain.Node.App;

/// <summary>
/// The chain's modules, one line each, in execution order: genesis, BeginBlock and EndBlock run top to bottom, and a
/// module is built from what the modules above it offer (docs/modules.md says how to add one).
/// </summary>
public static class ModuleCatalog
{
    public static ModuleSet Create() => new ModuleSet()
        .Add(_ => new BankModule())
        .Add(_ => new StakingModule())
        .Add(m => new MarketModule(m.Keeper<IBankKeeper>()))
        .Add(_ => new WorkModule());
}
