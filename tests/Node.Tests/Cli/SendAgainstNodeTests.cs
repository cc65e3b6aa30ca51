using System.Globalization;
using System.Text.Json;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Node.Tests.Cli;

/// <summary>tx bank send and the queries, end to end through the CLI against one real node; each test has its own sender.</summary>
public sealed class SendAgainstNodeTests(TestNode node) : IClassFixture<TestNode>
{
    /// <summary>The CLI's default fee (--fees 2000uchn).</summary>
    private const ulong Fee = 2000;

    private static string NewAddress() => Address.ToBech32(PrivateKey.Generate().Address);

    /// <summary>Waits until `query tx` finds <paramref name="hash"/> in a committed block.</summary>
    private async Task<CliRun> CommittedTx(string hash)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var run = await node.Cli("query", "tx", hash);
            if (run.ExitCode == 0 || DateTime.UtcNow > deadline)
            {
                Assert.True(run.ExitCode == 0, $"tx {hash} was not committed within 15 s: {run.Error}");
                return run;
            }

            await Task.Delay(TestNode.BlockTime / 2);
        }
    }

    private async Task<ulong> Balance(string address)
    {
        var run = await node.Cli("query", "bank", "balance", address);
        Assert.True(run.ExitCode == 0, run.Error);
        var balance = run.Field("balance");
        Assert.EndsWith("uchn", balance);
        return ulong.Parse(balance[..^"uchn".Length], CultureInfo.InvariantCulture);
    }

    private async Task<ulong> Sequence(string address)
    {
        var run = await node.Cli("query", "bank", "account", address);
        Assert.True(run.ExitCode == 0, run.Error);
        return run.Number("sequence");
    }

    [Fact]
    public async Task Sync_send_moves_the_amount_and_the_sender_pays_the_fee()
    {
        var from = node.FundedKey("sync-sender");
        var to = NewAddress();

        var run = await node.Cli("tx", "bank", "send", "sync-sender", to, "1.5chn", "--memo", "hi");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("0", run.Field("code"));
        var hash = run.Field("txhash");
        var committed = await CommittedTx(hash);
        Assert.Equal("0", committed.Field("code"));
        Assert.True(committed.Number("height") >= 1);
        Assert.Equal(TestNode.AccountFunds - 1_500_000 - Fee, await Balance(from));
        Assert.Equal(1_500_000UL, await Balance(to));
        Assert.Equal(1UL, await Sequence(from));

        // The stored tx is the one the CLI signed: its memo, amount, and a signature over this chain's sign bytes.
        var stored = await new Service.ServiceClient(node.Channel).GetTxAsync(
            new GetTxRequest { TxHash = ByteString.CopyFrom(Convert.FromHexString(hash)) });
        var tx = Tx.Parser.ParseFrom(stored.TxBytes);
        Assert.Equal("hi", tx.Body.Memo);
        Assert.Equal(0UL, tx.AuthInfo.Signer.Sequence);
        var msg = MsgSend.Parser.ParseFrom(tx.Body.Messages.Single().Value);
        Assert.Equal((from, to, 1_500_000UL), (msg.FromAddress, msg.ToAddress, msg.Amount.Single().Amount));
        var account = await node.Cli("query", "bank", "account", from);
        var signBytes = TxFactory.SignBytes(node.ChainId, account.Number("account_number"), 0, tx.AuthInfo.Fee, tx.Body);
        Assert.True(PublicKey.VerifyMessage(tx.AuthInfo.Signer.PublicKey.Span, signBytes, tx.Signature.Span));
        Assert.Equal(Convert.ToHexStringLower(tx.AuthInfo.Signer.PublicKey.Span), account.Field("public_key"));
    }

    [Fact]
    public async Task Balance_with_prove_is_verified_against_a_block_header()
    {
        var from = node.FundedKey("prove-sender");
        var to = NewAddress();
        var send = await node.Cli("tx", "bank", "send", "prove-sender", to, "777uchn", "--broadcast-mode", "commit");
        Assert.True(send.ExitCode == 0, send.Error);
        await node.WaitForHeightAsync(send.Number("height") + 2);

        // Present key: an inclusion proof of the exact balance.
        var run = await node.Cli("query", "bank", "balance", to, "--prove");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal("777uchn", run.Field("balance"));
        Assert.StartsWith("verified against app hash", run.Field("proof"), StringComparison.Ordinal);

        // Absent key: a non-inclusion proof of a zero balance.
        var empty = await node.Cli("query", "bank", "balance", NewAddress(), "--prove");
        Assert.True(empty.ExitCode == 0, empty.Output + empty.Error);
        Assert.Equal("0uchn", empty.Field("balance"));
        Assert.StartsWith("verified", empty.Field("proof"), StringComparison.Ordinal);

        // An account proof covers the account number and sequence the response reports.
        var account = await node.Cli("query", "bank", "account", from, "--prove");
        Assert.True(account.ExitCode == 0, account.Output + account.Error);
        Assert.StartsWith("verified", account.Field("proof"), StringComparison.Ordinal);

        // The proof is the tree's own: a changed byte no longer leads to the header's app hash.
        var response = await new Query.QueryClient(node.Channel).BalanceAsync(new QueryBalanceRequest { Address = from, Denom = "uchn", Prove = true });
        var block = await new Chain.Proto.NodeService.Blocks.BlocksClient(node.Channel).GetBlockAsync(
            new Chain.Proto.NodeService.GetBlockRequest { Height = response.Proof.Version + 1 });
        var proof = Chain.State.Tree.SparseMerkleProof.Decode(response.Proof.Proof.Span);
        var root = block.Block.Header.AppHash.ToByteArray();
        Assert.True(proof.VerifyInclusion(root, response.Proof.Key.Span, response.Proof.Value.Span));
        var tampered = response.Proof.Value.ToByteArray();
        tampered[7] ^= 1;
        Assert.False(proof.VerifyInclusion(root, response.Proof.Key.Span, tampered));
    }

    [Fact]
    public async Task Commit_send_returns_the_block_height_of_the_tx()
    {
        var from = node.FundedKey("commit-sender");
        var to = NewAddress();

        var run = await node.Cli("tx", "bank", "send", "commit-sender", to, "250uchn", "--broadcast-mode", "commit", "--output", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var height = ulong.Parse(json.RootElement.GetProperty("height").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(height >= 1);
        Assert.Equal(0, json.RootElement.GetProperty("result").GetProperty("code").GetInt32());
        var hash = Convert.ToHexString(Convert.FromBase64String(json.RootElement.GetProperty("tx_hash").GetString()!));

        // Committed means queryable right away, at the height the broadcast reported.
        var tx = await node.Cli("query", "tx", hash);
        Assert.True(tx.ExitCode == 0, tx.Error);
        Assert.Equal(height, tx.Number("height"));
        Assert.Equal("0", tx.Field("code"));
        Assert.Contains("bank.transfer", tx.Field("events"));
        Assert.Equal(TestNode.AccountFunds - 250 - Fee, await Balance(from));
        Assert.Equal(250UL, await Balance(to));
        Assert.Equal(1UL, await Sequence(from));

        var block = await node.Cli("query", "block", height.ToString(CultureInfo.InvariantCulture));
        Assert.True(block.ExitCode == 0, block.Error);
        Assert.Equal(height, block.Number("height"));
        Assert.Equal(node.ChainId, block.Field("chain_id"));
        Assert.True(block.Number("txs") >= 1);
        Assert.Matches("^[0-9A-F]{64}$", block.Field("hash"));
    }

    [Fact]
    public async Task Transfers_leave_the_supply_unchanged()
    {
        node.FundedKey("supply-sender");
        var before = await node.Cli("query", "bank", "supply");

        var send = await node.Cli("tx", "bank", "send", "supply-sender", NewAddress(), "1000uchn", "--broadcast-mode", "commit");
        var after = await node.Cli("query", "bank", "supply");

        Assert.True(send.ExitCode == 0, send.Error);
        Assert.Equal($"{node.GenesisSupply}uchn", before.Field("supply"));
        Assert.Equal($"{node.GenesisSupply}uchn", after.Field("supply"));
        Assert.True(after.Number("height") >= send.Number("height"));
    }

    [Fact]
    public async Task Bank_params_are_served_as_text_and_json()
    {
        await node.WaitForHeightAsync(1);

        var text = await node.Cli("query", "bank", "params");
        var json = await node.Cli("query", "bank", "params", "--output", "json");

        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Equal("true", text.Field("send_enabled"));
        Assert.True(text.Number("height") >= 1);
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.True(doc.RootElement.GetProperty("params").GetProperty("send_enabled").GetBoolean());
    }

    [Fact]
    public async Task Latest_block_and_block_by_height_are_served()
    {
        await node.WaitForHeightAsync(2);

        var latest = await node.Cli("query", "block");
        var first = await node.Cli("query", "block", "1");
        var missing = await node.Cli("query", "block", "999999");

        Assert.True(latest.ExitCode == 0, latest.Error);
        Assert.True(latest.Number("height") >= 2);
        Assert.Equal(node.ChainId, latest.Field("chain_id"));
        Assert.Equal(1UL, first.Number("height"));
        Assert.Matches("^[0-9A-F]{64}$", first.Field("hash"));
        Assert.NotEqual(first.Field("hash"), latest.Field("hash"));
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("Error: ", missing.Error);
        Assert.Single(missing.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Status_prints_text_and_json()
    {
        var text = await node.Cli("status");
        var json = await node.Cli("status", "--output", "json");

        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Equal(node.ChainId, text.Field("chain_id"));
        Assert.Equal("test-node", text.Field("moniker"));
        Assert.True(text.Number("latest_height") >= 1);
        Assert.Matches("^[0-9A-F]{64}$", text.Field("latest_block_hash"));
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal(node.ChainId, doc.RootElement.GetProperty("chain_id").GetString());
        Assert.Equal("test-node", doc.RootElement.GetProperty("moniker").GetString());
        Assert.True(ulong.Parse(doc.RootElement.GetProperty("latest_height").GetString()!, CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Send_beyond_the_balance_fails_with_code_5_and_still_pays_the_fee()
    {
        var from = node.FundedKey("poor-sender");
        var to = NewAddress();

        var run = await node.Cli("tx", "bank", "send", "poor-sender", to, $"{TestNode.AccountFunds}uchn", "--broadcast-mode", "commit");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("5", run.Field("code"));
        Assert.Equal("bank", run.Field("codespace"));
        Assert.EndsWith($"{from} has {TestNode.AccountFunds - Fee}uchn, needs {TestNode.AccountFunds}uchn", run.Field("log"));
        Assert.StartsWith("Error: tx failed with code 5 (bank): ", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Equal(TestNode.AccountFunds - Fee, await Balance(from));
        Assert.Equal(0UL, await Balance(to));
        Assert.Equal(1UL, await Sequence(from));
    }

    [Fact]
    public async Task Fee_below_the_min_gas_price_is_refused_with_code_13()
    {
        var from = node.FundedKey("cheap-sender");

        // 1999uchn for 200000 gas is below the node's 0.01uchn per gas.
        var run = await node.Cli("tx", "bank", "send", "cheap-sender", NewAddress(), "10uchn", "--fees", "1999uchn");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("13", run.Field("code"));
        Assert.Contains("below the minimum", run.Field("log"));
        Assert.StartsWith("Error: tx failed with code 13 ", run.Error);
        await node.WaitForHeightAsync((await node.StatusAsync()).LatestHeight + 1);
        Assert.Equal(TestNode.AccountFunds, await Balance(from));
        Assert.Equal(0UL, await Sequence(from));
    }

    [Theory]
    [InlineData("chain1xyz", "5uchn", "invalid recipient address")]
    [InlineData("", "5", "invalid amount")]
    [InlineData("", "-5uchn", "invalid amount")]
    [InlineData("", "0uchn", "amounts must be above 0")]
    public async Task Bad_address_or_amount_is_one_line_and_nothing_is_sent(string to, string amount, string expected)
    {
        var name = "bad-input-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(to + amount)))[..8];
        var from = node.FundedKey(name);

        var run = await node.Cli("tx", "bank", "send", name, to.Length == 0 ? NewAddress() : to, amount);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith("Error: ", run.Error);
        Assert.Contains(expected, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(0UL, await Sequence(from));
    }

    [Fact]
    public async Task Sender_without_an_account_is_told_it_has_none()
    {
        await CliRun.Invoke(node.Home, ["keys", "add", "never-funded"]);
        var from = (await CliRun.Invoke(node.Home, ["keys", "show", "never-funded", "-a"])).Output.Trim();

        var run = await node.Cli("tx", "bank", "send", "never-funded", NewAddress(), "10uchn");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"Error: account {from} does not exist", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Unknown_tx_hash_is_not_found()
    {
        var hash = new string('A', 64);

        var run = await node.Cli("query", "tx", hash);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"Error: tx {hash} is not in a committed block", run.Error.Trim());
    }
}
