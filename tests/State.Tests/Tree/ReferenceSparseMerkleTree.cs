using System.Security.Cryptography;
using System.Text;

namespace Chain.State.Tests.Tree;

/// <summary>
/// An independent, deliberately naive model of the tree's hash, written from the specification in
/// docs/state-tree.md rather than from the implementation: a binary sparse Merkle tree over the bits of
/// SHA-256(key), where an empty subtree is the placeholder and a subtree with one key is that key's leaf.
/// (The 16-ary node hash of the real tree is defined to equal this.) Recomputes everything from scratch.
/// </summary>
internal sealed class ReferenceSparseMerkleTree
{
    private readonly List<(byte[] KeyHash, byte[] ValueHash)> _entries;

    public ReferenceSparseMerkleTree(IReadOnlyDictionary<string, byte[]> state)
    {
        _entries = state.Select(kv => (KeyHash(Encoding.UTF8.GetBytes(kv.Key)), SHA256.HashData(kv.Value))).ToList();
        Root = Hash(_entries, 0);
    }

    public static byte[] Placeholder => SHA256.HashData(Encoding.ASCII.GetBytes("Chain.StateTree.Empty"));

    public static byte[] KeyHash(byte[] key) => SHA256.HashData(key);

    public static byte[] Leaf(byte[] keyHash, byte[] valueHash) => SHA256.HashData([0x00, .. keyHash, .. valueHash]);

    public static byte[] Internal(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>The root over the map of logical key to value.</summary>
    public byte[] Root { get; }

    /// <summary>
    /// The proof the tree should give for <paramref name="key"/>: the sibling hashes from the root down and
    /// the leaf the path ends in (key hash, value hash) or null for an empty subtree.
    /// </summary>
    public (List<byte[]> Siblings, (byte[] KeyHash, byte[] ValueHash)? Leaf) Proof(byte[] key)
    {
        var target = KeyHash(key);
        var set = _entries;
        var siblings = new List<byte[]>();
        for (var depth = 0; ; depth++)
        {
            if (set.Count == 0)
            {
                return (siblings, null);
            }

            if (set.Count == 1)
            {
                return (siblings, set[0]);
            }

            var mine = set.Where(e => BitOf(e.KeyHash, depth) == BitOf(target, depth)).ToList();
            var other = set.Where(e => BitOf(e.KeyHash, depth) != BitOf(target, depth)).ToList();
            siblings.Add(Hash(other, depth + 1));
            set = mine;
        }
    }

    /// <summary>The proof encoding of docs/state-tree.md, built by hand.</summary>
    public static byte[] EncodeProof(List<byte[]> siblings, (byte[] KeyHash, byte[] ValueHash)? leaf)
    {
        var bytes = new List<byte> { leaf is null ? (byte)0 : (byte)1 };
        if (leaf is { } l)
        {
            bytes.AddRange(l.KeyHash);
            bytes.AddRange(l.ValueHash);
        }

        bytes.Add((byte)(siblings.Count >> 8));
        bytes.Add((byte)siblings.Count);
        foreach (var s in siblings)
        {
            bytes.AddRange(s);
        }

        return bytes.ToArray();
    }

    private static byte[] Hash(List<(byte[] KeyHash, byte[] ValueHash)> set, int depth)
    {
        if (set.Count == 0)
        {
            return Placeholder;
        }

        if (set.Count == 1)
        {
            return Leaf(set[0].KeyHash, set[0].ValueHash);
        }

        var left = set.Where(e => BitOf(e.KeyHash, depth) == 0).ToList();
        var right = set.Where(e => BitOf(e.KeyHash, depth) == 1).ToList();
        return Internal(Hash(left, depth + 1), Hash(right, depth + 1));
    }

    private static int BitOf(byte[] hash, int bit) => (hash[bit / 8] >> (7 - (bit % 8))) & 1;
}
