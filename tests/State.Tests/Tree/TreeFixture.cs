using System.Text;
using Chain.State.Storage;
using Chain.State.Tree;

namespace Chain.State.Tests.Tree;

/// <summary>Small helpers to commit versions of a tree in tests.</summary>
internal static class TreeFixture
{
    public static byte[] Key(string name) => Encoding.UTF8.GetBytes(name);

    public static KeyValuePair<byte[], byte[]?> Put(string key, string value) => new(Key(key), Encoding.UTF8.GetBytes(value));

    public static KeyValuePair<byte[], byte[]?> Delete(string key) => new(Key(key), null);

    /// <summary>Applies and writes one version; returns its root.</summary>
    public static byte[] Commit(IKeyValueStore store, JellyfishMerkleTree tree, ulong version, params KeyValuePair<byte[], byte[]?>[] changes)
    {
        using var batch = store.CreateBatch();
        var root = tree.ApplyBatch(version, changes, batch);
        store.Write(batch, sync: true);
        return root;
    }
}
