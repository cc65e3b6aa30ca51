using Chain.Client.Keys;
using Chain.Crypto;

namespace Chain.Client.Tests.Keys;

public sealed class KeyArmorTests
{
    private static readonly KdfParameters Cheap = new(KdfParameters.MinMemoryKib, 1, 1);

    [Fact]
    public void Armor_names_its_parameters_and_opens_with_its_passphrase()
    {
        var key = PrivateKey.Generate();

        var armor = KeyArmor.Write(key, "export passphrase", Cheap);

        Assert.StartsWith(KeyArmor.Begin + "\nversion: 1\ntype: secp256k1\nkdf: argon2id\nmemory_kib: 8192\niterations: 1\nparallelism: 1\nsalt: ", armor);
        Assert.Contains("\ncipher: xchacha20poly1305\nnonce: ", armor);
        Assert.EndsWith(KeyArmor.End + "\n", armor);
        Assert.DoesNotContain(Convert.ToHexStringLower(key.ToBytes()), armor);
        Assert.Equal(key.ToBytes(), KeyArmor.Read(armor, "export passphrase").ToBytes());
        Assert.Equal(key.ToBytes(), KeyArmor.Read(armor.Replace("\n", "\r\n"), "export passphrase").ToBytes());
    }

    [Fact]
    public void A_wrong_passphrase_is_refused()
    {
        var armor = KeyArmor.Write(PrivateKey.Generate(), "export passphrase", Cheap);

        var e = Assert.Throws<KeyringException>(() => KeyArmor.Read(armor, "another passphrase"));

        Assert.Contains("wrong passphrase", e.Message);
    }

    [Theory]
    [InlineData("iterations: 1", "iterations: 2")]
    [InlineData("type: secp256k1", "type: ed25519")]
    [InlineData("version: 1", "version: 2")]
    [InlineData("kdf: argon2id", "kdf: scrypt")]
    [InlineData("memory_kib: 8192", "memory_kib: 99999999")]
    public void A_changed_header_is_refused(string from, string to)
    {
        var armor = KeyArmor.Write(PrivateKey.Generate(), "export passphrase", Cheap);

        Assert.Throws<KeyringException>(() => KeyArmor.Read(armor.Replace(from, to, StringComparison.Ordinal), "export passphrase"));
    }

    [Fact]
    public void A_changed_salt_nonce_or_body_is_refused()
    {
        var armor = KeyArmor.Write(PrivateKey.Generate(), "export passphrase", Cheap);
        var lines = armor.Split('\n');
        foreach (var index in new[] { Array.FindIndex(lines, l => l.StartsWith("salt: ")), Array.FindIndex(lines, l => l.StartsWith("nonce: ")), Array.IndexOf(lines, string.Empty) + 1 })
        {
            var changed = (string[])lines.Clone();
            var chars = changed[index].ToCharArray();
            chars[^2] = chars[^2] == 'a' ? 'b' : 'a';
            changed[index] = new string(chars);

            var e = Assert.Throws<KeyringException>(() => KeyArmor.Read(string.Join('\n', changed), "export passphrase"));
            Assert.StartsWith("armor: ", e.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not armor at all")]
    [InlineData("-----BEGIN CHAIN PRIVATE KEY-----\nversion: 1\n\nAAAA\n-----END CHAIN PRIVATE KEY-----")]
    [InlineData("-----BEGIN CHAIN PRIVATE KEY-----\nversion: 1\nversion: 1\n\nAAAA\n-----END CHAIN PRIVATE KEY-----")]
    [InlineData("-----BEGIN CHAIN PRIVATE KEY-----\ncomment: hi\n\nAAAA\n-----END CHAIN PRIVATE KEY-----")]
    public void Malformed_armor_is_a_clear_error(string armor)
    {
        var e = Assert.Throws<KeyringException>(() => KeyArmor.Read(armor, "export passphrase"));

        Assert.StartsWith("armor: ", e.Message);
    }

    [Fact]
    public void Import_with_a_wrong_passphrase_writes_nothing_and_the_right_one_round_trips()
    {
        using var home = new TempDirectory();
        var source = new Keyring(home.PathOf("a"), KeyringBackend.File, new FixedPassphrase("keyring passphrase"), Cheap);
        var info = source.Import("k", PrivateKey.Generate());
        var armor = source.ExportArmor("k", new FixedPassphrase("export passphrase"));
        var target = new Keyring(home.PathOf("b"), KeyringBackend.File, new FixedPassphrase("other keyring passphrase"), Cheap);

        Assert.Throws<KeyringException>(() => target.ImportArmor("k", armor, new FixedPassphrase("wrong export passphrase")));
        Assert.False(Directory.Exists(home.PathOf("b")) && Directory.EnumerateFiles(home.PathOf("b")).Any());

        var imported = target.ImportArmor("k", armor, new FixedPassphrase("export passphrase"));
        Assert.Equal(info, imported);
        Assert.Equal(source.GetPrivateKey("k").ToBytes(), target.GetPrivateKey("k").ToBytes());
    }
}
