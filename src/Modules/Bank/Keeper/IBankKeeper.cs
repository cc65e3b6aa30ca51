using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Bank.Keeper;

/// <summary>
/// What other modules may do with coins (the bank's narrow interface; the market, staking and work take this and
/// nothing else of the bank). Every method takes the store it acts on and changes nothing when it returns an error.
/// </summary>
public interface IBankKeeper
{
    /// <summary>The balance of <paramref name="address"/> in <paramref name="denom"/>.</summary>
    ulong GetBalance(IStateReader state, ReadOnlySpan<byte> address, string denom);

    /// <summary>Moves coins; the sender must hold them all; the recipient's account is created if new.</summary>
    ExecResult Send(IStateStore store, byte[] from, byte[] to, IReadOnlyList<Coin> amount);

    /// <summary>Moves <paramref name="amount"/> of the base denomination (uchn); 0 moves nothing.</summary>
    ExecResult Send(IStateStore store, byte[] from, byte[] to, ulong amount);

    /// <summary>The total supply of <paramref name="denom"/>.</summary>
    ulong GetSupply(IStateReader state, string denom);

    /// <summary>Creates <paramref name="amount"/> uchn in <paramref name="to"/> and the supply (inflation); 0 creates nothing.</summary>
    ExecResult Mint(IStateStore store, byte[] to, ulong amount);

    /// <summary>Destroys <paramref name="amount"/> uchn held by <paramref name="from"/> and takes it off the supply (slashing).</summary>
    ExecResult Burn(IStateStore store, byte[] from, ulong amount);
}
