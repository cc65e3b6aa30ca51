using System.Numerics;
using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Staking.Invariants;

/// <summary>
/// What must hold after every block (DESIGN.md, Staking): the bonded pool holds exactly the bonded validators'
/// tokens; the not-bonded pool the other validators' tokens plus every unbonding entry; each validator's shares are
/// the sum of its delegations; the power index lists exactly the non-jailed validators; the distribution account
/// holds the outstanding rewards plus the community pool (truncated); reference counts match validators, delegations
/// and slash events; nothing is negative.
/// </summary>
public static class StakingInvariants
{
    public static IReadOnlyList<string> Check(StakingRecords records, DistributionKeeper distribution, IBankKeeper bank, IStateReader state)
    {
        var broken = new List<string>();
        BigInteger bonded = 0, notBonded = 0;
        var shares = new Dictionary<string, Dec>();
        var validators = records.AllValidators(state).ToList();
        var indexed = 0;
        foreach (var v in validators)
        {
            if (v.Status == BondStatus.Bonded)
            {
                bonded += v.Tokens;
            }
            else
            {
                notBonded += v.Tokens;
            }

            if (v.Shares().IsNegative)
            {
                broken.Add($"validator {v.OperatorAddress} has negative shares {v.DelegatorShares}");
            }

            if (!v.Jailed)
            {
                indexed++;
            }

            shares[v.OperatorAddress] = Dec.Zero;
        }

        foreach (var ubd in records.AllUnbondings(state))
        {
            foreach (var e in ubd.Entries)
            {
                notBonded += e.Balance;
                if (e.Balance > e.InitialBalance)
                {
                    broken.Add($"unbonding entry of {ubd.DelegatorAddress} with {ubd.ValidatorAddress} holds {e.Balance}, more than its initial {e.InitialBalance}");
                }
            }
        }

        var bondedPool = bank.GetBalance(state, StakingAccounts.BondedPool, Coins.BaseDenom);
        var notBondedPool = bank.GetBalance(state, StakingAccounts.NotBondedPool, Coins.BaseDenom);
        if (bondedPool != bonded)
        {
            broken.Add($"bonded pool holds {bondedPool}uchn, bonded validators hold {bonded}");
        }

        if (notBondedPool != notBonded)
        {
            broken.Add($"not-bonded pool holds {notBondedPool}uchn, unbonding/unbonded validators and unbonding entries hold {notBonded}");
        }

        var delegationCount = 0;
        foreach (var d in records.AllDelegations(state))
        {
            delegationCount++;
            var s = Dec.Parse(d.Shares);
            if (!s.IsPositive)
            {
                broken.Add($"delegation of {d.DelegatorAddress} to {d.ValidatorAddress} has {d.Shares} shares");
            }

            if (!shares.TryGetValue(d.ValidatorAddress, out var sum))
            {
                broken.Add($"delegation of {d.DelegatorAddress} to unknown validator {d.ValidatorAddress}");
                continue;
            }

            shares[d.ValidatorAddress] = sum + s;
        }

        foreach (var v in validators)
        {
            if (shares[v.OperatorAddress] != v.Shares())
            {
                broken.Add($"validator {v.OperatorAddress} has {v.DelegatorShares} shares, its delegations {shares[v.OperatorAddress]}");
            }
        }

        var powerEntries = records.ByPower(state).Count();
        if (powerEntries != indexed)
        {
            broken.Add($"power index has {powerEntries} entries for {indexed} non-jailed validators");
        }

        // Distribution
        var total = distribution.GetCommunityPool(state);
        if (total.IsNegative)
        {
            broken.Add($"community pool is negative: {total}");
        }

        foreach (var (val, raw) in distribution.AllOf(state, StakingKeys.Outstanding))
        {
            var o = DistributionKeeper.ReadDec(raw);
            if (o.IsNegative)
            {
                broken.Add($"validator {StakingRecords.OperatorText(val)} has negative outstanding rewards {o}");
            }

            var commission = distribution.GetCommission(state, val);
            if (commission > o)
            {
                broken.Add($"validator {StakingRecords.OperatorText(val)} owes {commission} commission with only {o} outstanding");
            }

            total += o;
        }

        var balance = bank.GetBalance(state, StakingAccounts.Distribution, Coins.BaseDenom);
        if (total.TruncateInt() != balance)
        {
            broken.Add($"distribution account holds {balance}uchn, outstanding rewards plus community pool are {total}");
        }

        long refs = 0;
        foreach (var (_, _, h) in distribution.AllHistorical(state))
        {
            refs += h.ReferenceCount;
        }

        var slashEvents = distribution.AllSlashEvents(state).Count();
        var starting = distribution.AllStartingInfos(state).Count();
        if (refs != validators.Count + delegationCount + slashEvents)
        {
            broken.Add($"reference counts sum to {refs}, expected {validators.Count} validators + {delegationCount} delegations + {slashEvents} slash events");
        }

        if (starting != delegationCount)
        {
            broken.Add($"{starting} starting infos for {delegationCount} delegations");
        }

        return broken;
    }
}
