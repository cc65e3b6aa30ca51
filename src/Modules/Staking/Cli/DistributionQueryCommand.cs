using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;
using static Chain.Modules.Staking.Cli.StakingText;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind query distribution rewards|commission|community-pool`. Rewards are exact decimals; a withdrawal pays their integer part.</summary>
internal sealed class DistributionQueryCommand(CliContext context)
{
    public Command Build()
    {
        var distribution = new Command(DistributionCli.GroupName, "Distribution queries");
        distribution.Add(Rewards());
        distribution.Add(Commission());
        distribution.Add(CommunityPool());
        return distribution;
    }

    private Command Rewards()
    {
        var delegator = new Argument<string>("delegator") { Description = "Delegator address (chain1...)" };
        var validator = new Argument<string>("validator") { Description = "Only the rewards from this validator (chainvaloper...)", DefaultValueFactory = _ => string.Empty };
        var command = new Command("rewards", "Rewards a delegator could withdraw now, per validator and in total") { delegator, validator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var val = parse.GetValue(validator);
                return new QueryRewardsRequest
                {
                    DelegatorAddress = ClientInput.AccountAddress(parse.GetRequiredValue(delegator), "delegator address"),
                    ValidatorAddress = string.IsNullOrEmpty(val) ? string.Empty : ClientInput.ValidatorAddress(val, "validator address"),
                };
            },
            (node, request, o) => new Query.QueryClient(node.Channel).RewardsAsync(request, o),
            (_, r) => [.. r.Rewards.Select(w => ("reward", $"{w.ValidatorAddress} {Dec(w.Reward)}uchn")), ("total", Dec(r.Total) + "uchn"), ("height", N(r.Height))]);
        return command;
    }

    private Command Commission()
    {
        var validator = new Argument<string>("validator") { Description = "Validator operator address (chainvaloper...)" };
        var command = new Command("commission", "A validator's commission not yet withdrawn, and its outstanding rewards") { validator };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryCommissionRequest { ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address") },
            (node, request, o) => new Query.QueryClient(node.Channel).CommissionAsync(request, o),
            (_, r) => [("commission", Dec(r.Commission) + "uchn"), ("outstanding_rewards", Dec(r.OutstandingRewards) + "uchn"), ("height", N(r.Height))]);
        return command;
    }

    private Command CommunityPool()
    {
        var command = new Command("community-pool", "Coins in the community pool");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryCommunityPoolRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).CommunityPoolAsync(request, o),
            (_, r) => [("pool", Dec(r.Pool) + "uchn"), ("height", N(r.Height))]);
        return command;
    }
}
