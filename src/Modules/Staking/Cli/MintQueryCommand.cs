using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;
using static Chain.Modules.Staking.Cli.StakingText;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind query mint inflation`: the minter's current inflation and annual provisions.</summary>
internal sealed class MintQueryCommand(CliContext context)
{
    public Command Build()
    {
        var mint = new Command(MintCli.GroupName, "Mint queries");
        var inflation = new Command("inflation", "Current inflation and the uchn it mints per year");
        new ClientOptions(context).SetQueryAction(
            inflation,
            _ => new QueryMinterRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).MinterAsync(request, o),
            (_, r) => [("inflation", Dec(r.Minter?.Inflation ?? string.Empty)), ("annual_provisions", Dec(r.Minter?.AnnualProvisions ?? string.Empty) + "uchn"), ("height", N(r.Height))]);
        mint.Add(inflation);
        return mint;
    }
}
