using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;
using static Chain.Modules.Staking.Cli.StakingText;

namespace Chain.Modules.Staking.Cli;

/// <summary>
/// `chaind query staking validators|validator|delegation|delegations|delegations-to|unbonding-delegations|redelegations|pool|params`:
/// validators are chainvaloper... addresses, delegators chain1...; lists page with --limit and --page-key.
/// </summary>
internal sealed class StakingQueryCommand(CliContext context)
{
    public Command Build()
    {
        var staking = new Command(StakingModule.ModuleName, "Staking queries");
        staking.Add(Validators());
        staking.Add(Validator());
        staking.Add(Delegation());
        staking.Add(Delegations());
        staking.Add(DelegationsTo());
        staking.Add(UnbondingDelegations());
        staking.Add(Redelegations());
        staking.Add(Pool());
        staking.Add(Params());
        return staking;
    }

    private static Argument<string> ValidatorArgument() => new("validator") { Description = "Validator operator address (chainvaloper...)" };

    private static Argument<string> DelegatorArgument() => new("delegator") { Description = "Delegator address (chain1...)" };

    private static PageRequest Page(PageOptions paging, ParseResult parse)
    {
        var (limit, key) = paging.Read(parse);
        return new PageRequest { Limit = limit, Key = key };
    }

    private Command Validators()
    {
        var status = new Option<string?>("--status") { Description = "Only validators that are bonded, unbonding or unbonded" };
        var paging = new PageOptions();
        var command = new Command("validators", "Validators, by operator address") { status };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryValidatorsRequest { Status = ProtoEnumText.Parse<BondStatus>(parse.GetValue(status), "--status"), Pagination = Page(paging, parse) },
            (node, request, o) => new Query.QueryClient(node.Channel).ValidatorsAsync(request, o),
            (_, r) => [.. r.Validators.Select(ValidatorRow), PageOptions.NextKeyLine(r.Pagination?.NextKey), ("height", N(r.Height))]);
        return command;
    }

    private Command Validator()
    {
        var validator = ValidatorArgument();
        var command = new Command("validator", "One validator") { validator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryValidatorRequest { ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address") },
            (node, request, o) => new Query.QueryClient(node.Channel).ValidatorAsync(request, o),
            (_, r) => [.. ValidatorLines(r.Validator ?? new Proto.Staking.Validator()), ("height", N(r.Height))]);
        return command;
    }

    private Command Delegation()
    {
        var delegator = DelegatorArgument();
        var validator = ValidatorArgument();
        var command = new Command("delegation", "The delegation of a delegator to a validator") { delegator, validator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryDelegationRequest
            {
                DelegatorAddress = ClientInput.AccountAddress(parse.GetRequiredValue(delegator), "delegator address"),
                ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address"),
            },
            (node, request, o) => new Query.QueryClient(node.Channel).DelegationAsync(request, o),
            (_, r) =>
            [
                ("delegator_address", r.Delegation?.Delegation?.DelegatorAddress ?? string.Empty),
                ("validator_address", r.Delegation?.Delegation?.ValidatorAddress ?? string.Empty),
                ("shares", Dec(r.Delegation?.Delegation?.Shares ?? string.Empty)),
                ("balance", Uchn(r.Delegation?.Balance ?? 0)),
                ("height", N(r.Height)),
            ]);
        return command;
    }

    private Command Delegations()
    {
        var delegator = DelegatorArgument();
        var paging = new PageOptions();
        var command = new Command("delegations", "The delegations of a delegator") { delegator };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryDelegatorDelegationsRequest { DelegatorAddress = ClientInput.AccountAddress(parse.GetRequiredValue(delegator), "delegator address"), Pagination = Page(paging, parse) },
            (node, request, o) => new Query.QueryClient(node.Channel).DelegatorDelegationsAsync(request, o),
            (_, r) => [.. r.Delegations.Select(DelegationRow), PageOptions.NextKeyLine(r.Pagination?.NextKey), ("height", N(r.Height))]);
        return command;
    }

    private Command DelegationsTo()
    {
        var validator = ValidatorArgument();
        var paging = new PageOptions();
        var command = new Command("delegations-to", "The delegations to a validator") { validator };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryValidatorDelegationsRequest { ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address"), Pagination = Page(paging, parse) },
            (node, request, o) => new Query.QueryClient(node.Channel).ValidatorDelegationsAsync(request, o),
            (_, r) => [.. r.Delegations.Select(DelegationRow), PageOptions.NextKeyLine(r.Pagination?.NextKey), ("height", N(r.Height))]);
        return command;
    }

    private Command UnbondingDelegations()
    {
        var delegator = DelegatorArgument();
        var command = new Command("unbonding-delegations", "The unbonding delegations of a delegator, one line per entry") { delegator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryUnbondingDelegationsRequest { DelegatorAddress = ClientInput.AccountAddress(parse.GetRequiredValue(delegator), "delegator address") },
            (node, request, o) => new Query.QueryClient(node.Channel).UnbondingDelegationsAsync(request, o),
            (_, r) => [.. r.UnbondingDelegations.SelectMany(UnbondingRows), ("height", N(r.Height))]);
        return command;
    }

    private Command Redelegations()
    {
        var delegator = DelegatorArgument();
        var command = new Command("redelegations", "The redelegations of a delegator, one line per entry") { delegator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryRedelegationsRequest { DelegatorAddress = ClientInput.AccountAddress(parse.GetRequiredValue(delegator), "delegator address") },
            (node, request, o) => new Query.QueryClient(node.Channel).RedelegationsAsync(request, o),
            (_, r) => [.. r.Redelegations.SelectMany(RedelegationRows), ("height", N(r.Height))]);
        return command;
    }

    private Command Pool()
    {
        var command = new Command("pool", "Tokens in the bonded and not-bonded pools");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryPoolRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).PoolAsync(request, o),
            (_, r) => [("bonded_tokens", Uchn(r.Pool?.BondedTokens ?? 0)), ("not_bonded_tokens", Uchn(r.Pool?.NotBondedTokens ?? 0)), ("height", N(r.Height))]);
        return command;
    }

    private Command Params()
    {
        var command = new Command("params", "Params of staking, distribution, slashing and mint");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryParamsRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).ParamsAsync(request, o),
            (_, r) =>
            {
                var s = r.Staking ?? new Proto.Staking.Params();
                var d = r.Distribution ?? new DistributionParams();
                var l = r.Slashing ?? new SlashingParams();
                var m = r.Mint ?? new MintParams();
                return
                [
                    ("unbonding_time", Seconds(s.UnbondingTime)), ("max_validators", N(s.MaxValidators)), ("max_entries", N(s.MaxEntries)),
                    ("min_commission_rate", Dec(s.MinCommissionRate)), ("community_tax", Dec(d.CommunityTax)),
                    ("signed_blocks_window", N(l.SignedBlocksWindow)), ("min_signed_per_window", Dec(l.MinSignedPerWindow)),
                    ("downtime_jail_duration", Seconds(l.DowntimeJailDuration)), ("slash_fraction_double_sign", Dec(l.SlashFractionDoubleSign)),
                    ("slash_fraction_downtime", Dec(l.SlashFractionDowntime)), ("max_evidence_age_blocks", N(l.MaxEvidenceAgeBlocks)),
                    ("max_evidence_age_duration", Seconds(l.MaxEvidenceAgeDuration)), ("inflation_rate_change", Dec(m.InflationRateChange)),
                    ("inflation_max", Dec(m.InflationMax)), ("inflation_min", Dec(m.InflationMin)), ("goal_bonded", Dec(m.GoalBonded)),
                    ("blocks_per_year", N(m.BlocksPerYear)), ("work_reward_share", Dec(m.WorkRewardShare)), ("height", N(r.Height)),
                ];
            });
        return command;
    }
}
