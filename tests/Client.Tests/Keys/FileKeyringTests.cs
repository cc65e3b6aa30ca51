using System.Text.Json;
using System.Text.Json.Nodes;
using Chain.Client.Keys;
using Chain.Crypto;

namespace Chain.Client.Tests.Keys;

/// <summary>The file backend: keys sealed under a passphrase, refused when the passphrase is wrong or a byte changed.</summary>
public sealed class FileKeyringTests
{
    // The least cost the keyring accepts, so the tests do not spend 64 MiB per derivation; the format stores it.
    private static readonly KdfParameters Cheap = new(KdfParameters.MinMemoryKib, 1, 1);

    private static Keyring FileKeyring(TempDirectory home, string passphrase) =>
        new(home.PathOf("keyring-file"), KeyringBackend.File, new FixedPassphrase(passphrase), Cheap);

    /// <summary>A passphrase source that fails the test when asked.</summary>
    private sealed class NoPassphrase : IPassphraseSource
    {
        public string Get(string purpose, bool isNew) => throw new Xunit.Sdk.XunitException($"asked for a passphrase for {purpose}");
    }

    [Fact]
    public void A_key_comes_back_with_its_passphrase_and_its_file_holds_no_clear_secret()
    {
        using var home = new TempDirectory();
        var key = PrivateKey.Generate();

        var info = FileKeyring(home, "correct horse").Import("alice", key);

        Assert.Equal(key.ToBytes(), FileKeyring(home, "correct horse").GetPrivateKey("alice").ToBytes());
        var text = File.ReadAllText(home.PathOf("keyring-file/alice.json"));
        Assert.DoesNotContain(Convert.ToHexStringLower(key.ToBytes()), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(key.ToBytes()), text, StringComparison.Ordinal);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("argon2id", (string?)json["kdf"]);
        Assert.Equal("xchacha20poly1305", (string?)json["cipher"]);
        Assert.Equal(info.Address, (string?)json["address"]);
    }

    [Fact]
    public void List_and_show_need_no_passphrase()
    {
        using var home = new TempDirectory();
        var added = FileKeyring(home, "passphrase-1").Import("bob", PrivateKey.Generate());
        var keyring = new Keyring(home.PathOf("keyring-file"), KeyringBackend.File, new NoPassphrase());

        Assert.Equal(added, keyring.Show("bob"));
        Assert.Equal([added], keyring.List());
    }

