using System.CommandLine;
using Chain.Client.Cli;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind genesis collect-gentxs`: reads every gentx file (*.json) in config/gentx (or --gentx-dir), checks each
/// decodes and is signed for the genesis's chain id and that its operator is funded, and writes them to genesis.json's
/// gen_txs sorted by operator address, clearing `validators`: the chain makes its validators from the gen txs.
/// </summary>
internal sealed class CollectGentxsCommand
{
    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;

    public CollectGentxsCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
    }

    public Command Build()
    {
        var directory = new Option<string?>("--gentx-dir") { Description = "Directory of the gentx files (default: <home>/config/gentx)" };
        var command = new Command("collect-gentxs", "Put every gentx file into genesis.json's gen_txs and clear its validators list") { directory };
        command.SetAction(_handler.Wrap((parse, _) => Task.FromResult(Run(new NodeHome(parse.GetRequiredValue(_home)), parse.GetValue(directory)))));
        return command;
    }

    private int Run(NodeHome home, string? directoryOption)
    {
        var genesis = GenesisCommand.LoadDraft(home);
        var directory = Path.GetFullPath(directoryOption ?? home.GenTxDirectory);
        if (!Directory.Exists(directory))
        {
            throw new CliException($"gentx directory {directory} does not exist; write a gentx with `chaind genesis gentx` or pass --gentx-dir");
        }

        var files = Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new CliException($"no gentx files (*.json) in {directory}; write one with `chaind genesis gentx`");
        }

        var gentxs = files.Select(f => (Path.GetFileName(f), GenTxFile.Read(f, genesis.ChainId))).ToArray();
        var collected = GenTxCollector.Collect(genesis, gentxs);
        GenesisRules.Validate(genesis);
        GenesisFile.Write(home.GenesisFile, genesis);

        var output = _environment.Output;
        output.WriteLine($"Collected {collected.Count} gentxs from {directory} into {home.GenesisFile} (its validators list is cleared; the gen txs make the validators):");
        foreach (var gentx in collected)
        {
            output.WriteLine($"  {gentx.ValidatorAddress} {gentx.Moniker}: self-delegation {gentx.SelfDelegation}uchn, power {gentx.Power}");
        }

        if (!GenTx.IsHandledBy(ModuleCatalog.Create()))
        {
            _environment.Error.WriteLine(
                $"Warning: this chaind's modules do not handle {GenTx.TypeUrl} yet (the staking module has not landed), so a node refuses this genesis at start");
        }

        GenesisCommand.WarnIfStarted(_environment, home);
        return 0;
    }
}
