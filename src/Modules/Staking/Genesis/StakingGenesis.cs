using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Staking.Params;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Staking.Genesis;

/// <summary>
/// The staking section of genesis: params of staking, distribution, slashing and mint, and (in an exported genesis)
/// every record. A new network's section holds params only; its validators come from gen_txs.
/// </summary>
public static class StakingGenesis
{
    public static GenesisState Default() => new()
    {
        Params = StakingParams.Default(),
        Distribution = new DistributionGenesis { Params = StakingParams.DefaultDistribution(), CommunityPool = Dec.Zero.ToString() },
        Slashing = new SlashingGenesis { Params = StakingParams.DefaultSlashing() },
        Mint = new MintGenesis { Params = StakingParams.DefaultMint(), Minter = StakingParams.DefaultMinter() },
    };

    /// <summary>Checks and writes a section; an error names the key path under app_state.staking.</summary>
    public static ExecResult Import(StakingRecords records, DistributionKeeper distribution, IStateStore store, GenesisState g)
    {
        try
        {
            return ImportChecked(records, distribution, store, g);
        }
        catch (FormatException e)
        {
            return Invalid($"app_state.staking: {e.Message}");
        }
    }

    private static ExecResult ImportChecked(StakingRecords records, DistributionKeeper distribution, IStateStore store, GenesisState g)
    {
        const string path = "app_state.staking";
        if (g.Params is null || g.Distribution?.Params is null || g.Slashing?.Params is null || g.Mint?.Params is null || g.Mint.Minter is null)
        {
            return Invalid($"{path}: params, distribution.params, slashing.params, mint.params and mint.minter are required");
        }

        var r = StakingParams.Validate(g.Params, $"{path}.params");
        r = r.IsOk ? StakingParams.Validate(g.Distribution.Params, $"{path}.distribution.params") : r;
        r = r.IsOk ? StakingParams.Validate(g.Slashing.Params, $"{path}.slashing.params") : r;
        r = r.IsOk ? StakingParams.Validate(g.Mint.Params, $"{path}.mint.params") : r;
        if (!r.IsOk)
        {
            return r;
        }

        records.SetParams(store, g.Params);
        records.SetDistributionParams(store, g.Distribution.Params);
        records.SetSlashingParams(store, g.Slashing.Params);
        records.SetMintParams(store, g.Mint.Params);
        _ = Dec.Parse(g.Mint.Minter.Inflation);
        _ = Dec.ParseOrZero(g.Mint.Minter.AnnualProvisions);
        records.SetMinter(store, g.Mint.Minter);

        var seen = new HashSet<string>();
        for (var i = 0; i < g.Validators.Count; i++)
        {
            var v = g.Validators[i];
            var at = $"{path}.validators[{i}]";
            if (!Address.TryFromBech32(v.OperatorAddress, out _, out var error, Address.ValidatorOperatorPrefix))
            {
                return Invalid($"{at}.operator_address: {error}");
            }

            if (!Secp256k1.IsValidPublicKey(v.ConsensusPubkey.Span))
            {
                return Invalid($"{at}.consensus_pubkey is not a 33-byte compressed secp256k1 key");
            }

            if (!seen.Add(v.OperatorAddress) || records.OperatorByCons(store, StakingRecords.ConsensusAddress(v)) is not null)
            {
                return Invalid($"{at}: operator or consensus key listed twice");
            }

            _ = Dec.Parse(v.DelegatorShares);
            if (v.Commission?.Rates is null || !Handlers.CommissionRules.Validate(v.Commission.Rates).IsOk)
            {
                return Invalid($"{at}.commission is missing or out of bounds");
            }

            records.SaveValidator(store, v);
            if (v.Status == BondStatus.Unbonding)
            {
                records.Enqueue(store, StakingKeys.ValidatorQueueEntry(v.UnbondingTime, v.UnbondingHeight, StakingRecords.Operator(v)));
            }
        }

        foreach (var lp in g.LastValidatorPowers)
        {
            records.SetLastPower(store, Address.FromBech32(lp.Address, Address.ValidatorOperatorPrefix), lp.Power);
        }

        records.SetLastTotalPower(store, g.LastTotalPower);
        foreach (var d in g.Delegations)
        {
            _ = Dec.Parse(d.Shares);
            records.SetDelegation(store, Address.FromBech32(d.DelegatorAddress), Address.FromBech32(d.ValidatorAddress, Address.ValidatorOperatorPrefix), d);
        }

        foreach (var ubd in g.UnbondingDelegations)
        {
            var del = Address.FromBech32(ubd.DelegatorAddress);
            var val = Address.FromBech32(ubd.ValidatorAddress, Address.ValidatorOperatorPrefix);
            records.SaveUnbonding(store, del, val, ubd);
            foreach (var e in ubd.Entries)
            {
                records.Enqueue(store, StakingKeys.UnbondingQueueEntry(e.CompletionTime, del, val));
            }
        }

        foreach (var red in g.Redelegations)
        {
            var del = Address.FromBech32(red.DelegatorAddress);
            var src = Address.FromBech32(red.ValidatorSrcAddress, Address.ValidatorOperatorPrefix);
            var dst = Address.FromBech32(red.ValidatorDstAddress, Address.ValidatorOperatorPrefix);
            records.SaveRedelegation(store, del, src, dst, red);
            foreach (var e in red.Entries)
            {
                records.Enqueue(store, StakingKeys.RedelegationQueueEntry(e.CompletionTime, del, src, dst));
            }
        }

        var dist = g.Distribution;
        distribution.SetCommunityPool(store, Dec.ParseOrZero(dist.CommunityPool));
        foreach (var o in dist.OutstandingRewards)
        {
            distribution.SetOutstanding(store, Op(o.ValidatorAddress), Dec.Parse(o.Amount));
        }

        foreach (var c in dist.AccumulatedCommissions)
        {
            distribution.SetCommission(store, Op(c.ValidatorAddress), Dec.Parse(c.Amount));
        }

        foreach (var h in dist.HistoricalRewards)
        {
            distribution.SetHistorical(store, Op(h.ValidatorAddress), h.Period, h.Rewards);
        }

        foreach (var c in dist.CurrentRewards)
        {
            distribution.SetCurrent(store, Op(c.ValidatorAddress), c.Rewards);
        }

        foreach (var s in dist.DelegatorStartingInfos)
        {
            distribution.SetStartingInfo(store, Op(s.ValidatorAddress), Address.FromBech32(s.DelegatorAddress), s.StartingInfo);
        }

        foreach (var e in dist.SlashEvents)
        {
            distribution.SetSlashEvent(store, Op(e.ValidatorAddress), e.Height, e.Period, e.Event);
        }

        foreach (var s in g.Slashing.SigningInfos)
        {
            var cons = Address.FromBech32(s.Info.Address, Address.ValidatorConsensusPrefix);
            records.SetSigningInfo(store, cons, s.Info);
            foreach (var index in s.MissedIndexes)
            {
                records.SetMissed(store, cons, index, true);
            }
        }

        return ExecResult.Ok;
    }

