using System.Text.Json;
using Chain.Crypto;

namespace Chain.Node.Tests.Cli;

public sealed class KeysCommandTests
{
    [Fact]
    public async Task Added_key_is_listed_shown_and_exported()
    {
        using var temp = new TempHome();
        var add = await CliRun.Invoke(temp.Root, ["keys", "add", "alice"]);
        Assert.Equal(0, add.ExitCode);
        var address = add.Output.Trim();
        Assert.StartsWith("chain1", address);

        var list = await CliRun.Invoke(temp.Root, ["keys", "list", "--output", "json"]);
        using var json = JsonDocument.Parse(list.Output);
        var only = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("alice", only.GetProperty("name").GetString());
        Assert.Equal(address, only.GetProperty("address").GetString());

        var show = await CliRun.Invoke(temp.Root, ["keys", "show", "alice", "--address"]);
        Assert.Equal(address, show.Output.Trim());

        var export = await CliRun.Invoke(temp.Root, ["keys", "export", "alice", "--unarmored-hex", "--unsafe"]);
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("WARNING", export.Error);
        var key = PrivateKey.FromBytes(Convert.FromHexString(export.Output.Trim()));
        Assert.Equal(address, Address.ToBech32(key.Address));
    }

    [Fact]
    public async Task Recover_reads_the_private_key_from_stdin()
    {
        using var temp = new TempHome();
        var key = PrivateKey.Generate();

        var run = await CliRun.Invoke(temp.Root, ["keys", "add", "bob", "--recover"], input: Convert.ToHexString(key.ToBytes()) + "\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Address.ToBech32(key.Address), run.Output.Trim());
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Recover_rejects_a_bad_private_key(string input)
    {
        using var temp = new TempHome();

        var run = await CliRun.Invoke(temp.Root, ["keys", "add", "bob", "--recover"], input: input);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error);
        Assert.False(File.Exists(temp.PathOf("keyring/bob.json")));
    }

    [Fact]
    public async Task Bad_name_and_missing_key_are_one_line_errors()
    {
        using var temp = new TempHome();

        var bad = await CliRun.Invoke(temp.Root, ["keys", "add", "../x"]);
        var missing = await CliRun.Invoke(temp.Root, ["keys", "show", "nobody"]);

        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("Error: invalid key name '../x': use 1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'", bad.Error.Trim());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("key 'nobody' not found", missing.Error);
        Assert.Single(missing.Error.TrimEnd().Split('\n'));
    }
}
