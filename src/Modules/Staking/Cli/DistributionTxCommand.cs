using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;
using Google.Protobuf;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind tx distribution withdraw-rewards|withdraw-all-rewards|fund-community-pool`; --from names the signer.</summary>
internal sealed class DistributionTxCommand(CliContext context)
{
    /// <summary>Delegations read per page by withdraw-all-rewards (the query's maximum).</summary>
    private const uint PageLimit = 1000;

    public Command Build()
    {
        var distribution = new Command(DistributionCli.GroupName, "Distribution transactions: rewards, commission, community pool");
        distribution.Add(WithdrawRewards());
        distribution.Add(WithdrawAllRewards());
        distribution.Add(FundCommunityPool());
        return distribution;
    }

    private Command WithdrawRewards()
    {
        var validator = new Argument<string>("validator") { Description = "Validator operator address (chainvaloper...)" };
        var commission = new Option<bool>("--commission") { Description = "Also withdraw the validator's commission (the --from key must be its operator)" };
        return new StakingTxOptions(context).Command(
            "withdraw-rewards",
            "Withdraw the --from key's rewards from one validator",
            [validator, commission],
            (parse, signer, _) =>
            {
                var val = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address");
                var messages = new List<IMessage> { new MsgWithdrawDelegatorReward { DelegatorAddress = signer.Account, ValidatorAddress = val } };
                if (parse.GetValue(commission))
                {
                    if (val != signer.Operator)
                    {
                        throw new CliException($"--commission: {val} is not operated by the --from key (its validator address is {signer.Operator})");
                    }

                    messages.Add(new MsgWithdrawValidatorCommission { ValidatorAddress = val });
                }

                return Task.FromResult<IReadOnlyList<IMessage>>(messages);
            });
    }

    private Command WithdrawAllRewards()
    {
        var tx = new StakingTxOptions(context);
        return tx.Command(
            "withdraw-all-rewards",
            "Withdraw the --from key's rewards from every validator it delegates to, in one tx (raise --gas for many)",
            [],
            async (parse, signer, ct) =>
            {
                var messages = new List<IMessage>();
                using var node = tx.Broadcast.Client.Connect(parse);
                var query = new Query.QueryClient(node.Channel);
                var request = new QueryDelegatorDelegationsRequest { DelegatorAddress = signer.Account, Pagination = new PageRequest { Limit = PageLimit } };
                do
                {
                    var page = await node.CallAsync(o => query.DelegatorDelegationsAsync(request, o), ct);
                    messages.AddRange(page.Delegations.Select(d => new MsgWithdrawDelegatorReward { DelegatorAddress = signer.Account, ValidatorAddress = d.Delegation.ValidatorAddress }));
                    request.Pagination.Key = page.Pagination?.NextKey ?? ByteString.Empty;
                }
                while (!request.Pagination.Key.IsEmpty);

                return messages.Count == 0 ? throw new CliException($"{signer.Account} has no delegations: there are no rewards to withdraw") : messages;
            });
    }

    private Command FundCommunityPool()
    {
        var amount = new Argument<string>("amount") { Description = "Amount in uchn, e.g. 1000000, 1000000uchn or 1chn" };
        return new StakingTxOptions(context).Command(
            "fund-community-pool",
            "Give uchn of the --from key to the community pool",
            [amount],
            (parse, signer) => new MsgFundCommunityPool { Depositor = signer.Account, Amount = StakingInput.Amount(parse.GetRequiredValue(amount), "amount") });
    }
}
