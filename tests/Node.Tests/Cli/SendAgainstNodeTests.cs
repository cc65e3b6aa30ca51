using System.Text.Json;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;

namespace Chain.Node.Tests.Cli;

public sealed class SendAgainstNodeTests
{
    private static async Task<(TempHome Temp, string From)> Home()
    {
        var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var from = (await CliRun.Invoke(temp.Root, ["keys", "show", "validator", "-a"])).Output.Trim();
        return (temp, from);
    }

    [Fact]
    public async Task Send_signs_for_the_chain_and_account_the_node_reports()
    {
        var (temp, from) = await Home();
        using var _ = temp;
        var state = new FakeNodeState();
        state.Accounts[from] = new Account { Address = from, AccountNumber = 5, Sequence = 9 };
        await using var node = await FakeNode.StartAsync(state);
        var to = Address.ToBech32(PrivateKey.Generate().Address);

        var run = await CliRun.Invoke(temp.Root, ["tx", "bank", "send", "validator", to, "1.5chn", "--memo", "hi", "--node", node.Address]);

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(state.Broadcasts);
        Assert.Equal(BroadcastMode.Sync, request.Mode);
        var tx = Tx.Parser.ParseFrom(request.TxBytes);
        var msg = MsgSend.Parser.ParseFrom(tx.Body.Messages.Single().Value);
        Assert.Equal(from, msg.FromAddress);
        Assert.Equal(to, msg.ToAddress);
        Assert.Equal(1_500_000UL, msg.Amount.Single().Amount);
        Assert.Equal("hi", tx.Body.Memo);
        Assert.Equal(9UL, tx.AuthInfo.Signer.Sequence);
        Assert.Equal(200_000UL, tx.AuthInfo.Fee.GasLimit);
        Assert.Equal(2000UL, tx.AuthInfo.Fee.Amount.Single().Amount);
        var signBytes = TxFactory.SignBytes("fake-1", 5, 9, tx.AuthInfo.Fee, tx.Body);
        Assert.True(PublicKey.VerifyMessage(tx.AuthInfo.Signer.PublicKey.Span, signBytes, tx.Signature.Span));
        Assert.Contains("txhash: " + Convert.ToHexString(TxFactory.Hash(request.TxBytes.Span)), run.Output);
        Assert.Contains("code: 0", run.Output);
    }

    [Fact]
    public async Task Given_sequence_and_chain_id_skip_the_queries_and_commit_mode_is_sent()
    {
        var (temp, from) = await Home();
        using var _ = temp;
        var state = new FakeNodeState();
        await using var node = await FakeNode.StartAsync(state);

        var run = await CliRun.Invoke(temp.Root,
        [
            "tx", "bank", "send", "validator", from, "10uchn", "--node", node.Address, "--chain-id", "mine",
            "--sequence", "3", "--account-number", "1", "--broadcast-mode", "commit", "--output", "json",
        ]);

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(state.Broadcasts);
        Assert.Equal(BroadcastMode.Commit, request.Mode);
        var tx = Tx.Parser.ParseFrom(request.TxBytes);
        Assert.True(PublicKey.VerifyMessage(
            tx.AuthInfo.Signer.PublicKey.Span, TxFactory.SignBytes("mine", 1, 3, tx.AuthInfo.Fee, tx.Body), tx.Signature.Span));
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(43UL, ulong.Parse(json.RootElement.GetProperty("height").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Failed_tx_exits_non_zero_with_its_code_and_log()
    {
        var (temp, from) = await Home();
        using var _ = temp;
        var state = new FakeNodeState { Result = new TxResult { Code = 5, Codespace = "bank", Log = "insufficient funds" } };
        state.Accounts[from] = new Account { Address = from };
        await using var node = await FakeNode.StartAsync(state);

        var run = await CliRun.Invoke(temp.Root, ["tx", "bank", "send", "validator", from, "10uchn", "--node", node.Address]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("code: 5", run.Output);
        Assert.Equal("Error: tx failed with code 5 (bank): insufficient funds", run.Error.Trim());
    }

    [Fact]
    public async Task Unknown_sender_account_is_a_clear_error()
    {
        var (temp, from) = await Home();
        using var _ = temp;
        await using var node = await FakeNode.StartAsync(new FakeNodeState());

        var run = await CliRun.Invoke(temp.Root, ["tx", "bank", "send", "validator", from, "10uchn", "--node", node.Address]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"Error: account {from} not found", run.Error.Trim());
    }

    [Fact]
    public async Task Balance_and_status_print_text_and_json()
    {
        var (temp, from) = await Home();
        using var _ = temp;
        await using var node = await FakeNode.StartAsync(new FakeNodeState());

        var text = await CliRun.Invoke(temp.Root, ["query", "bank", "balance", from, "--node", node.Address]);
        var status = await CliRun.Invoke(temp.Root, ["status", "--node", node.Address, "-o", "json"]);

        Assert.Contains("balance: 777uchn", text.Output);
        using var json = JsonDocument.Parse(status.Output);
        Assert.Equal("fake-1", json.RootElement.GetProperty("chain_id").GetString());
        Assert.Equal("fake", json.RootElement.GetProperty("moniker").GetString());
    }
}
