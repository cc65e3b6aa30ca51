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
[Collection(LongNetworks.Name)]
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

    private static async Task<TxResult> Send(Grpc.Net.Client.GrpcChannel channel, PrivateKey key, IMessage message)
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
                return committed.Result;
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

    /// <summary>
    /// Four gentx validators (power 10,000 each) with short staking times. On one network, in turn: a delegator's
    /// withdrawn rewards equal F1 computed from the chain's own per-block allocations, to the uchn; a validator
    /// made to double-sign (the test-only setting) is slashed 5%, tombstoned and leaves the set, with the evidence in
    /// a block; a validator stopped for longer than the liveness window is jailed and slashed 1%, restarts, unjails
    /// with the CLI and signs again; a validator that unbonds its whole self-bond leaves the set and its tokens
    /// return after the unbonding time. The chain commits throughout.
    /// </summary>
    [Fact]
    public async Task Rewards_double_signing_downtime_and_unbonding_on_four_real_validators()
    {
        var basePort = FourValidatorTests.FreeBasePort();
        var (code, text) = ChaindProcess.Run("testnet", "init", "--validators", "4", "--output", _root,
            "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--chain-id", ChainId);
        Assert.True(code == 0, text);
        var genesis = GenesisFile.Load(GenesisPath(0));
        Chain.State.Modules.AppStateSections.Update<Chain.Proto.Staking.GenesisState>(genesis, "staking", s =>
        {
            s.Params.UnbondingTime = 20;
            // A stopped validator misses every block and is jailed once it misses more than 17 of 20; healthy validators on a busy
            // machine miss some commits (those hold the precommits that arrived in time) but never that many.
            s.Slashing.Params.SignedBlocksWindow = 20;
            s.Slashing.Params.MinSignedPerWindow = "0.15";
            s.Slashing.Params.DowntimeJailDuration = 5;
        });
        var delegator = PrivateKey.Generate();
        BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(delegator.Address), Coins = { new Coin { Denom = "uchn", Amount = 100_000 * Chn } } });
        var operators = new string[4];
        var consensus = new byte[4][];
        for (var i = 0; i < 4; i++)
        {
            GenesisFile.Write(GenesisPath(i), genesis);
            consensus[i] = KeyPairFile.Read(Path.Combine(_root, "node" + i, "config", "priv_validator_key.json")).PublicKey;
            operators[i] = genesis.GenTxs.Select(t => Tx.Parser.ParseFrom(t).Body.Messages[0].Unpack<MsgCreateValidator>())
                .Single(m => m.Pubkey.Span.SequenceEqual(consensus[i])).ValidatorAddress;
            _nodes.Add(ChaindProcess.TestnetNode(Path.Combine(_root, "node" + i), basePort, i));
        }

        const ulong doubleSignAt = 12;
        for (var i = 0; i < 4; i++)
        {
            _nodes[i].Start(environment: i == 3 ? new Dictionary<string, string> { ["CHAIND_TESTING_DOUBLE_SIGN_AT_HEIGHT"] = doubleSignAt.ToString(CultureInfo.InvariantCulture) } : null);
        }

        await Task.WhenAll(_nodes.Select(n => n.WaitForHeight(2, Patience)));
        using var channel = _nodes[0].Channel();
        var staking = new Chain.Proto.Staking.Query.QueryClient(channel);
        var bank = new Chain.Proto.Bank.Query.QueryClient(channel);
        var blocks = new Blocks.BlocksClient(channel);
        async Task<Chain.Proto.Staking.Validator> ValidatorOf(int i) => (await staking.ValidatorAsync(new QueryValidatorRequest { ValidatorAddress = operators[i] })).Validator;
        async Task<ulong> BalanceOf(string address) => (await bank.BalanceAsync(new QueryBalanceRequest { Address = address })).Balance.Amount;
        async Task<bool> InSet(int i) => (await blocks.GetValidatorsAsync(new GetValidatorsRequest())).Validators.Any(v => v.PublicKey.Span.SequenceEqual(consensus[i]));

        // 1. F1 to the uchn: delegate 1,000 CHN to validator 0, let rewards accrue, withdraw.
        var delegated = await Send(channel, delegator, new MsgDelegate { DelegatorAddress = Address.ToBech32(delegator.Address), ValidatorAddress = operators[0], Amount = 1_000 * Chn });
        await _nodes[0].WaitForHeight(delegated.Height + 5, Patience);
        var before = await BalanceOf(Address.ToBech32(delegator.Address));
        var withdrawn = await Send(channel, delegator, new MsgWithdrawDelegatorReward { DelegatorAddress = Address.ToBech32(delegator.Address), ValidatorAddress = operators[0] });
        var shared = Chain.State.Types.Dec.Zero;
        for (var h = delegated.Height + 1; h <= withdrawn.Height; h++)
        {
            var block = await blocks.GetBlockAsync(new GetBlockRequest { Height = h });
            foreach (var e in block.BeginBlockEvents.Where(e => e.Type == "distribution.validator_rewards" && e.Attributes.Any(a => a.Key == "validator" && a.Value == operators[0])))
            {
                shared += Chain.State.Types.Dec.Parse(e.Attributes.Single(a => a.Key == "rewards").Value);
            }
        }

        var perToken = shared.QuoTruncate(Chain.State.Types.Dec.FromInt(11_000 * Chn));
        var expected = perToken.MulTruncate(Chain.State.Types.Dec.FromInt(1_000 * Chn)).TruncateU64();
        Assert.True(expected > 0);
        var paid = ulong.Parse(withdrawn.Events.Single(e => e.Type == "distribution.withdraw_rewards").Attributes.Single(a => a.Key == "amount").Value, CultureInfo.InvariantCulture);
        Assert.Equal(expected, paid);
        Assert.Equal(before - 20_000 + paid, await BalanceOf(Address.ToBech32(delegator.Address)));
        output.WriteLine($"withdrew {paid} uchn of F1 rewards over blocks {delegated.Height + 1}..{withdrawn.Height}");

        // 2. Validator 3 signs two prevotes at height 12 and on (until a pair reaches its peers in time): slashed 5%,
        //    jailed, tombstoned, out of the set.
        await WaitFor(async () => (await ValidatorOf(3)).Jailed ? 1UL : null);
        var v3 = await ValidatorOf(3);
        Assert.Equal(9_500 * Chn, v3.Tokens);
        var info3 = (await staking.SigningInfoAsync(new QuerySigningInfoRequest { Address = operators[3] })).Info;
        Assert.True(info3.Tombstoned);
        var evidenceAt = 0UL;
        for (var h = doubleSignAt + 1; evidenceAt == 0; h++)
        {
            var block = await blocks.GetBlockAsync(new GetBlockRequest { Height = h });
            if (block.Block.Evidence?.Evidence.Count > 0)
            {
                evidenceAt = h;
                Assert.InRange(block.Block.Evidence.Evidence[0].DuplicateVoteEvidence.VoteA.Height, doubleSignAt, h - 1);
            }
        }

        await WaitFor(async () => await InSet(3) ? null : 1UL);
        output.WriteLine($"double-sign evidence in block {evidenceAt}; validator 3 tombstoned with {v3.Tokens} uchn");

        // 3. Node 2 stops for longer than the window allows: jailed and slashed 1%; it restarts and unjails.
        _nodes[2].Dispose();
        await WaitFor(async () => (await ValidatorOf(2)).Jailed ? 1UL : null);
        Assert.Equal(9_900 * Chn, (await ValidatorOf(2)).Tokens);
        Assert.False((await staking.SigningInfoAsync(new QuerySigningInfoRequest { Address = operators[2] })).Info.Tombstoned);
        _nodes[2] = ChaindProcess.TestnetNode(Path.Combine(_root, "node2"), basePort, 2);
        _nodes[2].Start();
        await WaitFor(async () =>
        {
            var (exit, said) = ChaindProcess.Run("tx", "slashing", "unjail", "--from", "validator", "--home", _nodes[2].Home,
                "--node", _nodes[0].GrpcAddress, "--chain-id", ChainId, "--broadcast-mode", "commit");
            output.WriteLine($"unjail: exit {exit}: {said.Trim()}");
            return exit == 0 && !(await ValidatorOf(2)).Jailed ? 1UL : null;
        });
        var back = await WaitFor(async () =>
        {
            var set = await blocks.GetValidatorsAsync(new GetValidatorsRequest());
            return set.Validators.Any(v => v.PublicKey.Span.SequenceEqual(consensus[2]) && v.VotingPower == 9_900) ? set.Height : null;
        });
        var address2 = Address.FromPublicKey(consensus[2]);
        await WaitFor(async () =>
        {
            var latest = (await new Status.StatusClient(channel).GetStatusAsync(new StatusRequest())).LatestHeight;
            for (var h = back + 1; h <= latest; h++)
            {
                var block = await blocks.GetBlockAsync(new GetBlockRequest { Height = h });
                if (block.Block.LastCommit.Signatures.Any(s => s.ValidatorAddress.Span.SequenceEqual(address2) && s.Signature.Length > 0))
                {
                    return h;
                }
            }

            return null;
        });
        output.WriteLine($"validator 2 unjailed, back in the set from height {back} and signing");

        // 4. Validator 1 unbonds its whole self-bond: power 0, out of the set; the tokens return after 20 s.
        var operator1 = Address.ToBech32(Address.FromBech32(operators[1], Address.ValidatorOperatorPrefix));
        var (unbondExit, unbondSaid) = ChaindProcess.Run("tx", "staking", "unbond", operators[1], (10_000 * Chn).ToString(CultureInfo.InvariantCulture),
            "--from", "validator", "--home", _nodes[1].Home, "--node", _nodes[0].GrpcAddress, "--chain-id", ChainId, "--broadcast-mode", "commit");
        Assert.True(unbondExit == 0, unbondSaid);
        await WaitFor(async () => await InSet(1) ? null : 1UL);
        var unbonding = (await staking.UnbondingDelegationsAsync(new QueryUnbondingDelegationsRequest { DelegatorAddress = operator1 })).UnbondingDelegations;
        Assert.Equal(10_000 * Chn, unbonding.Single().Entries.Single().Balance);
        var afterUnbond = await BalanceOf(operator1); // the fee paid and the operator's rewards withdrawn, no tokens yet
        await WaitFor(async () => (await staking.UnbondingDelegationsAsync(new QueryUnbondingDelegationsRequest { DelegatorAddress = operator1 })).UnbondingDelegations.Count == 0 ? 1UL : null);
        var returned = await BalanceOf(operator1) - afterUnbond;
        Assert.True(returned >= 10_000 * Chn && returned < 10_001 * Chn, $"{returned} uchn came back: the 10,000 CHN and, with the validator removed, its last commission");
        output.WriteLine("validator 1 left the set and its 10,000 CHN came back after the unbonding time");

        // The chain goes on with validators 0 and 2.
        var latest = (await new Status.StatusClient(channel).GetStatusAsync(new StatusRequest())).LatestHeight;
        await _nodes[0].WaitForHeight(latest + 3, Patience);
    }

    private string GenesisPath(int node) => Path.Combine(_root, "node" + node, "config", "genesis.json");
}
