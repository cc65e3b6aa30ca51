using Chain.Proto.Consensus;
using Google.Protobuf;

namespace Chain.Consensus.Signing;

/// <summary>
/// The last signed state in its own small file (like CometBFT's priv_validator_state.json), as a
/// serialized <see cref="LastSignState"/>. Saved by writing a temporary file, fsyncing it and renaming it
/// over the old one, so a crash leaves either the old or the new state, never a torn one.
/// </summary>
public sealed class FileSignerStateStore(string path) : ISignerStateStore
{
    public string Path { get; } = path;

    public LastSignState? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return LastSignState.Parser.ParseFrom(File.ReadAllBytes(Path));
        }
        catch (InvalidProtocolBufferException e)
        {
            // Refuse to sign rather than forget what was signed.
            throw new InvalidDataException($"signer state file {Path} is corrupt: {e.Message}", e);
        }
    }

    public void Save(LastSignState state)
    {
        string temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            state.WriteTo(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
