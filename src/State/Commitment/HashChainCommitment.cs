using System.Buffers.Binary;
using System.Security.Cryptography;
using Chain.State.Storage;

namespace Chain.State.Commitment;

/// <summary>
/// Interim app hash: root(v) = SHA-256(root(v-1) || each write in key order as
/// len(key) key flag [len(value) value]). Any difference in any write makes roots diverge at the
/// first block, but it proves nothing about single keys: the authenticated tree replaces it.
/// Roots are kept in the Meta column family under "hc/root".
/// </summary>
public sealed class HashChainCommitment : IStateCommitment
{
    private static readonly byte[] RootKey = "hc/root"u8.ToArray();
    private readonly IKeyValueStore _store;

    public HashChainCommitment(IKeyValueStore store)
    {
        _store = store;
        var saved = store.Get(ColumnFamily.Meta, RootKey);
        if (saved is { Length: 40 })
        {
            LatestVersion = BinaryPrimitives.ReadUInt64BigEndian(saved);
            LatestRoot = saved[8..];
        }
        else
        {
            LatestRoot = SHA256.HashData([]);
        }
    }

    public ulong LatestVersion { get; private set; }

    public byte[] LatestRoot { get; private set; }

    public byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(LatestRoot);
        Span<byte> len = stackalloc byte[4];
        foreach (var (key, value) in sortedWrites)
        {
            BinaryPrimitives.WriteInt32BigEndian(len, key.Length);
            hash.AppendData(len);
            hash.AppendData(key);
            if (value is null)
            {
                hash.AppendData([0]);
            }
            else
            {
                hash.AppendData([1]);
                BinaryPrimitives.WriteInt32BigEndian(len, value.Length);
                hash.AppendData(len);
                hash.AppendData(value);
            }
        }

        var root = hash.GetHashAndReset();
        var saved = new byte[40];
        BinaryPrimitives.WriteUInt64BigEndian(saved, version);
        root.CopyTo(saved, 8);
        batch.Put(ColumnFamily.Meta, RootKey, saved);
        return root;
    }

    public void OnCommitted(ulong version, byte[] root)
    {
        LatestVersion = version;
        LatestRoot = root;
    }

    public StateProofResult? Prove(ReadOnlySpan<byte> key, ulong version) => null;

    public bool Verify(byte[] root, ReadOnlySpan<byte> key, byte[]? value, ReadOnlySpan<byte> proof) => false;
}
