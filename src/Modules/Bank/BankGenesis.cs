using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Bank;

/// <summary>Genesis import and export of the bank: params and initial balances (accounts numbered in order).</summary>
public static class BankGenesis
{
    public static ExecResult Import(BankKeeper keeper, IStateStore store, GenesisState genesis)
    {
        keeper.SetParams(store, genesis.Params ?? new Params { SendEnabled = true });
        for (var i = 0; i < genesis.Balances.Count; i++)
        {
            var b = genesis.Balances[i];
            if (!Address.TryFromBech32(b.Address, out var address, out var error))
            {
                return BankErrors.Error(BankErrors.InvalidAddress, $"app_state.bank.balances[{i}].address: {error}");
            }

            var coins = MsgSendHandler.ValidateCoins(b.Coins, $"app_state.bank.balances[{i}].coins");
            if (!coins.IsOk)
            {
                return coins;
            }

            if (keeper.GetAccount(store, address) is not null)
            {
                return BankErrors.Error(BankErrors.InvalidAddress, $"app_state.bank.balances[{i}].address: {b.Address} is listed twice");
            }

            foreach (var coin in b.Coins)
            {
                var r = keeper.Mint(store, address, coin);
                if (!r.IsOk)
                {
                    return r with { Log = $"app_state.bank.balances[{i}]: {r.Log}" };
                }
            }
        }

        return ExecResult.Ok;
    }

    public static GenesisState Export(BankKeeper keeper, IStateReader state)
    {
        var genesis = new GenesisState { Params = keeper.GetParams(new ReadOnlyStateStore(state)) };
        Balance? current = null;
        foreach (var (address, denom, amount) in keeper.AllBalances(state))
        {
            var text = Address.ToBech32(address);
            if (current is null || current.Address != text)
            {
                current = new Balance { Address = text };
                genesis.Balances.Add(current);
            }

            current.Coins.Add(new Proto.Types.Coin { Denom = denom, Amount = amount });
        }

        return genesis;
    }
}
