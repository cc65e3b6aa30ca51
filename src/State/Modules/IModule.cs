using Chain.State.Queries;
using Chain.State.Store;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Chain.State.Modules;

/// <summary>
/// A module as the chain drives it (docs/modules.md). Every module has the same rooms (Msgs, Keeper, Handlers,
/// Queries, Genesis, Params, Events, Invariants, Cli); this is the part the block executor, genesis and the node's
/// gRPC server see. Most modules derive from <see cref="Module{TGenesis}"/>, which does the casting.
/// </summary>
public interface IModule
{
    /// <summary>Lower-case name: the key of the module's genesis section and the first part of its event names.</summary>
    string Name { get; }

    IReadOnlyList<IMsgHandler> Handlers { get; }

    /// <summary>
    /// What this module offers modules registered after it: objects implementing the narrow interfaces declared in
    /// its Keeper folder (the bank offers <c>IBankKeeper</c>). <see cref="ModuleSet.Keeper{T}"/> finds them.
    /// </summary>
    IReadOnlyList<object> Keepers { get; }

    /// <summary>The protobuf message of the module's genesis section.</summary>
    MessageDescriptor GenesisDescriptor { get; }

    /// <summary>The section `chaind init` writes.</summary>
    IMessage DefaultGenesis();

    /// <summary>Checks a section without state; the error's log names the bad key path (app_state.name.field).</summary>
    ExecResult ValidateGenesis(IMessage genesis);

    /// <summary>Writes a validated section to state at genesis.</summary>
    ExecResult InitGenesis(MsgContext context, IMessage genesis);

    /// <summary>
    /// Runs for every module, in order, before any exports, on a scratch copy of the state after the last block
    /// (<c>context.Block.Height</c>): settle what is owed up to that height (an escrow pays for its blocks so far), so
    /// that the exported records need no past heights. Nothing it writes is committed (Cosmos's zero-height export).
    /// </summary>
    void PrepareExport(MsgContext context);

    /// <summary>
    /// The module's state as a section a new chain starts from (`chaind export`). <paramref name="height"/> is the last
    /// committed height: a new chain counts heights from 1 again, so a record whose height drives what happens next (a
    /// bidding window's close, the last block an escrow paid for) is written relative to it (its height minus
    /// <paramref name="height"/>). With <paramref name="height"/> 0, <see cref="InitGenesis"/> turns the section back
    /// into the same state.
    /// </summary>
    IMessage ExportGenesis(IStateReader state, ulong height);

    /// <summary>Runs before the block's txs; <see cref="MsgContext.Block"/> carries the last commit's votes and the evidence.</summary>
    void BeginBlock(MsgContext context);

    /// <summary>Runs after the block's txs; the validator updates it returns take effect two heights later.</summary>
    IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context);

    /// <summary>Every broken invariant, described; empty when all hold. Run by tests after every block.</summary>
    IReadOnlyList<string> CheckInvariants(IStateReader state);

    /// <summary>The module's gRPC query services (generated service bases) over committed state; the node serves them.</summary>
    IReadOnlyList<QueryService> QueryServices(QueryContext queries);
}
