using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Node.Cli;

/// <summary>Adds a module's `tx` or `query` command under the node's, checking it bears the module's name.</summary>
internal static class ModuleCommand
{
    public static void AddTo(Command parent, IModuleCli module, Command? command)
    {
        if (command is null)
        {
            return;
        }

        if (command.Name != module.Name)
        {
            throw new InvalidOperationException(
                $"module '{module.Name}' gave a `{parent.Name}` command named '{command.Name}'; it must bear the module's name");
        }

        parent.Add(command);
    }
}
