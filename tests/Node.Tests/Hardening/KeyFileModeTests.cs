using Chain.Client.Keys;
using Chain.Crypto;

namespace Chain.Node.Tests.Hardening;

/// <summary>A private key file that group or others may read is refused, with the file and its mode named.</summary>
public sealed class KeyFileModeTests
{
    [Fact]
    public void A_key_file_readable_by_group_or_others_is_refused_naming_the_file_and_its_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        var path = home.PathOf("node_key.json");
        KeyPairFile.Write(path, PrivateKey.Generate());
        Assert.NotNull(KeyPairFile.Read(path));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = Assert.Throws<KeyringException>(() => KeyPairFile.Read(path));
        Assert.Contains(path, refused.Message);
        Assert.Contains("0644", refused.Message);
    }
}
