using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Store;

namespace Chain.State.Modules;

/// <summary>What the tx pipeline needs of accounts (implemented by the bank module, wired by the node).</summary>
public interface IAccountKeeper
{
    /// <summary>The account stored under <paramref name="address"/> (its Address field is left empty), or null.</summary>
    Account? GetAccount(IStateStore store, byte[] address);

    void SetAccount(IStateStore store, byte[] address, Account account);

    /// <summary>Moves the fee from the payer to the fee collector; an error when the payer cannot pay.</summary>
    ExecResult DeductFee(MsgContext context, byte[] payer, IReadOnlyList<Coin> fee);
}
