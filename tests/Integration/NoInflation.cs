using Chain.Modules.Staking;
using Chain.Proto.Genesis;
using Chain.State.Modules;

namespace Chain.Integration.Tests;

/// <summary>Turns minting off in a genesis, for tests that check the supply stays exactly what genesis funded.</summary>
public static class NoInflation
{
    public static void Apply(GenesisDoc genesis) =>
        AppStateSections.Update<Chain.Proto.Staking.GenesisState>(genesis, StakingModule.ModuleName, Chain.Modules.Staking.Params.StakingParams.DisableMinting);
}
