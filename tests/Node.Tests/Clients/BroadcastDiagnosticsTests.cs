using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Node.Tests.Clients;

/// <summary>What a client writer sees through a real node's BroadcastTx: the cause of a refusal, and which gas each mode reports.</summary>
public sealed class BroadcastDiagnosticsTests(TestNode node) : IClassFixture<TestNode>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private Service.ServiceClient Txs => new(node.Channel);

    private PrivateKey Key(string name)
    {
        node.FundedKey(name);
        return new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey(name);
    }

    private async Task<ulong> AccountNumber(byte[] address) =>
        (await new Query.QueryClient(node.Channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(address) })).Account.AccountNumber;

    private static Fee Fee() => new() { GasLimit = 200_000, Amount = { new Coin { Denom = "uchn", Amount = 2000 } } };

    private static MsgSend Send(PrivateKey from, ulong amount) => new()
    {
        FromAddress = Address.ToBech32(from.Address),
        ToAddress = Address.ToBech32(PrivateKey.Generate().Address),
        Amount = { new Coin { Denom = "uchn", Amount = amount } },
    };

    private Task<BroadcastTxResponse> Broadcast(Tx tx) =>
        Txs.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Sync }, deadline: DateTime.UtcNow + Wait).ResponseAsync;

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

    [Fact]
    public async Task A_double_hashed_signature_is_named_at_broadcast()
    {
        var key = Key("double-hash");
        var tx = TxFactory.Sign(key, node.ChainId, await AccountNumber(key.Address), 0, Fee(), [Send(key, 10)]);
        var signBytes = TxFactory.SignBytes(node.ChainId, await AccountNumber(key.Address), 0, tx.AuthInfo.Fee, tx.Body);
        tx.Signature = ByteString.CopyFrom(key.Sign(Hashes.Sha256(Hashes.Sha256(signBytes))));

        var response = await Broadcast(tx);

        Assert.Equal(TxCodes.Unauthorized, response.Result.Code);
        Assert.Contains("double hash", response.Result.Log, StringComparison.Ordinal);
        Assert.Contains("sign SHA-256 of the sign bytes once", response.Result.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_chain_id_at_broadcast_names_the_nodes_chain_id()
    {
        var key = Key("wrong-chain");
        var tx = TxFactory.Sign(key, "not-" + node.ChainId, await AccountNumber(key.Address), 0, Fee(), [Send(key, 10)]);

        var response = await Broadcast(tx);

        Assert.Equal(TxCodes.Unauthorized, response.Result.Code);
        Assert.Contains($"chain_id '{node.ChainId}'", response.Result.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sync broadcast answers with CheckTx, which runs the ante checks only: its gas_used is theirs (tx size, account,
    /// signature, fee). Execution adds the messages' gas; Simulate runs both, so it predicts the executed figure.
    /// </summary>
    [Fact]
    public async Task Sync_broadcast_reports_the_ante_gas_and_execution_adds_the_messages()
    {
        var key = Key("gas");
        var tx = TxFactory.Sign(key, node.ChainId, await AccountNumber(key.Address), 0, Fee(), [Send(key, 10)]);
        var simulated = (await Txs.SimulateAsync(new SimulateRequest { TxBytes = tx.ToByteString() })).Result;

        var sync = await Broadcast(tx);
        var executed = (await Committed(sync.TxHash.ToByteArray())).Result;

        Assert.Equal(0U, sync.Result.Code);
        Assert.Equal(0U, executed.Code);
        Assert.Equal(simulated.GasUsed, executed.GasUsed);
        var fixedAnteCosts = (GasCosts.Default.TxSizePerByte * (ulong)tx.CalculateSize()) + GasCosts.Default.SignatureVerify;
        Assert.True(sync.Result.GasUsed > fixedAnteCosts, $"sync gas_used {sync.Result.GasUsed} should include the ante's fixed {fixedAnteCosts}");
        Assert.True(sync.Result.GasUsed < executed.GasUsed, $"sync gas_used {sync.Result.GasUsed} should be the ante's part of the executed {executed.GasUsed}");
        Assert.Equal(sync.Result.GasWanted, executed.GasWanted);
        Assert.Contains(executed.Events, e => e.Type == "bank.transfer");
        Assert.DoesNotContain(sync.Result.Events, e => e.Type == "bank.transfer");
        Assert.Contains(sync.Result.Events, e => e.Type == "tx");
    }
}
