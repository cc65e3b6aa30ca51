using System.Globalization;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Node.Tests.Hosting;

/// <summary>The node's gRPC services and mempool, through a real node; each test has its own sender.</summary>
public sealed class RunningNodeTests(TestNode node) : IClassFixture<TestNode>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private Service.ServiceClient Txs => new(node.Channel);

    private PrivateKey Key(string name)
    {
        node.FundedKey(name);
        return new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey(name);
    }

    private async Task<ulong> AccountNumber(byte[] address) =>
        (await new Query.QueryClient(node.Channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(address) })).Account.AccountNumber;

    private async Task<byte[]> SignedSend(PrivateKey key, ulong sequence, ulong amount, ulong gasLimit = 200_000)
    {
        var msg = new MsgSend { FromAddress = Address.ToBech32(key.Address), ToAddress = Address.ToBech32(PrivateKey.Generate().Address) };
        msg.Amount.Add(new Coin { Denom = "uchn", Amount = amount });
        var fee = new Fee { GasLimit = gasLimit };
        fee.Amount.Add(new Coin { Denom = "uchn", Amount = 2000 });
        return TxFactory.Sign(key, node.ChainId, await AccountNumber(key.Address), sequence, fee, [msg]).ToByteArray();
    }

    private Task<BroadcastTxResponse> Broadcast(byte[] tx, BroadcastMode mode = BroadcastMode.Sync) =>
        Txs.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = ByteString.CopyFrom(tx), Mode = mode }, deadline: DateTime.UtcNow + Wait).ResponseAsync;

    private async Task<GetTxResponse> Committed(byte[] hash)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                return await Txs.GetTxAsync(new GetTxRequest { TxHash = ByteString.CopyFrom(hash) });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TestNode.BlockTime / 2);
            }
        }
    }

    /// <summary>
    /// Status read the height, the block and the app hash apart, so a call during a commit could pair height h with
    /// block h+1's hash (a perturbation run saw "height 5 committed twice" from it). Polled while blocks commit, each
    /// status's hash is the hash of the block at its height and its app hash the one the next block carries.
    /// </summary>
    [Fact]
    public async Task Status_pairs_the_latest_height_with_that_blocks_hash_and_app_hash_while_blocks_commit()
    {
        var status = new Chain.Proto.NodeService.Status.StatusClient(node.Channel);
        var blocks = new Blocks.BlocksClient(node.Channel);
        var start = (await node.StatusAsync()).LatestHeight;
        var seen = new List<StatusResponse>();
        while (seen.Count < 2_000 && (seen.Count == 0 || seen[^1].LatestHeight < start + 4))
        {
            seen.Add(await status.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        }

        await node.WaitForHeightAsync(seen[^1].LatestHeight + 1);
        foreach (var s in seen.DistinctBy(s => Convert.ToHexString(s.LatestBlockHash.Span)))
        {
            var block = await blocks.GetBlockAsync(new GetBlockRequest { Height = s.LatestHeight });
            Assert.Equal(Convert.ToHexString(block.BlockId.Hash.Span), Convert.ToHexString(s.LatestBlockHash.Span));
            var next = await blocks.GetBlockAsync(new GetBlockRequest { Height = s.LatestHeight + 1 });
            Assert.Equal(Convert.ToHexString(next.Block.Header.AppHash.Span), Convert.ToHexString(s.LatestAppHash.Span));
        }
    }

    [Fact]
    public async Task Simulate_reports_gas_and_changes_nothing()
    {
        var key = Key("simulator");
        var before = await new Query.QueryClient(node.Channel).BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(key.Address), Denom = "uchn" });
        var tx = await SignedSend(key, 0, 10);
        var sim = await Txs.SimulateAsync(new SimulateRequest { TxBytes = ByteString.CopyFrom(tx) });
        Assert.True(sim.Result.Code == 0, sim.Result.Log);
        Assert.InRange(sim.Result.GasUsed, 1UL, sim.Result.GasWanted);
        Assert.Contains(sim.Result.Events, e => e.Type == "bank.transfer");

        // Nothing was committed or spent: the same tx still goes through afterwards.
        var after = await new Query.QueryClient(node.Channel).BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(key.Address), Denom = "uchn" });
        Assert.Equal(before.Balance.Amount, after.Balance.Amount);
        Assert.Equal(0u, (await Broadcast(tx)).Result.Code);

        var garbage = await Txs.SimulateAsync(new SimulateRequest { TxBytes = ByteString.CopyFrom(new byte[] { 1, 2, 3 }) });
        Assert.Equal(TxCodes.TxDecode, garbage.Result.Code);
    }

    [Fact]
    public async Task Simulate_refuses_a_gas_limit_above_the_blocks_max_gas()
    {
        var key = Key("greedy-simulator");
        var tx = await SignedSend(key, 0, 10, gasLimit: Chain.Node.Genesis.DefaultGenesis.BlockMaxGas + 1);
        var sim = await Txs.SimulateAsync(new SimulateRequest { TxBytes = ByteString.CopyFrom(tx) });
        Assert.Equal(TxCodes.InvalidGasLimit, sim.Result.Code);
        Assert.Contains($"block's max gas {Chain.Node.Genesis.DefaultGenesis.BlockMaxGas}", sim.Result.Log, StringComparison.Ordinal);
        Assert.Equal(0UL, sim.Result.GasUsed);
    }

    [Fact]
    public async Task Events_stream_delivers_the_transfer_of_a_committed_send()
    {
        var key = Key("events-sender");
        using var cts = new CancellationTokenSource(Wait);
        using var call = new Proto.NodeService.Events.EventsClient(node.Channel).Subscribe(new SubscribeRequest(), cancellationToken: cts.Token);
        var stream = call.ResponseStream;

        // A first new_block shows the subscription is live before the tx is sent.
        while (await stream.MoveNext(cts.Token) && stream.Current.Event.Type != "new_block")
        {
        }

        var tx = await SignedSend(key, 0, 777);
        var hash = TxFactory.Hash(tx);
        var sent = await Broadcast(tx);
        Assert.Equal(0U, sent.Result.Code);

        EventMessage? transfer = null;
        while (transfer is null && await stream.MoveNext(cts.Token))
        {
            if (stream.Current.Event.Type == "bank.transfer" && stream.Current.TxHash.Span.SequenceEqual(hash))
            {
                transfer = stream.Current;
            }
        }

        Assert.NotNull(transfer);
        var attributes = transfer.Event.Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal(Address.ToBech32(key.Address), attributes["sender"]);
        Assert.Equal("777uchn", attributes["amount"]);
        Assert.Equal((await Committed(hash)).Result.Height, transfer.Height);
    }

    [Fact]
    public async Task Subscribe_with_a_type_filter_gets_only_that_type()
    {
        using var cts = new CancellationTokenSource(Wait);
        using var call = new Proto.NodeService.Events.EventsClient(node.Channel).Subscribe(
            new SubscribeRequest { EventTypes = { "new_block" } }, cancellationToken: cts.Token);

        var heights = new List<ulong>();
        while (heights.Count < 2 && await call.ResponseStream.MoveNext(cts.Token))
        {
            Assert.Equal("new_block", call.ResponseStream.Current.Event.Type);
            heights.Add(call.ResponseStream.Current.Height);
        }

        Assert.Equal(heights[0] + 1, heights[1]);
    }

    [Fact]
    public async Task Garbage_tx_bytes_get_code_2_and_the_node_keeps_committing()
    {
        var before = (await node.StatusAsync()).LatestHeight;

        var response = await Broadcast([0xff, 0x01, 0x02, 0x03, 0x04, 0xde, 0xad]);

        Assert.Equal(TxCodes.TxDecode, response.Result.Code);
        Assert.NotEmpty(response.Result.Log);
        await node.WaitForHeightAsync(before + 2, Wait);
        Assert.Equal(0U, (await node.StatusAsync()).MempoolSize);
    }

    [Fact]
    public async Task Same_tx_twice_is_refused_while_pending_and_after_commit()
    {
        var key = Key("duplicate-sender");
        var tx = await SignedSend(key, 0, 5);

        var first = await Broadcast(tx);
        var second = await Broadcast(tx);

        Assert.Equal(0U, first.Result.Code);
        Assert.Equal(TxCodes.TxInMempoolCache, second.Result.Code);
        Assert.Contains("already", second.Result.Log);
        Assert.Equal(0U, (await Committed(TxFactory.Hash(tx))).Result.Code);

        var third = await Broadcast(tx);
        Assert.Equal(TxCodes.TxInMempoolCache, third.Result.Code);
        Assert.Contains("already committed", third.Result.Log);
        var account = await new Query.QueryClient(node.Channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(key.Address) });
        Assert.Equal(1UL, account.Account.Sequence);
    }

    [Fact]
    public async Task Three_sequences_sent_back_to_back_all_commit()
    {
        var from = node.FundedKey("sequence-sender");
        var to = Address.ToBech32(PrivateKey.Generate().Address);
        var number = (await node.Cli("query", "bank", "account", from)).Number("account_number").ToString(CultureInfo.InvariantCulture);

        var hashes = new List<string>();
        for (var sequence = 0; sequence < 3; sequence++)
        {
            var run = await node.Cli(
                "tx", "bank", "send", "sequence-sender", to, "100uchn",
                "--sequence", sequence.ToString(CultureInfo.InvariantCulture), "--account-number", number, "--chain-id", node.ChainId);
            Assert.True(run.ExitCode == 0, $"sequence {sequence}: {run.Output}{run.Error}");
            hashes.Add(run.Field("txhash"));
        }

        foreach (var hash in hashes)
        {
            Assert.Equal(0U, (await Committed(Convert.FromHexString(hash))).Result.Code);
        }

        var account = await node.Cli("query", "bank", "account", from);
        var balance = await node.Cli("query", "bank", "balance", to);
        Assert.Equal(3UL, account.Number("sequence"));
        Assert.Equal("300uchn", balance.Field("balance"));
    }

    [Fact]
    public async Task Commit_mode_send_waits_for_its_block()
    {
        var key = Key("commit-grpc-sender");
        var tx = await SignedSend(key, 0, 9);

        var response = await Broadcast(tx, BroadcastMode.Commit);

        Assert.Equal(0U, response.Result.Code);
        Assert.True(response.Height >= 1);
        Assert.Equal(response.Height, (await Txs.GetTxAsync(new GetTxRequest { TxHash = response.TxHash })).Result.Height);
    }

    [Fact]
    public async Task Resending_a_pending_tx_in_commit_mode_does_not_cut_off_the_first_wait()
    {
        var key = Key("commit-twice-sender");

        // The resend must reach the node while the first tx is still in the mempool; a block can come first, so try a few txs.
        var pendingResends = 0;
        for (ulong sequence = 0; sequence < 10 && pendingResends == 0; sequence++)
        {
            var tx = await SignedSend(key, sequence, 11);
            var first = Broadcast(tx, BroadcastMode.Commit);
            var deadline = DateTime.UtcNow + Wait;
            while (!first.IsCompleted && (await node.StatusAsync()).MempoolSize == 0 && DateTime.UtcNow < deadline)
            {
            }

            var second = await Broadcast(tx, BroadcastMode.Commit);
            var committed = await first;

            Assert.Equal(TxCodes.TxInMempoolCache, second.Result.Code);
            Assert.Equal(0U, committed.Result.Code);
            Assert.True(committed.Height >= 1);
            if (second.Result.Log == "tx is already in the mempool")
            {
                pendingResends++;
            }
        }

        Assert.Equal(1, pendingResends);
    }
}
