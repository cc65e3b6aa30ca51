using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind tx slashing unjail`: the validator is the --from key's own (chainvaloper... of the same 20 bytes).</summary>
internal sealed class SlashingTxCommand(CliContext context)
{
    public Command Build()
    {
        var slashing = new Command(SlashingCli.GroupName, "Slashing transactions");
        slashing.Add(new StakingTxOptions(context).Command(
            "unjail",
            "Bring the --from key's jailed validator back once its jail time is over",
            [],
            (_, signer) => new MsgUnjail { ValidatorAddress = signer.Operator }));
        return slashing;
    }
}
