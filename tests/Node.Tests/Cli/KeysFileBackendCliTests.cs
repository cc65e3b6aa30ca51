using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;

namespace Chain.Node.Tests.Cli;

/// <summary>`chaind keys` on the file backend, through the real command tree: mnemonics, passphrases, armor.</summary>
public sealed class KeysFileBackendCliTests
{
    private const string Mnemonic = "barrel original fuel morning among eternal filter ball stove pluck matrix mechanic";

    private static Task<CliRun> Keys(TempHome temp, string passphrase, params string[] args) =>
        KeysWithInput(temp, passphrase, string.Empty, args);

    private static Task<CliRun> KeysWithInput(TempHome temp, string passphrase, string input, params string[] args)
    {
        var file = temp.PathOf("pass-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, passphrase + "\n");
        return CliRun.Invoke(temp.Root, ["keys", .. args, "--keyring-backend", "file", "--passphrase-file", file], input);
    }

    [Fact]
    public async Task Add_prints_a_24_word_mnemonic_once_that_recover_turns_back_into_the_same_key()
    {
        using var temp = new TempHome();

        var add = await Keys(temp, "first passphrase", "add", "alice");

        Assert.True(add.ExitCode == 0, add.Error);
        var address = add.Output.Trim();
        var mnemonic = add.Error.Split('\n').Single(l => l.Split(' ').Length == 24).Trim();
        Assert.Contains("saved encrypted", add.Error);
        Assert.True(File.Exists(temp.PathOf("keyring-file/alice.json")));
        Assert.DoesNotContain(mnemonic.Split(' ')[0] + " " + mnemonic.Split(' ')[1], File.ReadAllText(temp.PathOf("keyring-file/alice.json")));

        var recover = await KeysWithInput(temp, "second passphrase", mnemonic + "\n", "add", "alice-again", "--recover");
        Assert.True(recover.ExitCode == 0, recover.Error);
        Assert.Equal(address, recover.Output.Trim());

        var show = await CliRun.Invoke(temp.Root, ["keys", "show", "alice", "-a", "--keyring-backend", "file"]);
        Assert.Equal(address, show.Output.Trim());
    }

    [Fact]
    public async Task Recover_follows_the_hd_path_options()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.PathOf("mnemonic"), Mnemonic + "\n");

        var defaultPath = await Keys(temp, "a passphrase", "add", "p0", "--recover", "--mnemonic-file", temp.PathOf("mnemonic"));
        var index1 = await Keys(temp, "a passphrase", "add", "p1", "--recover", "--mnemonic-file", temp.PathOf("mnemonic"), "--index", "1");
        var path1 = await Keys(temp, "a passphrase", "add", "q1", "--recover", "--mnemonic-file", temp.PathOf("mnemonic"), "--hd-path", "m/44'/118'/0'/0/1");
        var both = await Keys(temp, "a passphrase", "add", "x", "--recover", "--mnemonic-file", temp.PathOf("mnemonic"), "--hd-path", "m/0", "--index", "1");

