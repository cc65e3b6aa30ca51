using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Blocks;

/// <summary>Block ids: SHA-256 of the serialized header. An empty hash is a vote for nil.</summary>
public static class BlockIdentity
{
    public static BlockId Of(Block block) => Of(block.Header ?? new Header());

    public static BlockId Of(Header header) => new() { Hash = ByteString.CopyFrom(Chain.Crypto.Hashes.Sha256(header.ToByteArray())) };

    public static BlockId Nil { get; } = new();

    public static bool IsNil(BlockId? id) => id is null || id.Hash.IsEmpty;

    /// <summary>A string key for dictionaries; empty for nil.</summary>
    public static string Key(BlockId? id) => id is null || id.Hash.IsEmpty ? string.Empty : Convert.ToHexString(id.Hash.Span);
}
