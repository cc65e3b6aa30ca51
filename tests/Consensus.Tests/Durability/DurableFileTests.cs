using Chain.Consensus.Durability;
using Chain.Consensus.Signing;
using Chain.Proto.Consensus;

namespace Chain.Consensus.Tests.Durability;

/// <summary>
/// The durable write path: temp file, fsync, rename, directory fsync. Only a power loss shows a missing directory
/// fsync, so these tests prove the path runs and keeps the content, not that the rename reached the disk.
/// </summary>
public sealed class DurableFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chain-durable-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_directory_is_synced_without_error_and_a_missing_one_is_an_error_naming_it()
    {
        DurableFile.SyncDirectory(_dir);

        string missing = Path.Combine(_dir, "missing");
        if (!OperatingSystem.IsWindows())
        {
            var e = Assert.Throws<IOException>(() => DurableFile.SyncDirectory(missing));
            Assert.Contains(missing, e.Message);
        }
    }

    [Fact]
    public void An_atomic_write_replaces_the_file_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_dir, "state");
        DurableFile.WriteAtomically(path, "old"u8);
        DurableFile.WriteAtomically(path, "new"u8);

        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void The_signer_state_survives_a_reopen_of_its_file()
    {
        string path = Path.Combine(_dir, "priv_validator_state.pb");
        var state = new LastSignState { Height = 7, Round = 2 };
        new FileSignerStateStore(path).Save(state);

        Assert.Equal(state, new FileSignerStateStore(path).Load());
        Assert.Equal([path], Directory.GetFiles(_dir));
    }
}
