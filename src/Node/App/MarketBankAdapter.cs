using Chain.Modules.Bank;
using Chain.Modules.Market;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Node.App;

/// <summary>The market's view of the bank (<see cref="IMarketBankKeeper"/>): uchn balances and transfers through <see cref="BankKeeper"/>.</summary>
public sealed class MarketBankAdapter(BankKeeper bank) : IMarketBankKeeper
{
    public ulong GetBalance(IStateReader state, ReadOnlySpan<byte> address) => bank.GetBalance(state, address, Coins.BaseDenom);

    public ExecResult Send(IStateStore store, byte[] from, byte[] to, ulong amount) =>
        amount == 0 ? ExecResult.Ok : bank.Send(store, from, to, [new Coin { Denom = Coins.BaseDenom, Amount = amount }]);
}
