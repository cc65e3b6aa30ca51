using Chain.State.Queries;
using Chain.State.Store;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Chain.State.Modules;

/// <summary>
/// The typed base of a module: genesis is handled as <typeparamref name="TGenesis"/>; BeginBlock, EndBlock,
/// invariants, keepers and queries default to nothing, so a module overrides only the rooms it has.
/// </summary>
public abstract class Module<TGenesis> : IModule
    where TGenesis : class, IMessage<TGenesis>, new()
{
    public abstract string Name { get; }

    public virtual IReadOnlyList<IMsgHandler> Handlers => [];

    public virtual IReadOnlyList<object> Keepers => [];

    public MessageDescriptor GenesisDescriptor => new TGenesis().Descriptor;

    IMessage IModule.DefaultGenesis() => DefaultGenesis();

    ExecResult IModule.ValidateGenesis(IMessage genesis) => ValidateGenesis((TGenesis)genesis);

    ExecResult IModule.InitGenesis(MsgContext context, IMessage genesis) => InitGenesis(context, (TGenesis)genesis);

    IMessage IModule.ExportGenesis(IStateReader state, ulong height) => ExportGenesis(state, height);

    public abstract TGenesis DefaultGenesis();

    public abstract ExecResult ValidateGenesis(TGenesis genesis);

    public abstract ExecResult InitGenesis(MsgContext context, TGenesis genesis);

    public abstract TGenesis ExportGenesis(IStateReader state, ulong height);

    public virtual void PrepareExport(MsgContext context)
    {
    }

    public virtual void BeginBlock(MsgContext context)
    {
    }

    public virtual IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context) => [];

    public virtual IReadOnlyList<string> CheckInvariants(IStateReader state) => [];

    public virtual IReadOnlyList<QueryService> QueryServices(QueryContext queries) => [];
}
