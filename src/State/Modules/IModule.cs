using Chain.Proto.Genesis;
using Chain.State.Store;

namespace Chain.State.Modules;

/// <summary>
/// A module as the block executor sees it. Every module has the same shape (Msgs, Keeper, Handlers,
/// Queries, Genesis, Params, Events, Invariants); this is the part the executor drives.
/// </summary>
public interface IModule
{
    string Name { get; }

    IReadOnlyList<IMsgHandler> Handlers { get; }

    /// <summary>Writes the module's genesis state; returns an error naming the bad genesis entry.</summary>
    ExecResult InitGenesis(MsgContext context, GenesisDoc genesis);

    void BeginBlock(MsgContext context);

    void EndBlock(MsgContext context);

    /// <summary>Every broken invariant, described; empty when all hold. Run by tests after every block.</summary>
    IReadOnlyList<string> CheckInvariants(IStateReader state);
}
