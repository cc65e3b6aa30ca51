using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Bank;

/// <summary>The bank module: accounts, balances, supply and MsgSend.</summary>
public sealed class BankModule : IModule
{
    private readonly BankKeeper _keeper;

    public BankModule(BankKeeper keeper)
    {
        _keeper = keeper;
        Handlers = [new MsgSendHandler(keeper)];
    }

    public string Name => "bank";

    public IReadOnlyList<IMsgHandler> Handlers { get; }

    public ExecResult InitGenesis(MsgContext context, GenesisDoc genesis) =>
        BankGenesis.Import(_keeper, context.Store, genesis.AppState?.Bank ?? new GenesisState());

    public void BeginBlock(MsgContext context)
    {
    }

    public void EndBlock(MsgContext context)
    {
    }

    public IReadOnlyList<string> CheckInvariants(IStateReader state) => BankInvariants.Check(_keeper, state);
}
