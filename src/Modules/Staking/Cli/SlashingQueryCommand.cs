using System.CommandLine;
using Chain.Client.Cli;
using Chain.Crypto;
using Chain.Proto.Staking;
using static Chain.Modules.Staking.Cli.StakingText;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind query slashing signing-info|signing-infos`: liveness records, by consensus (chainvalcons...) or operator (chainvaloper...) address.</summary>
internal sealed class SlashingQueryCommand(CliContext context)
{
    public Command Build()
    {
        var slashing = new Command(SlashingCli.GroupName, "Slashing queries");
        slashing.Add(SigningInfo());
        slashing.Add(SigningInfos());
        return slashing;
    }

    private static string ValidatorOrConsensusAddress(string text)
    {
        var prefix = text.StartsWith(Address.ValidatorOperatorPrefix, StringComparison.Ordinal) ? Address.ValidatorOperatorPrefix : Address.ValidatorConsensusPrefix;
        return Address.TryFromBech32(text, out _, out var error, prefix)
            ? text
            : throw new CliException($"invalid address '{text}': {error} (give a chainvalcons... or chainvaloper... address)");
    }

    private Command SigningInfo()
    {
        var address = new Argument<string>("address") { Description = "Consensus address (chainvalcons...) or operator address (chainvaloper...)" };
        var command = new Command("signing-info", "A validator's liveness record: missed blocks, jail time, tombstone") { address };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QuerySigningInfoRequest { Address = ValidatorOrConsensusAddress(parse.GetRequiredValue(address)) },
            (node, request, o) => new Query.QueryClient(node.Channel).SigningInfoAsync(request, o),
            (_, r) => [.. SigningInfoLines(r.Info ?? new ValidatorSigningInfo()), ("height", N(r.Height))]);
        return command;
    }

    private Command SigningInfos()
    {
        var command = new Command("signing-infos", "The liveness records of every validator that has been bonded");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QuerySigningInfosRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).SigningInfosAsync(request, o),
            (_, r) => [.. r.Infos.Select(SigningInfoRow), ("height", N(r.Height))]);
        return command;
    }
}
