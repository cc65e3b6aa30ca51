using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Market;

/// <summary>
/// What the market needs of the bank (a Cosmos SDK "expected keeper"): balances and transfers of the base
/// denomination. The node composes an implementation over the bank module; the market sees nothing else of it.
/// </summary>
public interface IMarketBankKeeper
{
    /// <summary>The uchn balance of <paramref name="address"/>.</summary>
    ulong GetBalance(IStateReader state, ReadOnlySpan<byte> address);

    /// <summary>Moves <paramref name="amount"/> uchn; changes nothing and returns an error when <paramref name="from"/> cannot pay.</summary>
    ExecResult Send(IStateStore store, byte[] from, byte[] to, ulong amount);
}