    [Fact]
    public void A_wrong_passphrase_is_refused_and_changes_nothing()
    {
        using var home = new TempDirectory();
        FileKeyring(home, "right passphrase").Import("alice", PrivateKey.Generate());
        var before = File.ReadAllBytes(home.PathOf("keyring-file/alice.json"));

        var e = Assert.Throws<KeyringException>(() => FileKeyring(home, "wrong passphrase").GetPrivateKey("alice"));

        Assert.Contains("wrong passphrase", e.Message);
        Assert.Equal(before, File.ReadAllBytes(home.PathOf("keyring-file/alice.json")));
        Assert.Single(Directory.GetFiles(home.PathOf("keyring-file")));
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("nonce")]
    [InlineData("salt")]
    [InlineData("address")]
    [InlineData("public_key")]
    public void A_changed_field_is_refused(string field)
    {
        using var home = new TempDirectory();
        FileKeyring(home, "passphrase-2").Import("alice", PrivateKey.Generate());
        var path = home.PathOf("keyring-file/alice.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var other = FileKeyring(home, "passphrase-2").Import("other", PrivateKey.Generate());
        json[field] = field switch
        {
            "ciphertext" => Flip(Convert.FromBase64String((string)json[field]!), Convert.ToBase64String),
            "address" => other.Address,
            "public_key" => other.PublicKey,
            _ => Flip(Convert.FromHexString((string)json[field]!), Convert.ToHexStringLower),
        };
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<KeyringException>(() => FileKeyring(home, "passphrase-2").GetPrivateKey("alice"));

        Assert.Contains("wrong passphrase, or the encrypted data was changed", e.Message);
    }

    [Fact]
    public void An_absurd_kdf_cost_in_a_key_file_is_refused_before_it_is_spent()
    {
        using var home = new TempDirectory();
        FileKeyring(home, "passphrase-3").Import("alice", PrivateKey.Generate());
        var path = home.PathOf("keyring-file/alice.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["memory_kib"] = int.MaxValue;
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<KeyringException>(() => FileKeyring(home, "passphrase-3").GetPrivateKey("alice"));

        Assert.Contains("argon2id memory", e.Message);
    }

    [Fact]
    public void Files_are_0600_in_a_0700_directory_and_shared_ones_are_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempDirectory();
        FileKeyring(home, "passphrase-4").Import("alice", PrivateKey.Generate());
        var path = home.PathOf("keyring-file/alice.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.PathOf("keyring-file")));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var file = Assert.Throws<KeyringException>(() => FileKeyring(home, "passphrase-4").GetPrivateKey("alice"));
        Assert.Contains("mode 0640", file.Message);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(home.PathOf("keyring-file"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var directory = Assert.Throws<KeyringException>(() => FileKeyring(home, "passphrase-4").Show("alice"));
        Assert.Contains("mode 0705", directory.Message);
    }

    [Fact]
    public void A_test_keyring_file_that_others_may_read_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempDirectory();
        var keyring = new Keyring(home.PathOf("keyring"));
        keyring.Add("t");
        File.SetUnixFileMode(home.PathOf("keyring/t.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = Assert.Throws<KeyringException>(() => keyring.GetPrivateKey("t"));

        Assert.Contains("lets group or others at a private key", e.Message);
    }

    [Fact]
    public void A_key_from_a_new_mnemonic_is_the_one_the_mnemonic_recovers()
    {
        using var home = new TempDirectory();
        var keyring = FileKeyring(home, "passphrase-5");

        var (info, mnemonic) = keyring.AddFromNewMnemonic("m", HdPath.Bip44(0, 2));

        Assert.Equal(24, mnemonic.Split(' ').Length);
        var recovered = MnemonicKey.Derive(mnemonic, HdPath.Bip44(0, 2));
        Assert.Equal(info.Address, Address.ToBech32(recovered.Address));
        Assert.Equal(recovered.ToBytes(), keyring.GetPrivateKey("m").ToBytes());
    }

    [Fact]
    public void Adding_an_existing_name_fails_and_keeps_the_old_key()
    {
        using var home = new TempDirectory();
        var keyring = FileKeyring(home, "passphrase-6");
        var first = keyring.Import("k", PrivateKey.Generate());

        Assert.Throws<KeyringException>(() => keyring.Import("k", PrivateKey.Generate()));

        Assert.Equal(first, keyring.Show("k"));
    }

    [Fact]
    public void Delete_removes_only_that_key()
    {
        using var home = new TempDirectory();
        var keyring = FileKeyring(home, "passphrase-7");
        keyring.Import("a", PrivateKey.Generate());
        var b = keyring.Import("b", PrivateKey.Generate());

        keyring.Delete("a");

        Assert.Equal([b], keyring.List());
        Assert.Throws<KeyringException>(() => keyring.Delete("a"));
    }

    [Fact]
    public void A_passphrase_file_gives_its_first_line_and_an_oversized_one_is_refused()
    {
        using var home = new TempDirectory();
        File.WriteAllText(home.PathOf("p"), "line one\nline two\n");
        File.WriteAllText(home.PathOf("big"), new string('x', FixedPassphrase.MaxFileBytes + 1));

        Assert.Equal("line one", FixedPassphrase.FromFile(home.PathOf("p")).Get("k", isNew: false));
        Assert.Contains("one line of at most", Assert.Throws<KeyringException>(() => FixedPassphrase.FromFile(home.PathOf("big"))).Message);
        Assert.Contains("not found", Assert.Throws<KeyringException>(() => FixedPassphrase.FromFile(home.PathOf("none"))).Message);
    }

    private static string Flip(byte[] bytes, Func<byte[], string> encode)
    {
        bytes[bytes.Length / 2] ^= 0x01;
        return encode(bytes);
    }
}
