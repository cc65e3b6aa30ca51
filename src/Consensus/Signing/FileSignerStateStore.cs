using Chain.Consensus.Durability;
using Chain.Proto.Consensus;
using Google.Protobuf;

namespace Chain.Consensus.Signing;

/// <summary>
/// The last signed state in its own small file (like CometBFT's priv_validator_state.json), as a
/// serialized <see cref="LastSignState"/>. Saved through <see cref="DurableFile.WriteAtomically"/>: a temporary file,
/// fsynced, renamed over the old one, then the directory fsynced, so a crash (power loss included) leaves either the
/// old or the new state, never a torn one nor a rename that did not reach the disk.
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
        DurableFile.WriteAtomically(Path, state.ToByteArray());
    }
}
