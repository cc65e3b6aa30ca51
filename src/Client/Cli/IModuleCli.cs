using System.CommandLine;

namespace Chain.Client.Cli;

/// <summary>
/// A group of a module's commands: `chaind tx &lt;name&gt; ...` and `chaind query &lt;name&gt; ...`. A module has one
/// group or several (staking has staking, distribution, slashing and mint, the Cosmos SDK's names). The node adds
/// those of every module its catalog lists, in the catalog's order.
/// </summary>
public interface IModuleCli
{
    /// <summary>The group's name: the word after `tx` and `query`, and the name of the commands returned below.</summary>
    string Name { get; }

    /// <summary>The `tx &lt;name&gt;` command with the group's txs under it, or null when it has none.</summary>
    Command? TxCommand(CliContext context);

    /// <summary>The `query &lt;name&gt;` command with the group's queries under it, or null when it has none.</summary>
    Command? QueryCommand(CliContext context);
}