        // The Cosmos SDK's published key for this mnemonic on m/44'/118'/0'/0/0.
        var cosmos = PrivateKey.FromBytes(Convert.FromHexString("bfcb217c058d8bbafd5e186eae936106ca3e943889b0b4a093ae13822fd3170c"));
        Assert.Equal(Address.ToBech32(cosmos.Address), defaultPath.Output.Trim());
        Assert.Equal(index1.Output.Trim(), path1.Output.Trim());
        Assert.NotEqual(defaultPath.Output.Trim(), index1.Output.Trim());
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("not both", both.Error);
    }

    [Fact]
    public async Task A_bad_mnemonic_is_refused_and_writes_nothing()
    {
        using var temp = new TempHome();

        var run = await KeysWithInput(temp, "a passphrase", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon\n", "add", "k", "--recover");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("checksum", run.Error);
        Assert.False(File.Exists(temp.PathOf("keyring-file/k.json")));
    }

    [Fact]
    public async Task A_wrong_passphrase_is_refused_with_a_clear_error_and_prints_no_key()
    {
        using var temp = new TempHome();
        Assert.Equal(0, (await Keys(temp, "right passphrase", "add", "alice")).ExitCode);
        var before = File.ReadAllBytes(temp.PathOf("keyring-file/alice.json"));

        var export = await Keys(temp, "wrong passphrase", "export", "alice", "--unarmored-hex", "--unsafe");

        Assert.Equal(1, export.ExitCode);
        Assert.Equal(string.Empty, export.Output);
        Assert.Equal("Error: key 'alice': wrong passphrase, or the encrypted data was changed", export.Error.Trim());
        Assert.Equal(before, File.ReadAllBytes(temp.PathOf("keyring-file/alice.json")));
    }

    [Fact]
    public async Task Export_writes_armor_that_import_reads_into_either_backend()
    {
        using var temp = new TempHome();
        var address = (await Keys(temp, "keyring passphrase", "add", "alice")).Output.Trim();
        File.WriteAllText(temp.PathOf("armor-pass"), "armor passphrase\n");

        var export = await Keys(temp, "keyring passphrase", "export", "alice", "--armor-passphrase-file", temp.PathOf("armor-pass"));
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.StartsWith(KeyArmor.Begin, export.Output);
        File.WriteAllText(temp.PathOf("alice.armor"), export.Output);

        var wrong = temp.PathOf("wrong-pass");
        File.WriteAllText(wrong, "not the armor passphrase\n");
        var refused = await CliRun.Invoke(temp.Root, ["keys", "import", "copy", temp.PathOf("alice.armor"), "--armor-passphrase-file", wrong, "--keyring-backend", "test"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("armor: wrong passphrase", refused.Error);
        Assert.False(File.Exists(temp.PathOf("keyring/copy.json")));

        File.WriteAllText(temp.PathOf("tampered.armor"), export.Output.Replace("iterations: 3", "iterations: 4", StringComparison.Ordinal));
        var tampered = await CliRun.Invoke(temp.Root, ["keys", "import", "copy", temp.PathOf("tampered.armor"), "--armor-passphrase-file", temp.PathOf("armor-pass"), "--keyring-backend", "test"]);
        Assert.Equal(1, tampered.ExitCode);
        Assert.False(File.Exists(temp.PathOf("keyring/copy.json")));

        var import = await CliRun.Invoke(temp.Root, ["keys", "import", "copy", temp.PathOf("alice.armor"), "--armor-passphrase-file", temp.PathOf("armor-pass"), "--keyring-backend", "test"]);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal(address, import.Output.Trim());
        var list = await CliRun.Invoke(temp.Root, ["keys", "list", "--keyring-backend", "test"]);
        Assert.Equal($"copy\t{address}", list.Output.Trim());
    }

    [Fact]
    public async Task The_test_backend_says_it_is_unencrypted_and_delete_removes_a_key()
    {
        using var temp = new TempHome();

        var add = await CliRun.Invoke(temp.Root, ["keys", "add", "t", "--keyring-backend", "test"]);
        Assert.Contains("UNENCRYPTED", add.Error);
        Assert.Contains("testnets only", add.Error);

        var refused = await CliRun.Invoke(temp.Root, ["keys", "delete", "t", "--keyring-backend", "test"], input: "n\n");
        Assert.Equal(1, refused.ExitCode);
        Assert.True(File.Exists(temp.PathOf("keyring/t.json")));

        var delete = await CliRun.Invoke(temp.Root, ["keys", "delete", "t", "--keyring-backend", "test", "--yes"]);
        Assert.Equal(0, delete.ExitCode);
        Assert.False(File.Exists(temp.PathOf("keyring/t.json")));
    }

    [Fact]
    public async Task Without_a_flag_the_home_config_chooses_the_backend_and_file_is_the_default()
    {
        using var temp = new TempHome();
        var pass = temp.PathOf("pass");
        File.WriteAllText(pass, "init passphrase\n");

        // No CHAIND_CLIENT_KEYRING_BACKEND and no flag: init uses the file backend and records it.
        var init = await CliRun.Invoke(temp.Root, ["init", "--passphrase-file", pass], testKeyring: false);
        Assert.True(init.ExitCode == 0, init.Error);
        Assert.Equal(KeyringBackend.File, NodeConfigLoader.Load(new NodeHome(temp.Root).ConfigFile, _ => null).Client.KeyringBackend);
        Assert.True(File.Exists(temp.PathOf("keyring-file/validator.json")));
        Assert.False(File.Exists(temp.PathOf("keyring/validator.json")));

        var show = await CliRun.Invoke(temp.Root, ["keys", "show", "validator", "-a"], testKeyring: false);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.StartsWith("chain1", show.Output.Trim());

        var gentxWrong = temp.PathOf("wrong");
        File.WriteAllText(gentxWrong, "not it\n");
        var gentx = await CliRun.Invoke(temp.Root, ["genesis", "gentx", "validator", "1000000uchn", "--passphrase-file", gentxWrong, "--output-document", temp.PathOf("g.json")], testKeyring: false);
        Assert.Equal(1, gentx.ExitCode);
        Assert.Contains("wrong passphrase", gentx.Error);
        Assert.False(File.Exists(temp.PathOf("g.json")));
    }
}