    /// <summary>
    /// At InitGenesis, after the bank's section is in state: the pools must hold exactly what the imported validators
    /// and unbonding entries say (an exported genesis does; a hand-edited one may not).
    /// </summary>
    public static ExecResult CheckPools(StakingRecords records, Bank.Keeper.IBankKeeper bank, IStateReader state)
    {
        ulong bonded = 0, notBonded = 0;
        foreach (var v in records.AllValidators(state))
        {
            if (v.Status == BondStatus.Bonded)
            {
                bonded += v.Tokens;
            }
            else
            {
                notBonded += v.Tokens;
            }
        }

        foreach (var ubd in records.AllUnbondings(state))
        {
            foreach (var e in ubd.Entries)
            {
                notBonded += e.Balance;
            }
        }

        var bondedPool = bank.GetBalance(state, StakingAccounts.BondedPool, Coins.BaseDenom);
        var notBondedPool = bank.GetBalance(state, StakingAccounts.NotBondedPool, Coins.BaseDenom);
        return bondedPool == bonded && notBondedPool == notBonded
            ? ExecResult.Ok
            : Invalid($"app_state.staking: bonded validators hold {bonded}uchn and the bonded pool {bondedPool}uchn; unbonding and unbonded validators and entries hold {notBonded}uchn and the not-bonded pool {notBondedPool}uchn (app_state.bank must fund {Address.ToBech32(StakingAccounts.BondedPool)} and {Address.ToBech32(StakingAccounts.NotBondedPool)} with exactly these)");
    }

