using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Agents;

/// <summary>
/// An agent's line to its node: queries, and txs signed with the agent's key and broadcast in commit mode (one at a
/// time, the account's sequence read from the chain each time, so a restart or another client's tx never leaves the
/// agent with a stale sequence).
/// </summary>
public sealed class AgentChain : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public AgentChain(string node, PrivateKey key, ulong fee, ulong gas)
    {
        Channel = GrpcChannel.ForAddress(node.Contains("://", StringComparison.Ordinal) ? node : "http://" + node);
        Key = key;
        Address = Chain.Crypto.Address.ToBech32(key.Address);
        Fee = fee;
        Gas = gas;
    }

    public GrpcChannel Channel { get; }

    public PrivateKey Key { get; }

    public string Address { get; }

    /// <summary>uchn paid with every tx.</summary>
    public ulong Fee { get; }

    public ulong Gas { get; }

    private string? _chainId;

    public static CallOptions Options(CancellationToken ct) => new(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);

    public async Task<StatusResponse> StatusAsync(CancellationToken ct) =>
        await new Chain.Proto.NodeService.Status.StatusClient(Channel).GetStatusAsync(new StatusRequest(), Options(ct));

    public async Task<ulong> BalanceAsync(CancellationToken ct) =>
        (await new Query.QueryClient(Channel).BalanceAsync(new QueryBalanceRequest { Address = Address, Denom = "uchn" }, Options(ct))).Balance.Amount;

    /// <summary>Signs and broadcasts <paramref name="message"/>, waiting for the block: the DeliverTx result (code 0 is success).</summary>
    public async Task<TxResult> SendAsync(IMessage message, CancellationToken ct)
    {
        _chainId ??= (await StatusAsync(ct)).ChainId;
        var account = (await new Query.QueryClient(Channel).AccountAsync(new QueryAccountRequest { Address = Address }, Options(ct))).Account;
        if (account is null || account.Address.Length == 0)
        {
            throw new InvalidOperationException($"account {Address} does not exist on chain yet: fund it first");
        }

        var fee = new Fee { GasLimit = Gas, Amount = { new Coin { Denom = "uchn", Amount = Fee } } };
        var tx = TxFactory.Sign(Key, _chainId, account.AccountNumber, account.Sequence, fee, [message]);
        var response = await new Service.ServiceClient(Channel).BroadcastTxAsync(
            new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Commit }, Options(ct));
        return response.Result;
    }

    public void Dispose() => Channel.Dispose();
}
