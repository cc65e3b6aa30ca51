using System.Text;
using Chain.Node.App;
using Chain.Node.Genesis;

namespace Chain.Fuzz;

/// <summary>
/// A genesis file's text through what <see cref="GenesisFile.Load"/> runs on it: <see cref="GenesisFile.Parse"/> then
/// <see cref="GenesisRules.Validate"/>, with the node's modules. <see cref="GenesisException"/> is the format error.
/// The seed is the genesis.json of `chaind testnet init`.
/// </summary>
public sealed class GenesisTarget : IFuzzTarget
{
    private readonly Chain.State.Modules.ModuleSet _modules = ModuleCatalog.Create();

    public string Name => "genesis";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var doc = GenesisFile.Parse(Encoding.UTF8.GetString(input), "genesis.json", _modules);
            GenesisRules.Validate(doc, "genesis.json", _modules);
        }
        catch (GenesisException)
        {
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds() => [];
}
