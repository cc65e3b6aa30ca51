using System.Globalization;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.Staking;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Chain.Integration.Tests;

/// <summary>
/// Staking on a real network of chaind processes from `chaind testnet init` (validators from gentxs): a fifth node
/// that follows the chain becomes a validator by create-validator plus a delegation, enters the set at H+2 with the
/// power its stake gives, and its precommits appear in the blocks' last commits.
/// </summary>
public sealed class StakingNetworkTests(ITestOutputHelper output) : IDisposable
{
    private const string ChainId = "staking-net";
    private const ulong Chn = 1_000_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chaind-staking-" + Guid.NewGuid().ToString("N"));
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
    public async Task A_fifth_node_joins_the_set_by_create_validator_and_delegation_and_signs_blocks()
    {
        var basePort = FourValidatorTests.FreeBasePort(43);
        var (code, text) = ChaindProcess.Run("testnet", "init", "--validators", "5", "--output", _root,
            "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--chain-id", ChainId);
        Assert.True(code == 0, text);

        // Node 4 is not a genesis validator: drop its gentx; fund its operator and a delegator instead.
        var joiningKey = KeyPairFile.Read(Path.Combine(_root, "node4", "config", "priv_validator_key.json"));
        var genesis = GenesisFile.Load(GenesisPath(0));
        var kept = genesis.GenTxs.Where(t => !Tx.Parser.ParseFrom(t).Body.Messages.Any(m => m.Unpack<MsgCreateValidator>().Pubkey.Span.SequenceEqual(joiningKey.PublicKey))).ToList();
        Assert.Equal(4, kept.Count);
        genesis.GenTxs.Clear();
        genesis.GenTxs.AddRange(kept);
        var operatorKey = PrivateKey.Generate();
        var delegator = PrivateKey.Generate();
        foreach (var k in new[] { operatorKey, delegator })
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = 100_000 * Chn } } });
        }

        for (var i = 0; i < 5; i++)
        {
            GenesisFile.Write(GenesisPath(i), genesis);
            _nodes.Add(ChaindProcess.TestnetNode(Path.Combine(_root, "node" + i), basePort, i));
            _nodes[i].Start();
        }

        await Task.WhenAll(_nodes.Select(n => n.WaitForHeight(2, Patience)));
        using var channel = _nodes[0].Channel();
        var blocks = new Blocks.BlocksClient(channel);
        var before = await blocks.GetValidatorsAsync(new GetValidatorsRequest());
        Assert.Equal(4, before.Validators.Count);
        Assert.DoesNotContain(before.Validators, v => v.PublicKey.Span.SequenceEqual(joiningKey.PublicKey));

        // 5,000 CHN self-bonded plus 10,000 CHN delegated: power 15,000, above the others' 10,000.
        var validatorAddress = Address.ToBech32(operatorKey.Address, Address.ValidatorOperatorPrefix);
        var create = new MsgCreateValidator
        {
            Description = new Description { Moniker = "node4" },
            Commission = new CommissionRates { Rate = "0.05", MaxRate = "0.2", MaxChangeRate = "0.01" },
            MinSelfDelegation = 1,
            ValidatorAddress = validatorAddress,
            Pubkey = ByteString.CopyFrom(joiningKey.PublicKey),
            Value = 5_000 * Chn,
        };
        await Send(channel, operatorKey, create);
        await Send(channel, delegator, new MsgDelegate { DelegatorAddress = Address.ToBech32(delegator.Address), ValidatorAddress = validatorAddress, Amount = 10_000 * Chn });

        // In the set two heights after the block that bonded it, on every node.
        var joinedAt = await WaitFor(async () =>
        {
            var set = await blocks.GetValidatorsAsync(new GetValidatorsRequest());
            var me = set.Validators.FirstOrDefault(v => v.PublicKey.Span.SequenceEqual(joiningKey.PublicKey));
            return me is { VotingPower: 15_000 } ? set.Height : (ulong?)null;
        });
        output.WriteLine($"node4 is a validator from height {joinedAt}");

        // Its precommits are in the last commit of later blocks.
        var address = Address.FromPublicKey(joiningKey.PublicKey);
        var signedAt = await WaitFor(async () =>
        {
            var latest = (await new Status.StatusClient(channel).GetStatusAsync(new StatusRequest())).LatestHeight;
            for (var h = joinedAt + 1; h <= latest; h++)
            {
                var block = await blocks.GetBlockAsync(new GetBlockRequest { Height = h });
                if (block.Block.LastCommit?.Signatures.Any(s => s.ValidatorAddress.Span.SequenceEqual(address) && s.Signature.Length > 0) == true)
                {
                    return h;
                }
            }

            return (ulong?)null;
        });
        output.WriteLine($"node4's precommit is in the last commit of block {signedAt}");

        // The chain keeps committing with five validators.
        var status = await _nodes[4].WaitForHeight(signedAt + 3, Patience);
        Assert.True(status.LatestHeight >= signedAt + 3);
    }

    private static async Task Send(Grpc.Net.Client.GrpcChannel channel, PrivateKey key, IMessage message)
    {
        var account = await new Chain.Proto.Bank.Query.QueryClient(channel).AccountAsync(new QueryAccountRequest { Address = Address.ToBech32(key.Address) });
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = 20_000 } }, GasLimit = 2_000_000 };
        var tx = TxFactory.Sign(key, ChainId, account.Account.AccountNumber, account.Account.Sequence, fee, [message]);
        var client = new Service.ServiceClient(channel);
        var response = await client.BroadcastTxAsync(new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Sync });
        Assert.True(response.Result.Code == 0, $"{message.Descriptor.Name}: code {response.Result.Code} {response.Result.Log}");
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var committed = await client.GetTxAsync(new GetTxRequest { TxHash = response.TxHash });
                Assert.True(committed.Result.Code == 0, $"{message.Descriptor.Name}: code {committed.Result.Code} {committed.Result.Log}");
                return;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"{message.Descriptor.Name} was not committed");
    }

    private async Task<ulong> WaitFor(Func<Task<ulong?>> probe)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException("the network did not get there in time:\n" + string.Join("\n---\n", _nodes.Select(n => n.Output[^Math.Min(3000, n.Output.Length)..])));
    }

    private string GenesisPath(int node) => Path.Combine(_root, "node" + node, "config", "genesis.json");
}
