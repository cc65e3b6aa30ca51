using Chain.Modules.Bank.Keeper;
using Chain.State.Store;

namespace Chain.Modules.Bank.Invariants;

/// <summary>The bank's invariant: for every denomination, the balances add up to the supply.</summary>
public static class BankInvariants
{
    public static IReadOnlyList<string> Check(BankKeeper keeper, IStateReader state)
    {
        var broken = new List<string>();
        var sums = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (_, denom, amount) in keeper.AllBalances(state))
        {
            sums.TryGetValue(denom, out var s);
            if (s + amount < s)
            {
                broken.Add($"bank: balances of {denom} overflow 64 bits");
            }

            sums[denom] = s + amount;
        }

        var supplies = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (denom, amount) in keeper.AllSupply(state))
        {
            supplies[denom] = amount;
        }

        foreach (var (denom, sum) in sums)
        {
            supplies.TryGetValue(denom, out var supply);
            if (sum != supply)
            {
                broken.Add($"bank: balances of {denom} add up to {sum}, supply is {supply}");
            }
        }

        foreach (var (denom, supply) in supplies)
        {
            if (!sums.ContainsKey(denom) && supply != 0)
            {
                broken.Add($"bank: supply of {denom} is {supply} but nobody holds any");
            }
        }

        return broken;
    }
}
