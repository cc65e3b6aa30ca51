using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Handlers;
using Chain.Modules.Bank.Invariants;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Queries;
using Chain.Proto.Bank;
using Chain.State.Modules;
using Chain.State.Queries;
using Chain.State.Store;

namespace Chain.Modules.Bank;

/// <summary>The bank module: accounts, balances, supply and MsgSend. Offers <see cref="IBankKeeper"/> and the tx pipeline's <see cref="IAccountKeeper"/>.</summary>
public sealed class BankModule : Module<GenesisState>
{
    public const string ModuleName = "bank";

    public BankModule()
    {
        Handlers = [new MsgSendHandler(Keeper)];
        Keepers = [Keeper];
    }

    public BankKeeper Keeper { get; } = new();

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; }

    public override IReadOnlyList<object> Keepers { get; }

    public override GenesisState DefaultGenesis() => BankGenesis.Default();

    public override ExecResult ValidateGenesis(GenesisState genesis) => BankGenesis.Validate(genesis);

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis) => BankGenesis.Import(Keeper, context.Store, genesis);

    /// <summary>Bank records hold no heights.</summary>
    public override GenesisState ExportGenesis(IStateReader state, ulong height) => BankGenesis.Export(Keeper, state);

    public override IReadOnlyList<string> CheckInvariants(IStateReader state) => BankInvariants.Check(Keeper, state);

    public override IReadOnlyList<QueryService> QueryServices(QueryContext queries) => [QueryService.Of(new BankQueryService(queries, Keeper))];
}
