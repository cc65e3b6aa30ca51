using System.Globalization;

namespace Chain.State.Execution;

/// <summary>
/// Test-only fault injection for crash tests. At the commit of block <see cref="Height"/>, the block executor
/// writes the state tree's new nodes on their own (a synced write) and then calls <see cref="Kill"/> before the
/// block, the tree's root record and the flat state copy are written: the process dies between writing tree
/// nodes and committing the block, which a normal commit (everything in one batch) can never show.
/// The node turns it on only through the environment variable <see cref="EnvironmentVariable"/>; never set it
/// on a real node.
/// </summary>
public sealed record CommitFault(ulong Height, Action Kill)
{
    /// <summary>CHAIN_TEST_KILL_AFTER_TREE_NODES=height (test only; deliberately outside the CHAIND_* config names).</summary>
    public const string EnvironmentVariable = "CHAIN_TEST_KILL_AFTER_TREE_NODES";

    /// <summary>The fault the variable asks for, or null when it is not set; a value that is not a height is an error.</summary>
    public static CommitFault? FromEnvironment(Func<string, string?> getEnvironmentVariable, Action kill)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var text = getEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var height) || height == 0)
        {
            throw new FormatException($"environment variable {EnvironmentVariable}: '{text}' is not a block height (1 or more)");
        }

        return new CommitFault(height, kill);
    }
}
