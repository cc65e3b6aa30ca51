using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Node.Cli;

/// <summary>Adds a module's `tx` or `query` command group under the node's, checking it bears the group's name and no other group has it.</summary>
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
                $"command group '{module.Name}' gave a `{parent.Name}` command named '{command.Name}'; it must bear the group's name");
        }

        if (parent.Subcommands.Any(c => c.Name == command.Name))
        {
            throw new InvalidOperationException($"two command groups are named '{command.Name}' under `{parent.Name}`");
        }

        parent.Add(command);
    }
}
