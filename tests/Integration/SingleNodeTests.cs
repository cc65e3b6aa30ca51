using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Chain.Integration.Tests;

public sealed class SingleNodeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "chaind-it-" + Guid.NewGuid().ToString("N"));

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
    public async Task Thousand_transfers_commit_and_survive_a_SIGKILL()
    {
        const int senders = 8;
        const int perSender = 125;
        const ulong initial = 10_000_000_000;
        var (code, text) = ChaindProcess.Run("init", "--home", _home, "--chain-id", "itest-1", "--moniker", "it", "--keyring-backend", "test");
        Assert.True(code == 0, text);

        // Fund the senders in genesis.
        var keys = Enumerable.Range(0, senders).Select(_ => PrivateKey.Generate()).ToArray();
        var recipients = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate().Address).ToArray();
        var genesisPath = Path.Combine(_home, "config", "genesis.json");
        var genesis = GenesisFile.Load(genesisPath);
        foreach (var k in keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = initial } } });
        }

        NoInflation.Apply(genesis);
        GenesisFile.Write(genesisPath, genesis);
        var supplyAtGenesis = BankGenesis.Section(genesis).Balances.Aggregate(0UL, (s, b) => s + b.Coins.Single().Amount);

        using var node = new ChaindProcess(_home);
        node.Start();
        await node.WaitForHeight(1, TimeSpan.FromSeconds(60));
        using var channel = node.Channel();
        var txClient = new Service.ServiceClient(channel);
        var bank = new Query.QueryClient(channel);

        // Each sender sends its txs in sequence order; senders run side by side.
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2000 } }, GasLimit = 200_000 };
        var hashes = new List<byte[]>[senders];
        var sent = new ulong[recipients.Length];
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async s =>
        {
            hashes[s] = new List<byte[]>();
            var account = await bank.AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(keys[s].Address) });
            for (var i = 0; i < perSender; i++)
            {
                var to = (s + i) % recipients.Length;
                var amount = (ulong)(1 + i);
                lock (sent)
                {
                    sent[to] += amount;
                }

                var msg = new MsgSend { FromAddress = Address.ToBech32(keys[s].Address), ToAddress = Address.ToBech32(recipients[to]), Amount = { new Coin { Denom = "uchn", Amount = amount } } };
                var tx = TxFactory.Sign(keys[s], "itest-1", account.Account.AccountNumber, (ulong)i, fee, [msg]);
                var response = await txClient.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Sync });
                Assert.True(response.Result.Code == 0, $"sender {s} tx {i}: code {response.Result.Code} {response.Result.Log}");
                hashes[s].Add(response.TxHash.ToByteArray());
            }
        }));

        // Every tx is included with code 0.
        var all = hashes.SelectMany(h => h).ToList();
        Assert.Equal(senders * perSender, all.Count);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var pending = new List<byte[]>(all);
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            var still = new List<byte[]>();
            foreach (var h in pending)
            {
                try
                {
                    var r = await txClient.GetTxAsync(new GetTxRequest { TxHash = ByteString.CopyFrom(h) });
                    Assert.True(r.Result.Code == 0, $"tx {Convert.ToHexString(h)}: {r.Result.Log}");
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
                {
                    still.Add(h);
                }
            }

            pending = still;
            if (pending.Count > 0)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(pending.Count == 0, $"{pending.Count} txs were not committed:\n{node.Output}");

        // Balances and supply are exact.
        for (var s = 0; s < senders; s++)
        {
            var spent = Enumerable.Range(0, perSender).Aggregate(0UL, (acc, i) => acc + (ulong)(1 + i)) + perSender * 2000UL;
            var b = await bank.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(keys[s].Address) });
            Assert.Equal(initial - spent, b.Balance.Amount);
        }

        for (var r = 0; r < recipients.Length; r++)
        {
            var b = await bank.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(recipients[r]) });
            Assert.Equal(sent[r], b.Balance.Amount);
        }

        var supply = await bank.SupplyAsync(new QuerySupplyRequest { Denom = "uchn" });
        Assert.Equal(supplyAtGenesis, supply.Amount.Amount);

        // Each block's last_commit carries +2/3 of the genesis validators' power for the previous block
        // (listed in genesis.json, or made by its gen txs).
        var validators = Chain.Consensus.Validators.ConsensusValidatorSet.Create(GenTxCollector.Validators(genesis).Select(v =>
        {
            var pub = Convert.FromHexString(v.PublicKey);
            return new Chain.Consensus.Validators.ValidatorUpdate(Address.FromPublicKey(pub), pub, v.Power);
        }));
        var latest = await new Blocks.BlocksClient(channel).GetBlockAsync(new GetBlockRequest());
        var previous = await new Blocks.BlocksClient(channel).GetBlockAsync(new GetBlockRequest { Height = latest.Block.Header.Height - 1 });
        var verified = new Chain.Consensus.Commits.CommitVerifier(new Chain.Consensus.Signing.Secp256k1SignatureVerifier())
            .Verify("itest-1", validators, previous.Block.Header.Height, previous.BlockId, latest.Block.LastCommit);
        Assert.True(verified.IsValid, verified.Message);
        Assert.Equal(previous.BlockId, latest.Block.Header.LastBlockId);

        // Kill -9 and restart: the committed chain is intact.
        var before = await new Status.StatusClient(channel).GetStatusAsync(new StatusRequest());
        var blocks = new Blocks.BlocksClient(channel);
        var blockBefore = await blocks.GetBlockAsync(new GetBlockRequest { Height = before.LatestHeight });
        var balancesBefore = new List<ulong>();
        foreach (var k in keys.Select(k => k.Address).Concat(recipients))
        {
            balancesBefore.Add((await bank.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(k) })).Balance.Amount);
        }

        node.KillHard();
        output.WriteLine($"killed at height {before.LatestHeight}, app hash {Convert.ToHexString(before.LatestAppHash.Span)}");

        using var restarted = new ChaindProcess(_home);
        restarted.Start(timeoutCommit: "10m");
        var after = await restarted.WaitForHeight(before.LatestHeight, TimeSpan.FromSeconds(60));
        Assert.InRange(after.LatestHeight, before.LatestHeight, before.LatestHeight + 2);
        using var channel2 = restarted.Channel();
        var blockAfter = await new Blocks.BlocksClient(channel2).GetBlockAsync(new GetBlockRequest { Height = before.LatestHeight });
        Assert.Equal(blockBefore.BlockId, blockAfter.BlockId);
        Assert.Equal(blockBefore.Block.Header.AppHash, blockAfter.Block.Header.AppHash);
        if (after.LatestHeight == before.LatestHeight)
        {
            Assert.Equal(before.LatestAppHash, after.LatestAppHash);
        }
        else
        {
            var next = await new Blocks.BlocksClient(channel2).GetBlockAsync(new GetBlockRequest { Height = before.LatestHeight + 1 });
            Assert.Equal(before.LatestAppHash, next.Block.Header.AppHash);
        }

        var bank2 = new Query.QueryClient(channel2);
        var i2 = 0;
        foreach (var k in keys.Select(k => k.Address).Concat(recipients))
        {
            Assert.Equal(balancesBefore[i2++], (await bank2.BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(k) })).Balance.Amount);
        }

        Assert.Equal(supplyAtGenesis, (await bank2.SupplyAsync(new QuerySupplyRequest { Denom = "uchn" })).Amount.Amount);
    }
}
