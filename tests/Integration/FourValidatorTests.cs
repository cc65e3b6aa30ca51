using System.Net;
using System.Net.Sockets;
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

/// <summary>
/// Four real chaind processes from `chaind testnet init` on loopback: they agree on every block, keep committing
/// with one validator SIGKILLed, let it catch up by block sync, halt without forking with two of four down, and
/// resume when they return.
/// </summary>
public sealed class FourValidatorTests(ITestOutputHelper output) : IDisposable
{
    private const string ChainId = "itest-net";
    private const int Senders = 4;
    private const int TxsPerSender = 25;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chaind-net-" + Guid.NewGuid().ToString("N"));
    private readonly List<ChaindProcess> _nodes = new();

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Four_validators_agree_survive_a_kill_catch_up_and_halt_without_forking()
    {
        int basePort = FreeBasePort();
        var (code, text) = ChaindProcess.Run("testnet", "init", "--validators", "4", "--output", _root,
            "--base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", ChainId);
        Assert.True(code == 0, text);

        // One genesis for all four homes, with funded senders added.
        var keys = Enumerable.Range(0, Senders).Select(_ => PrivateKey.Generate()).ToArray();
        var recipient = PrivateKey.Generate().Address;
        var genesis = GenesisFile.Load(GenesisPath(0));
        foreach (var k in keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000 } } });
        }

        for (int i = 0; i < 4; i++)
        {
            GenesisFile.Write(GenesisPath(i), genesis);
            _nodes.Add(ChaindProcess.TestnetNode(Path.Combine(_root, "node" + i), basePort, i));
            _nodes[i].Start();
        }

        await Task.WhenAll(_nodes.Select(n => n.WaitForHeight(2, Patience)));

        // Sender s sends its txs to node s; every node must end with the same balances.
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2000 } }, GasLimit = 200_000 };
        var lastHashes = await Task.WhenAll(Enumerable.Range(0, Senders).Select(async s =>
        {
            using var channel = _nodes[s].Channel();
            var account = await new Query.QueryClient(channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(keys[s].Address) });
            var txs = new Service.ServiceClient(channel);
            ByteString last = ByteString.Empty;
            for (ulong i = 0; i < TxsPerSender; i++)
            {
                var msg = new MsgSend { FromAddress = Address.ToBech32(keys[s].Address), ToAddress = Address.ToBech32(recipient), Amount = { new Coin { Denom = "uchn", Amount = 10 } } };
                var tx = TxFactory.Sign(keys[s], ChainId, account.Account.AccountNumber, i, fee, [msg]);
                var response = await txs.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Sync });
                Assert.True(response.Result.Code == 0, $"sender {s} tx {i} at node {s}: {response.Result.Log}");
                last = response.TxHash;
            }

            return last;
        }));
        foreach (var node in _nodes)
        {
            foreach (var hash in lastHashes)
            {
                await WaitForTx(node, hash);
            }

            using var channel = node.Channel();
            var balance = await new Query.QueryClient(channel).BalanceAsync(new QueryBalanceRequest { Address = Address.ToBech32(recipient) });
            Assert.Equal((ulong)(Senders * TxsPerSender * 10), balance.Balance.Amount);
        }

        await AssertSameChain(_nodes);

        // SIGKILL one validator: the other three (3/4 of the power) keep committing.
        _nodes[3].KillHard();
        ulong killedAt = (await _nodes[0].WaitForHeight(0, Patience)).LatestHeight;
        await Task.WhenAll(_nodes.Take(3).Select(n => n.WaitForHeight(killedAt + 3, Patience)));
        output.WriteLine($"node3 killed at about height {killedAt}; the others reached {killedAt + 3}");

        // Restarted, it catches up by block sync and takes part again.
        _nodes[3].Start();
        ulong target = (await _nodes[0].WaitForHeight(0, Patience)).LatestHeight + 2;
        await Task.WhenAll(_nodes.Select(n => n.WaitForHeight(target, Patience)));
        await AssertSameChain(_nodes);
        Assert.Contains("Block sync: height", _nodes[3].Output); // the progress line (each block is logged at Debug)

        // Two of four stopped: no quorum, so the chain halts, and the two that are up never disagree.
        _nodes[2].KillHard();
        _nodes[3].KillHard();
        await Task.Delay(TimeSpan.FromSeconds(3));
        ulong[] halted = await Heights(_nodes.Take(2));
        await Task.Delay(TimeSpan.FromSeconds(4));
        ulong[] stillHalted = await Heights(_nodes.Take(2));
        Assert.Equal(halted, stillHalted);
        await AssertSameChain(_nodes.Take(2).ToList());
        output.WriteLine($"halted at heights {string.Join(", ", halted)}");

        // Both back: the chain resumes and all four agree on every height.
        _nodes[2].Start();
        _nodes[3].Start();
        ulong resumeTo = halted.Max() + 3;
        await Task.WhenAll(_nodes.Select(n => n.WaitForHeight(resumeTo, Patience)));
        await AssertSameChain(_nodes);
    }

    private string GenesisPath(int node) => Path.Combine(_root, "node" + node, "config", "genesis.json");

    private static async Task<ulong[]> Heights(IEnumerable<ChaindProcess> nodes) =>
        await Task.WhenAll(nodes.Select(async n => (await n.WaitForHeight(0, Patience)).LatestHeight));

    private static async Task WaitForTx(ChaindProcess node, ByteString hash)
    {
        using var channel = node.Channel();
        var client = new Service.ServiceClient(channel);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var tx = await client.GetTxAsync(new GetTxRequest { TxHash = hash });
                Assert.Equal(0U, tx.Result.Code);
                return;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"tx {Convert.ToHexString(hash.Span)} was not committed on {node.GrpcAddress}:\n{node.Output}");
    }

    /// <summary>Every height that all the given nodes hold has the same block id and app hash on each of them.</summary>
    private async Task AssertSameChain(IReadOnlyList<ChaindProcess> nodes)
    {
        ulong common = (await Heights(nodes)).Min();
        var channels = nodes.Select(n => n.Channel()).ToList();
        try
        {
            var clients = channels.Select(c => new Blocks.BlocksClient(c)).ToList();
            for (ulong h = 1; h <= common; h++)
            {
                var first = await clients[0].GetBlockAsync(new GetBlockRequest { Height = h });
                for (int i = 1; i < clients.Count; i++)
                {
                    var other = await clients[i].GetBlockAsync(new GetBlockRequest { Height = h });
                    Assert.True(first.BlockId.Equals(other.BlockId), $"height {h}: node {i} has another block");
                    Assert.Equal(first.Block.Header.AppHash, other.Block.Header.AppHash);
                }
            }

            output.WriteLine($"{nodes.Count} nodes agree on heights 1 to {common}");
        }
        finally
        {
            foreach (var c in channels)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>
    /// A base port with the 33 ports a 4-node testnet uses free right now, below the kernel's ephemeral range:
    /// ports there are handed out to other tests' listeners and to every outgoing connection, so one free now
    /// may be taken by the time a node binds it.
    /// </summary>
    internal static int FreeBasePort(int ports = 33)
    {
        int ephemeralLow = 32_768;
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralLow = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }

        var random = new Random();
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int basePort = random.Next(10_000, Math.Max(10_001, ephemeralLow - 40));
            if (Enumerable.Range(basePort, ports).All(IsFree))
            {
                return basePort;
            }
        }

        throw new InvalidOperationException("no free block of 33 loopback ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
