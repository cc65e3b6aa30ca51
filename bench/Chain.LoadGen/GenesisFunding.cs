using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Types;

namespace Chain.LoadGen;

/// <summary>
/// `loadgen fund`: adds the load accounts' balances to the genesis of every home of a testnet that has not
/// started yet, so that all validators begin from the same genesis with the senders already funded.
/// </summary>
public static class GenesisFunding
{
    public static int Run(string homesDirectory, int accounts, TextWriter output)
    {
        if (accounts < 1)
        {
            throw new LoadGenException($"--accounts {accounts}: expected at least 1");
        }

        if (!Directory.Exists(homesDirectory))
        {
            throw new LoadGenException($"--homes {homesDirectory}: no such directory; run `chaind testnet init` (or ./testnet/start.sh after ./testnet/wipe.sh) first");
        }

        var homes = Directory.GetDirectories(homesDirectory)
            .Where(d => File.Exists(Path.Combine(d, "config", "genesis.json")))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (homes.Length == 0)
        {
            throw new LoadGenException($"--homes {homesDirectory}: no home with config/genesis.json in it; run `chaind testnet init --output {homesDirectory}` first");
        }

        foreach (var home in homes)
        {
            var data = Path.Combine(home, "data");
            if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
            {
                throw new LoadGenException(
                    $"{home} has chain data: a genesis can only change before the network first starts; run ./testnet/wipe.sh, `chaind testnet init`, then fund again");
            }
        }

        var genesis = GenesisFile.Load(Path.Combine(homes[0], "config", "genesis.json"));
        foreach (var home in homes.Skip(1))
        {
            var other = GenesisFile.Load(Path.Combine(home, "config", "genesis.json"));
            if (!other.Equals(genesis))
            {
                throw new LoadGenException($"{home}/config/genesis.json differs from {homes[0]}/config/genesis.json: these homes are not one testnet");
            }
        }

        var existing = new HashSet<string>(BankGenesis.Section(genesis).Balances.Select(b => b.Address), StringComparer.Ordinal);
        var keys = LoadAccounts.Keys(accounts);
        int added = 0;
        foreach (var key in keys)
        {
            var address = Address.ToBech32(key.Address);
            if (existing.Add(address))
            {
                var balance = new Balance { Address = address };
                balance.Coins.Add(new Coin { Denom = Coins.BaseDenom, Amount = LoadAccounts.Funds });
                BankGenesis.Fund(genesis, balance);
                added++;
            }
        }

        GenesisRules.Validate(genesis);
        foreach (var home in homes)
        {
            GenesisFile.Write(Path.Combine(home, "config", "genesis.json"), genesis);
        }

        output.WriteLine(
            $"Funded {accounts} load accounts ({added} new, {accounts - added} already there) with {LoadAccounts.Funds} {Coins.BaseDenom} each in the genesis of {homes.Length} homes under {Path.GetFullPath(homesDirectory)}");
        return 0;
    }
}
