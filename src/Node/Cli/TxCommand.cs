using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Node.Cli;

/// <summary>`chaind tx &lt;module&gt; ...`: the tx commands of every module in the catalog, in its order.</summary>
internal sealed class TxCommand
{
    private readonly CliContext _context;
    private readonly IEnumerable<IModuleCli> _modules;

    public TxCommand(CliContext context, IEnumerable<IModuleCli> modules)
    {
        _context = context;
        _modules = modules;
    }

    public Command Build()
    {
        var tx = new Command("tx", "Sign and broadcast transactions");
        foreach (var module in _modules)
        {
            ModuleCommand.AddTo(tx, module, module.TxCommand(_context));
        }

        return tx;
    }
}
