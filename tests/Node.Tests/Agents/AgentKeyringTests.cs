using Chain.Agents;
using Chain.Client.Keys;
using Chain.Crypto;

namespace Chain.Node.Tests.Agents;

/// <summary>Which keyring an agent signs from: keyring_backend and passphrase_file of its TOML.</summary>
public sealed class AgentKeyringTests
{
    private static AgentSettings Parse(string text) => AgentSettings.Read(TomlSettings.Parse(text, "agent.toml"));

    [Fact]
    public void A_file_keyring_key_loads_with_its_passphrase_file_only()
    {
        using var temp = new TempHome();
        var key = PrivateKey.Generate();
        new Keyring(KeyringBackends.DirectoryUnder(temp.Root, KeyringBackend.File), KeyringBackend.File, new FixedPassphrase("agent passphrase"))
            .Import("signer", key);
        File.WriteAllText(temp.PathOf("right"), "agent passphrase\n");
        File.WriteAllText(temp.PathOf("wrong"), "something else\n");
        var home = temp.Root.Replace("\\", "/", StringComparison.Ordinal);

        var loaded = Parse($"home = \"{home}\"\nkey = \"signer\"\npassphrase_file = \"{temp.PathOf("right")}\"").LoadKey();
        var wrong = Assert.Throws<AgentConfigException>(() => Parse($"home = \"{home}\"\nkey = \"signer\"\npassphrase_file = \"{temp.PathOf("wrong")}\"").LoadKey());
        var none = Assert.Throws<AgentConfigException>(() => Parse($"home = \"{home}\"\nkey = \"signer\"").LoadKey());

        Assert.Equal(key.ToBytes(), loaded.ToBytes());
        Assert.Contains("wrong passphrase", wrong.Message);
        Assert.Contains("needs passphrase_file", none.Message);
    }

    [Fact]
    public void The_test_keyring_is_chosen_explicitly_and_takes_no_passphrase_file()
    {
        using var temp = new TempHome();
        var key = PrivateKey.Generate();
        new Keyring(KeyringBackends.DirectoryUnder(temp.Root, KeyringBackend.Test)).Import("signer", key);
        var home = temp.Root.Replace("\\", "/", StringComparison.Ordinal);

        var loaded = Parse($"home = \"{home}\"\nkey = \"signer\"\nkeyring_backend = \"test\"").LoadKey();
        var both = Assert.Throws<AgentConfigException>(() => Parse($"key = \"signer\"\nkeyring_backend = \"test\"\npassphrase_file = \"/p\""));
        var bad = Assert.Throws<AgentConfigException>(() => Parse("key = \"signer\"\nkeyring_backend = \"os\""));

        Assert.Equal(key.ToBytes(), loaded.ToBytes());
        Assert.Contains("passphrase_file: the test keyring has no passphrase", both.Message);
        Assert.Contains("keyring_backend: \"os\" is not", bad.Message);
    }
}