    /// <summary>
    /// Every record, as a new chain starts from it. With <paramref name="height"/> above 0 every height in a record
    /// (creation heights, unbonding heights, starting infos, slash events, signing windows) becomes 0: they lie
    /// before the new chain's first block, and only their order relative to later heights matters.
    /// </summary>
    public static GenesisState Export(StakingRecords records, DistributionKeeper distribution, IStateReader state, ulong height)
    {
        ulong H(ulong h) => height == 0 ? h : 0;
        var g = new GenesisState
        {
            Params = records.GetParams(state),
            LastTotalPower = records.GetLastTotalPower(state),
            Distribution = new DistributionGenesis { Params = records.GetDistributionParams(state), CommunityPool = distribution.GetCommunityPool(state).ToString() },
            Slashing = new SlashingGenesis { Params = records.GetSlashingParams(state) },
            Mint = new MintGenesis { Params = records.GetMintParams(state), Minter = records.GetMinter(state) },
        };
        foreach (var (op, power) in records.LastPowers(state))
        {
            g.LastValidatorPowers.Add(new LastValidatorPower { Address = StakingRecords.OperatorText(op), Power = power });
        }

        foreach (var v in records.AllValidators(state))
        {
            v.UnbondingHeight = H(v.UnbondingHeight);
            g.Validators.Add(v);
        }

        g.Delegations.AddRange(records.AllDelegations(state));
        foreach (var ubd in records.AllUnbondings(state))
        {
            foreach (var e in ubd.Entries)
            {
                e.CreationHeight = H(e.CreationHeight);
            }

            g.UnbondingDelegations.Add(ubd);
        }

        foreach (var red in records.AllRedelegations(state))
        {
            foreach (var e in red.Entries)
            {
                e.CreationHeight = H(e.CreationHeight);
            }

            g.Redelegations.Add(red);
        }

        foreach (var (val, value) in distribution.AllOf(state, StakingKeys.Outstanding))
        {
            g.Distribution.OutstandingRewards.Add(new ValidatorDecRecord { ValidatorAddress = StakingRecords.OperatorText(val), Amount = DistributionKeeper.ReadDec(value).ToString() });
        }

        foreach (var (val, value) in distribution.AllOf(state, StakingKeys.Commissions))
        {
            g.Distribution.AccumulatedCommissions.Add(new ValidatorDecRecord { ValidatorAddress = StakingRecords.OperatorText(val), Amount = DistributionKeeper.ReadDec(value).ToString() });
        }

        foreach (var (val, period, rewards) in distribution.AllHistorical(state))
        {
            g.Distribution.HistoricalRewards.Add(new ValidatorHistoricalRewardsRecord { ValidatorAddress = StakingRecords.OperatorText(val), Period = period, Rewards = rewards });
        }

        foreach (var (val, value) in distribution.AllOf(state, StakingKeys.CurrentRewards))
        {
            g.Distribution.CurrentRewards.Add(new ValidatorCurrentRewardsRecord { ValidatorAddress = StakingRecords.OperatorText(val), Rewards = ValidatorCurrentRewards.Parser.ParseFrom(value) });
        }

        foreach (var (val, del, info) in distribution.AllStartingInfos(state))
        {
            info.Height = H(info.Height);
            g.Distribution.DelegatorStartingInfos.Add(new DelegatorStartingInfoRecord { ValidatorAddress = StakingRecords.OperatorText(val), DelegatorAddress = StakingRecords.AccountText(del), StartingInfo = info });
        }

        foreach (var (val, h, period, e) in distribution.AllSlashEvents(state))
        {
            g.Distribution.SlashEvents.Add(new ValidatorSlashEventRecord { ValidatorAddress = StakingRecords.OperatorText(val), Height = H(h), Period = period, Event = e });
        }

        foreach (var info in records.AllSigningInfos(state))
        {
            var record = new SigningInfoRecord { Info = info };
            record.MissedIndexes.AddRange(records.MissedIndexes(state, Address.FromBech32(info.Address, Address.ValidatorConsensusPrefix)));
            info.StartHeight = H(info.StartHeight);
            g.Slashing.SigningInfos.Add(record);
        }

        return g;
    }

    private static byte[] Op(string text) => Address.FromBech32(text, Address.ValidatorOperatorPrefix);

    private static ExecResult Invalid(string log) => StakingErrors.Error(StakingErrors.InvalidGenesis, log);
}
