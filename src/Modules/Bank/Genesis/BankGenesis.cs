using Chain.Crypto;
using Chain.Modules.Bank.Handlers;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Params;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Bank.Genesis;

/// <summary>
/// The bank's genesis section: params, accounts (number, sequence, public key) and balances. Import writes the
/// listed accounts first, then mints every balance (a balance of an address without an account gets the next number);
/// export writes everything back, so an exported chain's bank state is the same after import.
/// </summary>
public static class BankGenesis
{
    private const string Path = "app_state.bank";

    public static GenesisState Default() => new() { Params = BankParams.Default() };

    /// <summary>A copy of the bank section of <paramref name="doc"/> (a new one when it has none).</summary>
    public static GenesisState Section(GenesisDoc doc) => AppStateSections.Get<GenesisState>(doc, BankModule.ModuleName);

    /// <summary>Adds balances to the bank section of <paramref name="doc"/> (`chaind testnet init`, tests, the load generator).</summary>
    public static void Fund(GenesisDoc doc, params IEnumerable<Balance> balances) =>
        AppStateSections.Update<GenesisState>(doc, BankModule.ModuleName, bank => bank.Balances.AddRange(balances));

    /// <summary>Stateless checks: addresses, denominations, amounts, repeated entries, supply overflow.</summary>
    public static ExecResult Validate(GenesisState genesis)
    {
        if (genesis.Params is null)
        {
            return Bad("params", "is missing");
        }

        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<ulong>();
        for (var i = 0; i < genesis.Accounts.Count; i++)
        {
            var account = genesis.Accounts[i];
            var path = $"accounts[{i}]";
            if (!Address.TryFromBech32(account.Address, out _, out var error))
            {
                return Bad(path + ".address", $"is not a valid '{Address.AccountPrefix}' address: {error}");
            }

            if (!accounts.Add(account.Address))
            {
                return Bad(path + ".address", $"{account.Address} appears more than once");
            }

            if (!numbers.Add(account.AccountNumber))
            {
                return Bad(path + ".account_number", $"{account.AccountNumber} is used by an earlier account");
            }

            if (account.PublicKey.Length != 0 && !Secp256k1.IsValidPublicKey(account.PublicKey.Span))
            {
                return Bad(path + ".public_key", "must be empty or a valid 33-byte compressed secp256k1 public key");
            }
        }

        if (genesis.NextAccountNumber != 0 && numbers.Count > 0 && numbers.Max() >= genesis.NextAccountNumber)
        {
            return Bad("next_account_number", $"must be above every listed account_number (highest {numbers.Max()})");
        }

        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var totals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var i = 0; i < genesis.Balances.Count; i++)
        {
            var balance = genesis.Balances[i];
            var path = $"balances[{i}]";
            if (!Address.TryFromBech32(balance.Address, out _, out var error))
            {
                return Bad(path + ".address", $"is not a valid '{Address.AccountPrefix}' address: {error}");
            }

            if (!addresses.Add(balance.Address))
            {
                return Bad(path + ".address", $"{balance.Address} appears more than once");
            }

            var coins = MsgSendHandler.ValidateCoins(balance.Coins, $"{Path}.{path}.coins");
            if (!coins.IsOk)
            {
                return coins;
            }

            foreach (var coin in balance.Coins)
            {
                totals.TryGetValue(coin.Denom, out var total);
                if (coin.Amount > ulong.MaxValue - total)
                {
                    return Bad(path, $"makes the total supply of {coin.Denom} overflow 64 bits");
                }

                totals[coin.Denom] = total + coin.Amount;
            }
        }

        return ExecResult.Ok;
    }

    public static ExecResult Import(BankKeeper keeper, IStateStore store, GenesisState genesis)
    {
        var valid = Validate(genesis);
        if (!valid.IsOk)
        {
            return valid;
        }

        keeper.SetParams(store, genesis.Params);
        ulong next = 0;
        foreach (var account in genesis.Accounts)
        {
            keeper.SetAccount(store, Address.FromBech32(account.Address), account);
            next = Math.Max(next, account.AccountNumber + 1);
        }

        keeper.SetNextAccountNumber(store, Math.Max(next, genesis.NextAccountNumber));
        for (var i = 0; i < genesis.Balances.Count; i++)
        {
            var b = genesis.Balances[i];
            var address = Address.FromBech32(b.Address);
            foreach (var coin in b.Coins)
            {
                var r = keeper.Mint(store, address, coin);
                if (!r.IsOk)
                {
                    return r with { Log = $"{Path}.balances[{i}]: {r.Log}" };
                }
            }
        }

        return ExecResult.Ok;
    }

    public static GenesisState Export(BankKeeper keeper, IStateReader state)
    {
        var genesis = new GenesisState
        {
            Params = keeper.GetParams(state),
            NextAccountNumber = keeper.GetNextAccountNumber(state),
        };
        foreach (var (address, account) in keeper.AllAccounts(state))
        {
            var exported = account.Clone();
            exported.Address = Address.ToBech32(address);
            genesis.Accounts.Add(exported);
        }

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

    private static ExecResult Bad(string path, string message) =>
        BankErrors.Error(BankErrors.InvalidGenesis, $"{Path}.{path} {message}");
}
