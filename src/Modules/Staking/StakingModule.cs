using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Staking;

/// <summary>
/// The staking module, registered in the catalog with its genesis section; validators, delegation, rewards and
/// slashing are not written yet, so it holds no state and changes nothing.
/// </summary>
public sealed class StakingModule : Module<GenesisState>
{
    public const string ModuleName = "staking";

    public override string Name => ModuleName;

    public override GenesisState DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(GenesisState genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis) => ExecResult.Ok;

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => new();
}
