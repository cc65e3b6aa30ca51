using Chain.Client.Keys;
using Chain.Crypto;

namespace Chain.Client.Tests.Keys;

public sealed class KeyringTests
{
    [Fact]
    public void Added_keys_are_listed_and_shown()
    {
        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));

        var bob = keyring.Add("bob");
        var alice = keyring.Add("alice");

        Assert.Equal([alice, bob], keyring.List());
        Assert.Equal(bob, keyring.Show("bob"));
        Assert.StartsWith("chain1", bob.Address);
        Assert.Equal(bob.Address, Address.ToBech32(keyring.GetPrivateKey("bob").Address));
    }

    [Fact]
    public void Imported_key_keeps_its_address()
    {
        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));
        var key = PrivateKey.Generate();

        var info = keyring.Import("k", key);

        Assert.Equal(Address.ToBech32(key.Address), info.Address);
        Assert.Equal(key.ToBytes(), keyring.GetPrivateKey("k").ToBytes());
    }

    [Fact]
    public void Key_files_are_private()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));

        keyring.Add("v");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.PathOf("keyring/v.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.PathOf("keyring")));
    }

    [Fact]
    public void Key_pair_files_are_private_and_read_back()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempDirectory();
        var path = home.PathOf("priv_validator_key.json");
        var key = PrivateKey.Generate();

        KeyPairFile.Write(path, key);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(key.ToBytes(), KeyPairFile.Read(path).ToBytes());
        Assert.Throws<IOException>(() => KeyPairFile.Write(path, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x")]
    public void Bad_names_are_rejected(string name)
    {
        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));

        var e = Assert.Throws<KeyringException>(() => keyring.Add(name));
        Assert.Contains("invalid key name", e.Message);
    }

    [Fact]
    public void Existing_name_is_not_overwritten()
    {
        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));
        var first = keyring.Add("v");

        Assert.Throws<KeyringException>(() => keyring.Add("v"));
        Assert.Equal(first, keyring.Show("v"));
    }

    [Fact]
    public void Missing_key_is_a_keyring_error()
    {
        using var home = new TempDirectory();
        var e = Assert.Throws<KeyringException>(() => new Keyring(home.PathOf("keyring")).Show("nobody"));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Tampered_key_file_is_rejected()
    {
        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));
        keyring.Add("v");
        var other = keyring.Add("w");
        var path = home.PathOf("keyring/v.json");
        var text = File.ReadAllText(path);
        var address = keyring.Show("v").Address;
        File.WriteAllText(path, text.Replace(address, other.Address));

        Assert.Throws<KeyringException>(() => keyring.Show("v"));
    }
}
