using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Api;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Node.Tests.Clients;

/// <summary>BroadcastTxs on a real node: each tx answered as a sync BroadcastTx would be, in order, and the batch bounded.</summary>
public sealed class TxApiBatchTests(TestNode node) : IClassFixture<TestNode>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private Service.ServiceClient Txs => new(node.Channel);

    private async Task<(PrivateKey Key, ulong Number)> Funded(string name)
    {
        node.FundedKey(name);
        var key = new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey(name);
        var account = await new Query.QueryClient(node.Channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(key.Address) });
        return (key, account.Account.AccountNumber);
    }

    private ByteString Transfer(PrivateKey key, ulong number, ulong sequence) =>
        TxFactory.Sign(key, node.ChainId, number, sequence, new Fee { GasLimit = 200_000, Amount = { new Coin { Denom = "uchn", Amount = 2000 } } },
            [new MsgSend { FromAddress = Address.ToBech32(key.Address), ToAddress = Address.ToBech32(PrivateKey.Generate().Address), Amount = { new Coin { Denom = "uchn", Amount = 5 } } }])
        .ToByteString();

    private Task<BroadcastTxsResponse> Broadcast(params ByteString[] txs) =>
        Txs.BroadcastTxsAsync(new BroadcastTxsRequest { Txs = { txs } }, deadline: DateTime.UtcNow + Wait).ResponseAsync;

    [Fact]
    public async Task A_batch_is_answered_tx_by_tx_in_its_order_and_a_senders_txs_in_sequence_all_get_in()
    {
        var (key, number) = await Funded("batch-order");
        var first = Transfer(key, number, 0);
        var garbage = ByteString.CopyFrom(0x0a, 0xff, 0x01);

        var response = await Broadcast(first, Transfer(key, number, 1), garbage, first, Transfer(key, number, 7), Transfer(key, number, 2));

        Assert.Equal(6, response.Results.Count);
        Assert.Equal([0u, 0u], response.Results.Take(2).Select(r => r.Result.Code));
        Assert.NotEqual(0u, response.Results[2].Result.Code); // does not decode
        Assert.Equal(TxCodes.TxInMempoolCache, response.Results[3].Result.Code); // the same tx again
        Assert.Equal(TxCodes.InvalidSequence, response.Results[4].Result.Code); // 7 where 2 is next
        Assert.Equal(0u, response.Results[5].Result.Code);
        for (var i = 0; i < response.Results.Count; i++)
        {
            Assert.Equal(32, response.Results[i].TxHash.Length);
        }

        Assert.Equal(TxFactory.Hash(first.ToByteArray()), response.Results[0].TxHash.ToByteArray());
        Assert.Equal(TxFactory.Hash(garbage.ToByteArray()), response.Results[2].TxHash.ToByteArray());

        // Admitted means committed later, like a sync BroadcastTx.
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                var committed = await Txs.GetTxAsync(new GetTxRequest { TxHash = response.Results[5].TxHash });
                Assert.Equal(0u, committed.Result.Code);
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TestNode.BlockTime / 2);
            }
        }
    }

    [Fact]
    public async Task An_empty_batch_and_one_over_the_limit_are_refused_whole_and_admit_nothing()
    {
        var (key, number) = await Funded("batch-limit");
        var empty = await Assert.ThrowsAsync<RpcException>(() => Broadcast());
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);

        var tooMany = Enumerable.Range(0, TxApi.MaxBatchTxs + 1).Select(i => Transfer(key, number, (ulong)i)).ToArray();
        var over = await Assert.ThrowsAsync<RpcException>(() => Broadcast(tooMany));
        Assert.Equal(StatusCode.InvalidArgument, over.StatusCode);
        Assert.Contains($"over the limit of {TxApi.MaxBatchTxs}", over.Status.Detail, StringComparison.Ordinal);

        // Nothing of the refused batch was admitted: sequence 0 is still the next one.
        var response = await Broadcast(tooMany[0]);
        Assert.Equal(0u, response.Results[0].Result.Code);
    }
}
