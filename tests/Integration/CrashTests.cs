using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Storage;
using Chain.State.Transactions;
using Chain.State.Tree;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Chain.Integration.Tests;

/// <summary>
/// A real chaind killed between writing the state tree's nodes and committing the block (the test-only
/// <see cref="CommitFault"/> hook: the nodes of block K are written and synced on their own, then the process
/// SIGKILLs itself), restarted without the hook.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const ulong KillHeight = 40;
    private const ulong Initial = 10_000_000_000;
    private readonly string _home = Path.Combine(Path.GetTempPath(), "chaind-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_after_writing_tree_nodes_the_node_reopens_at_the_last_committed_block_with_its_root()
    {
        var (code, text) = ChaindProcess.Run("init", "--home", _home, "--chain-id", "crash-1", "--moniker", "crash", "--keyring-backend", "test");
        Assert.True(code == 0, text);
        var sender = PrivateKey.Generate();
        var recipient = PrivateKey.Generate().Address;
        var genesisPath = Path.Combine(_home, "config", "genesis.json");
        var genesis = GenesisFile.Load(genesisPath);
        BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(sender.Address), Coins = { new Coin { Denom = "uchn", Amount = Initial } } });
        NoInflation.Apply(genesis);
        GenesisFile.Write(genesisPath, genesis);
        var supply = BankGenesis.Section(genesis).Balances.Aggregate(0UL, (s, b) => s + b.Coins.Single().Amount);
        var keep = new Dictionary<string, string> { ["CHAIND_STATE_KEEP_VERSIONS"] = "3" };
        var withFault = new Dictionary<string, string>(keep) { [CommitFault.EnvironmentVariable] = KillHeight.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        // Run 1: a few transfers land early; the node kills itself while committing block KillHeight.
        StatusResponse beforeCrash;
        GetBlockResponse blockBeforeCrash;
        ulong sent = 0;
        using (var node = new ChaindProcess(_home))
        {
            node.Start(timeoutCommit: "250ms", environment: withFault);
            await node.WaitForHeight(1, TimeSpan.FromSeconds(60));
            using var channel = node.Channel();
            sent = await SendAndWait(channel, sender, recipient, first: 0, count: 3);
            var included = await node.WaitForHeight(1, TimeSpan.FromSeconds(10));
            Assert.True(included.LatestHeight < KillHeight - 1, $"the transfers landed too late (height {included.LatestHeight}); the crash test needs blocks after them");

            beforeCrash = await new Status.StatusClient(channel).GetStatusAsync(new StatusRequest());
            blockBeforeCrash = await new Blocks.BlocksClient(channel).GetBlockAsync(new GetBlockRequest { Height = beforeCrash.LatestHeight });
            var exit = await node.WaitForExit(TimeSpan.FromSeconds(180));
            Assert.True(exit is not null, $"the node did not die at height {KillHeight}:\n{node.Output}");
            Assert.NotEqual(0, exit);
            Assert.Contains(CommitFault.EnvironmentVariable, node.Output);
            output.WriteLine($"died with exit code {exit}; root before the crash {Convert.ToHexString(beforeCrash.LatestAppHash.Span)}");
        }

        byte[] rootAtCrash;

        // The store, as the dead process left it: block KillHeight - 1 is the last committed, and version
        // KillHeight's tree nodes are on disk without their root record.
        using (var store = new RocksDbKeyValueStore(Path.Combine(_home, "data", "state.db")))
        {
            var tree = new JellyfishMerkleTree(store, new StateTreeOptions { KeepVersions = 3 });
            Assert.Equal(KillHeight - 1, tree.LatestVersion);
            Assert.Equal(KillHeight - 1, new Chain.State.Blocks.BlockStore(store).LatestHeight);
            rootAtCrash = tree.RootHash(KillHeight - 1);
            using var batch = store.CreateBatch();
            Assert.True(tree.DiscardUncommitted(batch) > 0, "the fault hook should have left version KillHeight's nodes in the store");
        }

        // Run 2, without the hook: it reopens at KillHeight - 1 with the same root and keeps committing.
        using var restarted = new ChaindProcess(_home);
        restarted.Start(timeoutCommit: "250ms", environment: keep);
        await restarted.WaitForHeight(KillHeight - 1, TimeSpan.FromSeconds(60));
        using var channel2 = restarted.Channel();
        var blocks = new Blocks.BlocksClient(channel2);
        Assert.Equal(blockBeforeCrash.BlockId, (await blocks.GetBlockAsync(new GetBlockRequest { Height = blockBeforeCrash.Block.Header.Height })).BlockId);
        await restarted.WaitForHeight(KillHeight + 2, TimeSpan.FromSeconds(60));
        var replayed = await blocks.GetBlockAsync(new GetBlockRequest { Height = KillHeight });
        // Block KillHeight, executed again after the restart, carries the root the dead process had committed for KillHeight - 1.
        Assert.Equal(rootAtCrash, replayed.Block.Header.AppHash.ToByteArray());

        // State goes on changing and pruning over the versions the dead attempt wrote nodes for.
        sent += await SendAndWait(channel2, sender, recipient, first: 3, count: 2);
        var bank = new Query.QueryClient(channel2);
        Assert.Equal(sent, (await bank.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(recipient) })).Balance.Amount);
        Assert.Equal(Initial - sent - (5 * 2000UL), (await bank.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(sender.Address) })).Balance.Amount);
        Assert.Equal(supply, (await bank.SupplyAsync(new QuerySupplyRequest { Denom = "uchn" })).Amount.Amount);
        var after = await restarted.WaitForHeight(KillHeight + 6, TimeSpan.FromSeconds(60));
        Assert.NotEqual(beforeCrash.LatestAppHash, after.LatestAppHash);
    }

    /// <summary>Sends <paramref name="count"/> transfers with sequences from <paramref name="first"/> and waits until each is committed with code 0; returns the amount sent.</summary>
    private static async Task<ulong> SendAndWait(Grpc.Net.Client.GrpcChannel channel, PrivateKey sender, byte[] recipient, int first, int count)
    {
        var txClient = new Service.ServiceClient(channel);
        var bank = new Query.QueryClient(channel);
        var account = await bank.AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(sender.Address) });
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2000 } }, GasLimit = 200_000 };
        var hashes = new List<ByteString>();
        ulong total = 0;
        for (var i = first; i < first + count; i++)
        {
            var amount = (ulong)(100 + i);
            total += amount;
            var msg = new MsgSend { FromAddress = Address.ToBech32(sender.Address), ToAddress = Address.ToBech32(recipient), Amount = { new Coin { Denom = "uchn", Amount = amount } } };
            var tx = TxFactory.Sign(sender, "crash-1", account.Account.AccountNumber, (ulong)i, fee, [msg]);
            var response = await txClient.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Sync });
            Assert.True(response.Result.Code == 0, $"tx {i}: code {response.Result.Code} {response.Result.Log}");
            hashes.Add(response.TxHash);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var hash in hashes)
        {
            while (true)
            {
                try
                {
                    var r = await txClient.GetTxAsync(new GetTxRequest { TxHash = hash });
                    Assert.True(r.Result.Code == 0, r.Result.Log);
                    break;
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }

        return total;
    }
}
