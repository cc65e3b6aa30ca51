using Chain.Crypto;

namespace Chain.Node.Tests.Cli;

/// <summary>`chaind tx` signing with a file-backend key against a real node: the right passphrase signs, a wrong one sends nothing.</summary>
public sealed class FileKeyringSendTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public async Task A_file_keyring_key_signs_a_send_only_with_its_passphrase()
    {
        using var temp = new TempHome();
        node.FundedKey("file-funded");
        var hex = await CliRun.Invoke(node.Home, ["keys", "export", "file-funded", "--unarmored-hex", "--unsafe"]);
        Assert.True(hex.ExitCode == 0, hex.Error);
        var pass = temp.PathOf("pass");
        File.WriteAllText(pass, "sender passphrase\n");
        var wrong = temp.PathOf("wrong");
        File.WriteAllText(wrong, "not the passphrase\n");
        var add = await CliRun.Invoke(node.Home, ["keys", "add", "file-sender", "--recover", "--keyring-backend", "file", "--passphrase-file", pass], input: hex.Output);
        Assert.True(add.ExitCode == 0, add.Error);
        var to = Address.ToBech32(PrivateKey.Generate().Address);

        var refused = await node.Cli("tx", "bank", "send", "file-sender", to, "5uchn", "--keyring-backend", "file", "--passphrase-file", wrong, "--broadcast-mode", "commit");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("wrong passphrase", refused.Error);

        var sent = await node.Cli("tx", "bank", "send", "file-sender", to, "5uchn", "--keyring-backend", "file", "--passphrase-file", pass, "--broadcast-mode", "commit");
        Assert.True(sent.ExitCode == 0, sent.Error + sent.Output);
        var balance = await node.Cli("query", "bank", "balance", to);
        Assert.Equal("5uchn", balance.Field("balance"));
    }
}
