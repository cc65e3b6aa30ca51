using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Work;

/// <summary>
/// The work module (proof of useful work), registered in the catalog with its genesis section; receipts, challenges and verification
/// are not written yet, so it holds no state and changes nothing.
/// </summary>
public sealed class WorkModule : Module<GenesisState>
{
    public const string ModuleName = "work";

    public override string Name => ModuleName;

    public override GenesisState DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(GenesisState genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis) => ExecResult.Ok;

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => new();
}
