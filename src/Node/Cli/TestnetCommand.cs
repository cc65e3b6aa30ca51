using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Consensus.Options;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.P2p.Identity;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind testnet init`: N validator homes under one directory, sharing one genesis built as a real network's is
/// (each operator funded, a gentx per node with equal self-delegation, collected into gen_txs; see
/// <see cref="DefaultGenesis"/>; the gentx files in &lt;output&gt;/gentxs), each with its own loopback ports and every
/// other node as a persistent peer.
/// </summary>
internal sealed class TestnetCommand
{
    /// <summary>Node i uses base + 10 i for p2p, + 1 for gRPC and + 2 for metrics.</summary>
    public const int PortsPerNode = 10;

    public const int DefaultBasePort = 26600;
    public const int MaxValidators = 100;
    public const string DefaultChainId = "chain-testnet";
    public const string DefaultOutput = "testnet/.homes";

    /// <summary>Round timeouts for a network on one machine: blocks about every half second.</summary>
    public static readonly ConsensusOptions FastConsensus = new()
    {
        TimeoutPropose = TimeSpan.FromSeconds(1),
        TimeoutProposeDelta = TimeSpan.FromMilliseconds(200),
        TimeoutPrevote = TimeSpan.FromMilliseconds(500),
        TimeoutPrevoteDelta = TimeSpan.FromMilliseconds(100),
        TimeoutPrecommit = TimeSpan.FromMilliseconds(500),
        TimeoutPrecommitDelta = TimeSpan.FromMilliseconds(100),
        TimeoutCommit = TimeSpan.FromMilliseconds(500),
    };

    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;

    public TestnetCommand(CliEnvironment environment, CommandHandler handler)
    {
        _environment = environment;
        _handler = handler;
    }

    public Command Build()
    {
        var validators = new Option<int>("--validators")
        {
            Description = $"Number of validator nodes (1 to {MaxValidators})",
            DefaultValueFactory = _ => 4,
        };
        var output = new Option<string>("--output")
        {
            Description = "Directory that receives one home per node (node0, node1, ...)",
            DefaultValueFactory = _ => DefaultOutput,
        };
        var chainId = new Option<string>("--chain-id")
        {
            Description = "Chain id written to the shared genesis.json",
            DefaultValueFactory = _ => DefaultChainId,
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = $"First port: node i listens for peers on base + {PortsPerNode} i, gRPC on + 1, metrics on + 2",
            DefaultValueFactory = _ => DefaultBasePort,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the config, genesis and keys of existing homes" };
        var init = new Command("init", "Write N validator homes with one genesis, distinct loopback ports and each other as persistent peers")
        {
            validators,
            output,
            chainId,
            basePort,
            overwrite,
        };
        init.SetAction(_handler.Wrap((parse, _) => Task.FromResult(Init(
            parse.GetValue(validators),
            parse.GetRequiredValue(output),
            parse.GetRequiredValue(chainId),
            parse.GetValue(basePort),
            parse.GetValue(overwrite)))));
        return new Command("testnet", "A local network of validators on this machine") { init };
    }

    /// <summary>The config of node <paramref name="index"/> of <paramref name="count"/>, given every node's id.</summary>
    public static NodeConfig NodeConfigFor(int index, int basePort, IReadOnlyList<NodeId> nodeIds)
    {
        var peers = new List<string>();
        for (var j = 0; j < nodeIds.Count; j++)
        {
            if (j != index)
            {
                peers.Add(new PeerAddress(nodeIds[j], Loopback(P2pPort(basePort, j))).ToString());
            }
        }

        var defaults = new NodeConfig();
        return defaults with
        {
            Moniker = NodeName(index),
            Client = new ClientDefaults { KeyringBackend = KeyringBackend.Test },
            Grpc = defaults.Grpc with { Address = Loopback(P2pPort(basePort, index) + 1) },
            Metrics = defaults.Metrics with { Address = Loopback(P2pPort(basePort, index) + 2) },
            P2p = defaults.P2p with
            {
                ListenAddress = Loopback(P2pPort(basePort, index)),
                PersistentPeers = peers,
                DialBackoffMin = TimeSpan.FromMilliseconds(250),
                DialBackoffMax = TimeSpan.FromSeconds(5),
            },
            Consensus = FastConsensus,
        };
    }

    /// <summary>
    /// Where testnet init writes every node's gentx, gentx-&lt;node id&gt;.json: the directory
    /// `chaind genesis collect-gentxs --gentx-dir` reads to make the same gen_txs again. Its gentx files are replaced.
    /// </summary>
    public static string GenTxDirectory(string outputDirectory) => Path.GetFullPath(Path.Combine(outputDirectory, "gentxs"));

    public static string NodeName(int index) => "node" + index.ToString(CultureInfo.InvariantCulture);

    public static int P2pPort(int basePort, int index) => basePort + (PortsPerNode * index);

    private static EndpointAddress Loopback(int port) => new("127.0.0.1", port);

    private int Init(int count, string outputDirectory, string chainId, int basePort, bool overwrite)
    {
        if (count is < 1 or > MaxValidators)
        {
            throw new CliException($"--validators {count}: expected 1 to {MaxValidators}");
        }

        var lastPort = P2pPort(basePort, count - 1) + 2;
        if (basePort < 1024 || lastPort > 65535)
        {
            throw new CliException(
                $"--base-port {basePort}: {count} nodes need ports {basePort} to {lastPort}; choose a base from 1024 to {65535 - (PortsPerNode * (count - 1)) - 2}");
        }

        InitCommand.CheckChainId(chainId);
        var homes = Enumerable.Range(0, count).Select(i => new NodeHome(Path.Combine(outputDirectory, NodeName(i)))).ToArray();
        if (!overwrite)
        {
            foreach (var home in homes)
            {
                var existing = HomeKeys.ExistingNodeFiles(home);
                if (existing.Length > 0)
                {
                    throw new CliException(
                        $"{home.Root} already holds a node ({string.Join(", ", existing)}); pass --overwrite to replace the testnet's config, genesis and keys");
                }
            }
        }

        // A testnet's keys are test keys: unencrypted in keyring/, so its scripts and agents sign without a passphrase.
        var keys = homes.Select(h => HomeKeys.Create(h, overwrite, new Keyring(h.KeyringDirectory))).ToArray();
        var (genesis, gentxs) = DefaultGenesis.Create(
            chainId,
            keys.Select((k, i) => new GenesisOperator(k.AccountKey, k.ValidatorKey.PublicKey, NodeName(i))).ToArray(),
            _environment.Time.GetUtcNow());

        // The testnet profile: unbonding, jail and the liveness window in minutes and seconds (docs/staking.md).
        State.Modules.AppStateSections.Update<Proto.Staking.GenesisState>(genesis, Modules.Staking.StakingModule.ModuleName, Modules.Staking.Params.StakingParams.ApplyTestnetProfile);

        // Work: receipts every 10 blocks of a product any CPU computes in milliseconds, and a tenth of minting for verified work (docs/work.md).
        State.Modules.AppStateSections.Update<Proto.Work.GenesisState>(genesis, Modules.Work.WorkModule.ModuleName, w => Modules.Work.Params.WorkParams.ApplyTestnetProfile(w.Params));
        State.Modules.AppStateSections.Update<Proto.Staking.GenesisState>(genesis, Modules.Staking.StakingModule.ModuleName, s => s.Mint.Params.WorkRewardShare = Modules.Work.Params.WorkParams.TestnetWorkRewardShare);
        GenesisRules.Validate(genesis);
        var nodeIds = keys.Select(k => NodeId.FromPublicKey(k.NodeKey.PublicKey)).ToArray();

        var output = _environment.Output;
        output.WriteLine($"Initialized a {count}-validator testnet on chain {chainId} in {Path.GetFullPath(outputDirectory)}");
        var gentxDirectory = GenTxDirectory(outputDirectory);
        if (Directory.Exists(gentxDirectory))
        {
            foreach (var stale in Directory.GetFiles(gentxDirectory, "gentx-*.json"))
            {
                File.Delete(stale);
            }
        }

        output.WriteLine(
            $"  validators: a gentx per node self-delegating {DefaultGenesis.SelfDelegation}uchn (power {DefaultGenesis.ValidatorPower} each), in {gentxDirectory}{InitCommand.ValidatorsNote(genesis)}");
        output.WriteLine("  staking: testnet profile (unbonding 120 s, jail 20 s); never use it for a real network");
        for (var i = 0; i < count; i++)
        {
            var config = NodeConfigFor(i, basePort, nodeIds);
            GenesisFile.Write(homes[i].GenesisFile, genesis);
            GenTxFile.Write(
                GenTxFile.PathFor(gentxDirectory, nodeIds[i].ToString()),
                gentxs.Single(g => g.Operator.AsSpan().SequenceEqual(keys[i].AccountKey.Address)));
            NodeConfigWriter.Write(homes[i].ConfigFile, config);
            output.WriteLine(
                $"  {config.Moniker}: home {homes[i].Root}, node id {nodeIds[i]}, p2p {config.P2p.ListenAddress}, gRPC {config.Grpc.Address}, metrics {config.Metrics.Address}, account {keys[i].Account.Address}");
            if (Directory.EnumerateFileSystemEntries(homes[i].DataDirectory).Any())
            {
                _environment.Error.WriteLine($"Warning: {homes[i].DataDirectory} still holds data from before; remove it before starting the testnet");
            }
        }

        output.WriteLine("Start each node with: chaind start --home <home>");
        return 0;
    }
}
