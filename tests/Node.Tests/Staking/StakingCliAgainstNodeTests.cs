using System.Globalization;
using System.Text.Json;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Tests.Cli;
using Chain.Proto.Staking;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Staking;

/// <summary>
/// The staking module's commands end to end against one real node (`chaind init` home, the in-memory state): the txs
/// the CLI builds are read back from the committed block, and queries are read in text and in JSON.
/// </summary>
public sealed class StakingCliAgainstNodeTests(TestNode node) : IClassFixture<TestNode>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private NodeHome Home => new(node.Home);

    private string Operator(string keyName) =>
        Address.ToBech32(new Keyring(Home.KeyringDirectory).GetPrivateKey(keyName).Address, Address.ValidatorOperatorPrefix);

    private async Task<CliRun> Cli(params string[] args)
    {
        var run = await node.Cli(args);
        Assert.True(run.ExitCode == 0, $"chaind {string.Join(' ', args)}: {run.Output}{run.Error}");
        return run;
    }

    /// <summary>Runs a tx command in commit mode, asserts code 0, and returns the messages of the tx as the block holds it.</summary>
    private async Task<IReadOnlyList<Any>> Commit(params string[] args)
    {
        var run = await Cli([.. args, "--broadcast-mode", "commit"]);
        Assert.Equal("0", run.Field("code"));
        var hash = ByteString.CopyFrom(Convert.FromHexString(run.Field("txhash")));
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                var stored = await new Service.ServiceClient(node.Channel).GetTxAsync(new GetTxRequest { TxHash = hash });
                return Tx.Parser.ParseFrom(stored.TxBytes).Body.Messages;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TestNode.BlockTime);
            }
        }
    }

    private static T Unpack<T>(Any any)
        where T : IMessage<T>, new()
    {
        var message = new T();
        Assert.Equal("/" + message.Descriptor.FullName, any.TypeUrl);
        message.MergeFrom(any.Value);
        return message;
    }

    [Fact]
    public async Task Validator_created_from_the_node_key_is_queried_as_text_and_json_and_pays_commission()
    {
        // The node's own validator was made by its gentx at genesis (10,000 CHN, commission 0.10 / 0.20 / 0.01).
        var consensusKey = KeyPairFile.Read(Home.PrivValidatorKeyFile).PublicKey;
        var op = Operator("validator");
        var account = (await CliRun.Invoke(node.Home, ["keys", "show", "validator", "-a"])).Output.Trim();

        // create-validator without --pubkey reads the node's consensus key: already used, so the chain refuses it (staking/12).
        node.FundedKey("cli-node-op");
        var refused = await node.Cli(
            "tx", "staking", "create-validator", "--amount", "2000000", "--moniker", "cli-op", "--website", "https://op.example",
            "--commission-rate", "0.10", "--commission-max-rate", "0.20", "--commission-max-change-rate", "0.01",
            "--min-self-delegation", "1000000uchn", "--from", "cli-node-op", "--broadcast-mode", "commit");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("code 12 (staking)", refused.Error);
        Assert.Contains(Convert.ToHexStringLower(consensusKey), refused.Error);
        Assert.Contains(op, refused.Error);

        var text = await Cli("query", "staking", "validator", op);
        Assert.Equal(op, text.Field("operator_address"));
        var moniker = text.Field("moniker");
        Assert.False(string.IsNullOrEmpty(moniker));
        Assert.Equal("bonded", text.Field("status"));
        Assert.Equal("10000000000uchn", text.Field("tokens"));
        Assert.Equal("0.1", text.Field("commission_rate"));
        Assert.Equal(Convert.ToHexStringLower(consensusKey), text.Field("consensus_pubkey"));
        var consensusAddress = Address.ToBech32(Address.FromPublicKey(consensusKey), Address.ValidatorConsensusPrefix);
        Assert.Equal(consensusAddress, text.Field("consensus_address"));

        var json = await Cli("query", "staking", "validator", op, "--output", "json");
        using (var doc = JsonDocument.Parse(json.Output))
        {
            var v = doc.RootElement.GetProperty("validator");
            Assert.Equal(op, v.GetProperty("operator_address").GetString());
            Assert.Equal("BOND_STATUS_BONDED", v.GetProperty("status").GetString());
            Assert.Equal("10000000000", v.GetProperty("tokens").GetString());
            Assert.Equal(moniker, v.GetProperty("description").GetProperty("moniker").GetString());
            Assert.Equal("0.100000000000000000", v.GetProperty("commission").GetProperty("rates").GetProperty("rate").GetString());
            Assert.Equal(Convert.ToBase64String(consensusKey), v.GetProperty("consensus_pubkey").GetString());
        }

        var bonded = await Cli("query", "staking", "validators", "--status", "bonded");
        Assert.Contains($"validator: {op} bonded tokens=10000000000uchn commission=0.1 moniker={moniker}", bonded.Output.Split('\n').Select(l => l.TrimEnd()));
        var delegation = await Cli("query", "staking", "delegation", account, op);
        Assert.Equal("10000000000uchn", delegation.Field("balance"));

        // The node's validator signs every block and earns commission on the fees; withdraw it with the rewards in one tx.
        var deadline = DateTime.UtcNow + Wait;
        while (decimal.Parse((await Cli("query", "distribution", "commission", op)).Field("commission").TrimEnd("uchn".ToCharArray()), CultureInfo.InvariantCulture) < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the validator earned no commission");
            await Task.Delay(TestNode.BlockTime);
        }

        var signing = await Cli("query", "slashing", "signing-info", op);
        Assert.Equal(consensusAddress, signing.Field("address"));
        Assert.Equal("false", signing.Field("tombstoned"));

        var withdraw = await Commit("tx", "distribution", "withdraw-rewards", op, "--commission", "--from", "validator");
        Assert.Equal(2, withdraw.Count);
        var reward = Unpack<MsgWithdrawDelegatorReward>(withdraw[0]);
        Assert.Equal((account, op), (reward.DelegatorAddress, reward.ValidatorAddress));
        Assert.Equal(op, Unpack<MsgWithdrawValidatorCommission>(withdraw[1]).ValidatorAddress);

        var inflation = await Cli("query", "mint", "inflation", "--output", "json");
        using (var doc = JsonDocument.Parse(inflation.Output))
        {
            // The test node's genesis turns minting off (TestNode), so its inflation stays 0.
            Assert.Equal("0.000000000000000000", doc.RootElement.GetProperty("minter").GetProperty("inflation").GetString());
        }
    }

    [Fact]
    public async Task Delegations_unbonding_and_redelegation_of_unbonded_validators_round_trip_through_the_cli()
    {
        // Below 1 chn a validator has no voting power, so these never join the set the node's own key signs for.
        node.FundedKey("cli-op-a");
        node.FundedKey("cli-op-b");
        var delegator = node.FundedKey("cli-delegator");
        var a = Operator("cli-op-a");
        var b = Operator("cli-op-b");
        var keyA = PrivateKey.Generate().PublicKey;
        foreach (var (name, key) in new[] { ("cli-op-a", keyA), ("cli-op-b", PrivateKey.Generate().PublicKey) })
        {
            var create = Unpack<MsgCreateValidator>(Assert.Single(await Commit(
                "tx", "staking", "create-validator", "--amount", "0.5chn", "--pubkey", Convert.ToHexStringLower(key), "--moniker", name,
                "--commission-rate", "0.05", "--commission-max-rate", "0.5", "--commission-max-change-rate", "0.1", "--from", name)));
            Assert.Equal(Convert.ToHexStringLower(key), Convert.ToHexStringLower(create.Pubkey.Span));
            Assert.Equal((500_000UL, 1UL), (create.Value, create.MinSelfDelegation));
        }

        var sent = Unpack<MsgDelegate>(Assert.Single(await Commit("tx", "staking", "delegate", a, "300000", "--from", "cli-delegator")));
        Assert.Equal((delegator, a, 300_000UL), (sent.DelegatorAddress, sent.ValidatorAddress, sent.Amount));
        Assert.Equal("unbonded", (await Cli("query", "staking", "validator", a)).Field("status"));
        Assert.Equal("800000uchn", (await Cli("query", "staking", "validator", a)).Field("tokens"));
        var to = await Cli("query", "staking", "delegations-to", a);
        Assert.Equal(2, to.Output.Split('\n').Count(l => l.StartsWith("delegation: ", StringComparison.Ordinal)));

        // From an unbonded validator a redelegation completes at once (the SDK's rule): no entry is left to list.
        var moved = Unpack<MsgBeginRedelegate>(Assert.Single(await Commit("tx", "staking", "redelegate", a, b, "100000uchn", "--from", "cli-delegator")));
        Assert.Equal((a, b, 100_000UL), (moved.ValidatorSrcAddress, moved.ValidatorDstAddress, moved.Amount));
        Assert.Equal("100000uchn", (await Cli("query", "staking", "delegation", delegator, b)).Field("balance"));
        Assert.DoesNotContain("redelegation: ", (await Cli("query", "staking", "redelegations", delegator)).Output);

        var unbond = Unpack<MsgUndelegate>(Assert.Single(await Commit("tx", "staking", "unbond", a, "50000", "--from", "cli-delegator")));
        Assert.Equal(50_000UL, unbond.Amount);
        var unbonding = await Cli("query", "staking", "unbonding-delegations", delegator, "--output", "json");
        ulong creationHeight;
        using (var doc = JsonDocument.Parse(unbonding.Output))
        {
            var entry = doc.RootElement.GetProperty("unbonding_delegations").EnumerateArray().Single().GetProperty("entries").EnumerateArray().Single();
            Assert.Equal("50000", entry.GetProperty("balance").GetString());
            creationHeight = ulong.Parse(entry.GetProperty("creation_height").GetString()!, CultureInfo.InvariantCulture);
        }

        var cancel = Unpack<MsgCancelUnbondingDelegation>(Assert.Single(await Commit(
            "tx", "staking", "cancel-unbond", a, "50000", creationHeight.ToString(CultureInfo.InvariantCulture), "--from", "cli-delegator")));
        Assert.Equal(creationHeight, cancel.CreationHeight);
        Assert.DoesNotContain("unbonding: ", (await Cli("query", "staking", "unbonding-delegations", delegator)).Output);
        Assert.Equal("200000uchn", (await Cli("query", "staking", "delegation", delegator, a)).Field("balance"));

        // One withdrawal per delegation, found by query.
        var all = await Commit("tx", "distribution", "withdraw-all-rewards", "--from", "cli-delegator");
        var withdrawn = all.Select(Unpack<MsgWithdrawDelegatorReward>).Select(m => (m.DelegatorAddress, m.ValidatorAddress)).OrderBy(p => p.ValidatorAddress, StringComparer.Ordinal);
        Assert.Equal(new[] { (delegator, a), (delegator, b) }.OrderBy(p => p.Item2, StringComparer.Ordinal), withdrawn);
    }

    [Fact]
    public async Task Unknown_validator_is_one_line_from_the_node()
    {
        var unknown = Address.ToBech32(PrivateKey.Generate().Address, Address.ValidatorOperatorPrefix);

        var run = await node.Cli("query", "staking", "validator", unknown);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"Error: validator {unknown} does not exist", run.Error.Trim());
    }
}
