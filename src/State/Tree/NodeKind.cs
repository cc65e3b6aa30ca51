namespace Chain.State.Tree;

/// <summary>What occupies a position of the tree.</summary>
internal enum NodeKind : byte
{
    Empty = 0,
    Leaf = 1,
    Internal = 2,
}
