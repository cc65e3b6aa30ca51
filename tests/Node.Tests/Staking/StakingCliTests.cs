using Chain.Node.Tests.Cli;

namespace Chain.Node.Tests.Staking;

/// <summary>
/// `chaind tx|query staking|distribution|slashing|mint` refuse bad input with one clear line before calling any node
/// (the node named is a closed port: an error about reaching it would mean something was sent).
/// </summary>
public sealed class StakingCliTests
{
    private const string Validator = "chainvaloper1076k77euvrkrfz9kw9ut3xfvdfd0e4d279w5qz";
    private const string Account = "chain1076k77euvrkrfz9kw9ut3xfvdfd0e4d2yd0n7c";

    /// <summary>The secp256k1 generator point, compressed: a valid consensus key.</summary>
    private const string PubKey = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    private static string ClosedAddress() => $"127.0.0.1:{TestNode.FreePort()}";

    /// <summary>create-validator with valid values except those given; no --pubkey when <paramref name="pubkey"/> is null.</summary>
    private static string[] CreateValidator(string amount = "10000000000", string rate = "0.10", string maxRate = "0.20", string maxChange = "0.01", string minSelf = "1", string? pubkey = PubKey) =>
    [
        "tx", "staking", "create-validator", "--amount", amount, "--moniker", "m", "--commission-rate", rate, "--commission-max-rate", maxRate,
        "--commission-max-change-rate", maxChange, "--min-self-delegation", minSelf, "--from", "op", .. (pubkey is null ? Array.Empty<string>() : ["--pubkey", pubkey]),
    ];

    public static TheoryData<string, string[]> BadInput() => new()
    {
        { "invalid --commission-rate 'abc': a decimal from 0 to 1", CreateValidator(rate: "abc") },
        { "invalid --commission-rate '1.5': a decimal from 0 to 1", CreateValidator(rate: "1.5", maxRate: "1") },
        { "invalid --commission-max-rate '-0.2'", CreateValidator(maxRate: "-0.2") },
        { "invalid --commission-max-change-rate '0.0000000000000000001'", CreateValidator(maxChange: "0.0000000000000000001") },
        { "--commission-rate 0.30 is above --commission-max-rate 0.20", CreateValidator(rate: "0.30") },
        { "--commission-max-change-rate 0.5 is above --commission-max-rate 0.20", CreateValidator(maxChange: "0.5") },
        { "invalid --amount '0': amounts must be above 0", CreateValidator(amount: "0") },
        { "invalid --amount: amount 'ten' must be a number followed by a denomination", CreateValidator(amount: "ten") },
        { "invalid --amount '5uatom': one amount in uchn or chn", CreateValidator(amount: "5uatom") },
        { "invalid --amount '99999999999999999999': does not fit in 64 bits", CreateValidator(amount: "99999999999999999999") },
        { "--amount 5uchn is below --min-self-delegation 10uchn", CreateValidator(amount: "5", minSelf: "10uchn") },
        { "invalid --pubkey 'abcd': expected a 33-byte compressed secp256k1 public key", CreateValidator(pubkey: "abcd") },
        { "invalid --pubkey '04", CreateValidator(pubkey: "04" + PubKey[2..]) },
        { "nothing to change", ["tx", "staking", "edit-validator", "--from", "op"] },
        { "invalid --commission-rate '2'", ["tx", "staking", "edit-validator", "--commission-rate", "2", "--from", "op"] },
        { "--moniker has 71 characters, at most 70", ["tx", "staking", "edit-validator", "--moniker", new string('m', 71), "--from", "op"] },
        { "invalid validator address 'chain1076k77euvrkrfz9kw9ut3xfvdfd0e4d2yd0n7c': address 'chain1076k77euvrkrfz9kw9ut3xfvdfd0e4d2yd0n7c' has prefix 'chain', expected 'chainvaloper'", ["tx", "staking", "delegate", Account, "5uchn", "--from", "op"] },
        { "invalid amount: amount '-5uchn'", ["tx", "staking", "delegate", Validator, "-5uchn", "--from", "op"] },
        { "invalid amount '0uchn': amounts must be above 0", ["tx", "staking", "unbond", Validator, "0uchn", "--from", "op"] },
        { "source and destination are the same validator", ["tx", "staking", "redelegate", Validator, Validator, "5", "--from", "op"] },
        { "invalid destination validator address", ["tx", "staking", "redelegate", Validator, "chainvaloper1xyz", "5", "--from", "op"] },
        { "invalid creation_height: heights start at 1", ["tx", "staking", "cancel-unbond", Validator, "5", "0", "--from", "op"] },
        { "--commission: " + Validator + " is not operated by the --from key", ["tx", "distribution", "withdraw-rewards", Validator, "--commission", "--from", "op"] },
        { "invalid amount '0': amounts must be above 0", ["tx", "distribution", "fund-community-pool", "0", "--from", "op"] },
        { "invalid --status 'jailed': one of unbonded, unbonding, bonded", ["query", "staking", "validators", "--status", "jailed"] },
        { "invalid validator address", ["query", "staking", "validator", Account] },
        { "invalid delegator address", ["query", "staking", "delegation", Validator, Validator] },
        { "invalid --page-key 'xyz'", ["query", "staking", "delegations", Account, "--page-key", "xyz"] },
        { "invalid validator address", ["query", "distribution", "rewards", Account, "chainvaloper1xyz"] },
        { "invalid address 'chain1076k77euvrkrfz9kw9ut3xfvdfd0e4d2yd0n7c'", ["query", "slashing", "signing-info", Account] },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_refused_before_any_call(string error, string[] args)
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["keys", "add", "op"]);

        var run = await CliRun.Invoke(temp.Root, [.. args, "--node", ClosedAddress()]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: " + error, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("cannot reach", run.Error);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task Create_validator_without_pubkey_in_a_home_without_a_node_key_names_the_missing_file()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["keys", "add", "op"]);

        var run = await CliRun.Invoke(temp.Root, [.. CreateValidator(pubkey: null), "--node", ClosedAddress()]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error);
        Assert.Contains("priv_validator_key.json: key file not found (run `chaind init`)", run.Error);
        Assert.DoesNotContain("cannot reach", run.Error);
    }

    [Fact]
    public async Task Staking_commands_are_listed_under_the_sdk_group_names()
    {
        using var temp = new TempHome();

        (string[] Group, string[] Commands)[] expected =
        [
            (["tx", "staking"], ["create-validator", "edit-validator", "delegate", "unbond", "redelegate", "cancel-unbond"]),
            (["tx", "distribution"], ["withdraw-rewards", "withdraw-all-rewards", "fund-community-pool"]),
            (["tx", "slashing"], ["unjail"]),
            (["query", "staking"], ["validators", "validator", "delegation", "delegations", "delegations-to", "unbonding-delegations", "redelegations", "pool", "params"]),
            (["query", "distribution"], ["rewards", "commission", "community-pool"]),
            (["query", "slashing"], ["signing-info", "signing-infos"]),
            (["query", "mint"], ["inflation"]),
        ];
        foreach (var (group, commands) in expected)
        {
            var help = await CliRun.Invoke(temp.Root, [.. group, "--help"]);
            Assert.Equal(0, help.ExitCode);
            foreach (var name in commands)
            {
                Assert.Matches($@"(?m)^ +{name}(\s|$)", help.Output);
            }
        }

        var tx = await CliRun.Invoke(temp.Root, ["tx", "--help"]);
        Assert.DoesNotMatch(@"(?m)^ +mint\s", tx.Output);
    }
}
