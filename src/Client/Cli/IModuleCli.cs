using System.CommandLine;

namespace Chain.Client.Cli;

/// <summary>
/// A module's commands: `chaind tx &lt;name&gt; ...` and `chaind query &lt;name&gt; ...`. The node adds those of every
/// module its catalog lists, in the catalog's order.
/// </summary>
public interface IModuleCli
{
    /// <summary>The module's name: the word after `tx` and `query`, and the name of the commands returned below.</summary>
    string Name { get; }

    /// <summary>The `tx &lt;name&gt;` command with the module's txs under it, or null when the module has none.</summary>
    Command? TxCommand(CliContext context);

    /// <summary>The `query &lt;name&gt;` command with the module's queries under it, or null when the module has none.</summary>
    Command? QueryCommand(CliContext context);
}
