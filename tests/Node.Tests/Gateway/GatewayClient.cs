using System.Net.Http.Json;
using System.Text.Json;
using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Node.Tests.Gateway;

/// <summary>
/// A JSON client of a test node's REST gateway, as a browser or curl uses it: GETs that must answer 200, and txs
/// signed here and broadcast by POST /chain/tx/v1/txs in commit mode.
/// </summary>
public sealed class GatewayClient(TestNode node) : IDisposable
{
    /// <summary>What every tx sent through here pays, in uchn, for <see cref="GasLimit"/> gas.</summary>
    public const ulong Fee = 10_000;

    public const ulong GasLimit = 1_000_000;

    public HttpClient Http { get; } = new() { BaseAddress = node.GatewayUri, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>GET <paramref name="path"/>; fails unless the answer is 200 with a JSON body.</summary>
    public async Task<JsonElement> Get(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>POSTs <paramref name="tx"/> as JSON in commit mode; the parsed BroadcastTxResponse.</summary>
    public async Task<JsonElement> Broadcast(Tx tx)
    {
        using var response = await Http.PostAsJsonAsync("chain/tx/v1/txs", new { txBytes = Convert.ToBase64String(tx.ToByteArray()), mode = "BROADCAST_MODE_COMMIT" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST chain/tx/v1/txs: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Signs <paramref name="message"/> with the account's number and sequence read over the gateway.</summary>
    public async Task<Tx> Sign(PrivateKey key, IMessage message)
    {
        var account = (await Get($"chain/bank/v1/accounts/{Address.ToBech32(key.Address)}")).GetProperty("account");
        var fee = new Fee { GasLimit = GasLimit, Amount = { new Coin { Denom = "uchn", Amount = Fee } } };
        return TxFactory.Sign(key, node.ChainId, ulong.Parse(account.GetProperty("accountNumber").GetString()!), ulong.Parse(account.GetProperty("sequence").GetString()!), fee, [message]);
    }

    /// <summary>Signs, broadcasts through the gateway and asserts the tx committed with code 0; the tx result.</summary>
    public async Task<JsonElement> Commit(PrivateKey key, IMessage message)
    {
        var response = await Broadcast(await Sign(key, message));
        var result = response.GetProperty("result");
        Assert.True(result.GetProperty("code").GetInt32() == 0, $"{message.Descriptor.Name}: {result}");
        return result;
    }

    public void Dispose() => Http.Dispose();
}
